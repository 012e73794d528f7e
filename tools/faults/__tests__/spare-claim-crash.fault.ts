import type pg from 'pg';
import { waitFor } from '@tenantry/testing';
import { describeProvisioningCrash } from '../provisioning-crash.ts';

// Scenario 3 (issue 5), claiming a spare schema: the transaction is held right after it renamed the
// spare to the tenant's schema name (ALTER SCHEMA … RENAME, the first statement of the claim), then
// the provisioner is killed. Besides "no tenant schema, no tenant role": the spare is back under
// its own name, its role too, still without LOGIN.
const spares = async (holder: pg.Client) =>
  (await holder.query<{ nspname: string; login: boolean | null }>(
    `select n.nspname, r.rolcanlogin as login from pg_namespace n left join pg_roles r on r.rolname = n.nspname || '_app'
      where n.nspname ~ '^tenant_spare_[0-9a-f]{32}$' order by 1`,
  )).rows;

let spareBefore: string;

describeProvisioningCrash({
  label: 'crash inside a spare claim',
  spareSchemas: 1,
  holdAt: 'ALTER SCHEMA',
  heldQuery: /^alter schema "tenant_spare_[0-9a-f]{32}" rename to "tenant_[0-9a-f]{32}";\s*alter role/i,
  async prepare(holder) {
    // The warm-up tenant took the first spare; wait for its replacement.
    const [spare] = await waitFor('a spare schema ready', async () => {
      const found = await spares(holder);
      return found.length === 1 ? found : undefined;
    }, { timeoutMs: 60_000, intervalMs: 100 });
    spareBefore = spare.nspname;
  },
  async afterCrash(holder) {
    const after = await spares(holder);
    expect(after).toEqual([{ nspname: spareBefore, login: false }]);
    return { spare_back: after.length };
  },
});
