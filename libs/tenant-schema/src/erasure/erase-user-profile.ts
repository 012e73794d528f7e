import { tableExists } from '../schema/index.ts';
import { qualifiedName } from '../schema/index.ts';
import { schemaNameFor } from '../schema/index.ts';
import type { TenantSchemaOrm } from '../schema/index.ts';

/**
 * Deletes a user's local profile (the `users` table, the tenant's copy of its members) from the
 * tenant's schema, part of the user's erasure. Idempotent; a schema that is gone has nothing left.
 */
export async function eraseUserProfile(orm: TenantSchemaOrm, tenantId: string, userId: string): Promise<{ deleted: number }> {
  const em = orm.em.fork();
  const schema = schemaNameFor(tenantId);
  if (!(await tableExists(em, schema, 'users'))) return { deleted: 0 };
  const rows = await em.execute<{ user_id: string }[]>(`delete from ${qualifiedName(schema, 'users')} where user_id = ? returning user_id`, [userId]);
  return { deleted: rows.length };
}
