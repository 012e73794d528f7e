import { CliError } from './cli-error.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A tenant id argument must be a UUID: anything else is the operator's typo (exit 2), not a lookup. */
export function requireTenantId(id: string): void {
  if (!UUID.test(id)) throw new CliError(`${JSON.stringify(id)} is not a tenant id (a UUID)`);
}
