import { describeProvisioningCrash } from '../provisioning-crash.ts';

// Scenario 3 (issue 5), building a schema: spare schemas off, the transaction is held at the GRANT
// of its first batch (CREATE SCHEMA, CREATE ROLE, then the role's GRANT USAGE and default
// privileges, before the migrations), after the schema and the role exist.
describeProvisioningCrash({
  label: 'crash inside provisioning',
  spareSchemas: 0,
  holdAt: 'GRANT',
  // The batch that made the schema and the role, stopped at its GRANT (the query text is the whole batch).
  heldQuery: /^create schema "tenant_[0-9a-f]{32}";\s*create role .*grant usage on schema/is,
});
