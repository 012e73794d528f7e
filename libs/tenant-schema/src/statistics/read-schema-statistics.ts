import { quoteIdentifier } from '../schema/index.ts';
import { schemaNameFor } from '../schema/index.ts';
import type { TenantSchemaOrm } from '../schema/index.ts';

export interface TenantSchemaStatistics {
  /** False when the schema does not exist on this database (not provisioned, or elsewhere). */
  present: boolean;
  /** Rows in `invoices`. */
  documentCount: number;
  /** Tables and materialized views of the schema, with their indexes and TOAST. */
  storageUsedBytes: number;
  /** The last applied tenant migration, or null. */
  schemaVersion: string | null;
}

/** Counts read from the tenant's schema on the database `orm` is connected to. */
export async function readTenantSchemaStatistics(orm: TenantSchemaOrm, tenantId: string): Promise<TenantSchemaStatistics> {
  const schema = schemaNameFor(tenantId);
  const em = orm.em.fork();
  const [catalog] = await em.execute<{ present: boolean; bytes: string }[]>(
    `select exists (select 1 from pg_namespace where nspname = ?) as present,
            coalesce((select sum(pg_total_relation_size(c.oid)) from pg_class c join pg_namespace n on n.oid = c.relnamespace
                       where n.nspname = ? and c.relkind in ('r', 'm')), 0)::text as bytes`,
    [schema, schema],
  );
  if (!catalog.present) return { present: false, documentCount: 0, storageUsedBytes: 0, schemaVersion: null };
  const [inside] = await em.execute<{ documents: string; version: string | null }[]>(
    `select (select count(*) from ${quoteIdentifier(schema)}.invoices)::text as documents,
            (select name from ${quoteIdentifier(schema)}.mikro_orm_migrations order by id desc limit 1) as version`,
  );
  return { present: true, documentCount: Number(inside.documents), storageUsedBytes: Number(catalog.bytes), schemaVersion: inside.version };
}
