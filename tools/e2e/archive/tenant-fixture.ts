import { schemaNameFor, tenantGroupFor } from '@tenantry/tenant-schema';
import { waitFor } from '@tenantry/testing';
import pg from 'pg';
import type { Stack } from '../stack.ts';

/** A tenant created through the API, with a second member, waited for until active. */
export async function createActiveTenant(stack: Stack, body: Record<string, unknown>): Promise<string> {
  const token = await stack.token();
  const created = await stack.request('POST', '/v1/tenants', body, token);
  if (created.status !== 201) throw new Error(`POST /v1/tenants: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  await waitFor('tenant active', async () => (await stack.request('GET', `/v1/tenants/${id}`, undefined, token)).body.status === 'active', { timeoutMs: 60_000 });
  const member = await stack.request('POST', `/v1/tenants/${id}/members`, { email: `dev-${id.slice(-8)}@archive.test`, role: 'developer', first_name: 'Ana', last_name: 'Rojas' }, token);
  if (member.status !== 201) throw new Error(`POST members: ${member.status} ${JSON.stringify(member.body)}`);
  return id;
}

/** Rows in the tenant's business tables: products, customers, `invoices` invoices of 3 lines each. */
export async function seedTenantRows(db: pg.ClientBase, tenantId: string, invoices: number): Promise<void> {
  const s = schemaNameFor(tenantId);
  await db.query(`insert into ${s}.products (sku, name, unit_price) select 'SKU-' || g, 'Producto ' || g, g * 10 from generate_series(1, 50) g`);
  await db.query(`insert into ${s}.customers (rut, name) select (10000000 + g)::text || '-' || (g % 10)::text, 'Cliente ' || g from generate_series(1, 20) g`);
  await db.query(
    `insert into ${s}.invoices (document_type, folio, customer_id, net_amount, total_amount)
     select 33, g, 1 + g % 20, g * 100, g * 119 from generate_series(1, $1::int) g`,
    [invoices],
  );
  await db.query(
    `insert into ${s}.invoice_lines (invoice_id, line_number, product_id, description, quantity, unit_price, line_total)
     select i.id, l, 1 + (i.id + l) % 50, 'línea ' || l, l, 100, l * 100 from ${s}.invoices i, generate_series(1, 3) l`,
  );
}

/** Every row of every table of the schema, as sorted JSON text per table: two schemas compare table by table. */
export async function tableContents(db: pg.ClientBase, schema: string): Promise<Record<string, string[]>> {
  const { rows: tables } = await db.query<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE' order by 1`, [schema]);
  const contents: Record<string, string[]> = {};
  for (const { name } of tables) {
    const { rows } = await db.query<{ row: string }>(`select to_jsonb(t)::text as row from "${schema}"."${name}" t order by 1`);
    contents[name] = rows.map((r) => r.row);
  }
  return contents;
}

/** Invoices of 3 lines each, one transaction per invoice, until stopped: a tenant that keeps working. */
export function startInvoiceWriter(url: string, tenantId: string, firstFolio: number) {
  const s = schemaNameFor(tenantId);
  const client = new pg.Client({ connectionString: url });
  let committed = 0;
  let stopped = false;
  const loop = (async () => {
    await client.connect();
    for (let folio = firstFolio; !stopped; folio += 1) {
      await client.query('begin');
      const { rows } = await client.query<{ id: string }>(`insert into ${s}.invoices (document_type, folio) values (33, $1) returning id`, [folio]);
      await client.query(
        `insert into ${s}.invoice_lines (invoice_id, line_number, description, quantity, unit_price, line_total)
         select $1, l, 'línea ' || l, 1, 100, 100 from generate_series(1, 3) l`,
        [rows[0].id],
      );
      await client.query('commit');
      committed += 1;
    }
  })();
  return {
    committed: () => committed,
    async stop() {
      stopped = true;
      await loop;
      await client.end();
    },
  };
}

/**
 * Tenant schemas, tenant roles and tenants of an installation: what an import that was refused must
 * not change. Roles are cluster-wide and other tests on the same server make theirs meanwhile, so
 * only roles in this database's tenant group count: every tenant role joins it as it is created
 * (in the same transaction), so a role an import left behind is counted all the same.
 */
export async function installationFootprint(db: pg.ClientBase) {
  const [{ name }] = (await db.query<{ name: string }>('select current_database() as name')).rows;
  const { rows } = await db.query<{ schemas: string[]; roles: string[]; tenants: string[] }>(
    `select (select coalesce(array_agg(nspname::text order by nspname), '{}') from pg_namespace where nspname ~ '^tenant_[0-9a-f]{32}') as schemas,
            (select coalesce(array_agg(r.rolname::text order by r.rolname), '{}') from pg_roles r
              where r.rolname ~ '^tenant_[0-9a-f]{32}_app$'
                and exists (select 1 from pg_auth_members m join pg_roles g on g.oid = m.roleid where m.member = r.oid and g.rolname = $1)) as roles,
            (select coalesce(array_agg(id::text order by id), '{}') from control.tenants) as tenants`,
    [tenantGroupFor(name)],
  );
  return rows[0];
}
