import { subjectKeyReader, type ControlOrm } from '@tenantry/control-db';
import { openEvent, type TenantEvent } from '@tenantry/tenant-events';
import type { Pool } from 'pg';

/**
 * A tenant's events as the log holds them, each opened with the subject keys (contract v2 seals
 * personal fields in the log): what a subscriber of this repo would read.
 */
export async function openedEventLog<E>(orm: ControlOrm, tenantId: string): Promise<{ type: string; tenant_version: number; event: E }[]> {
  const rows = await orm.em
    .fork()
    .execute<{ type: string; tenant_version: number; event: TenantEvent }[]>(
      'select type, tenant_version, event from tenant_events where tenant_id = ? order by tenant_version',
      [tenantId],
    );
  const keys = subjectKeyReader((await orm.em.getConnection().getNativeClient()) as Pool, orm.config.get('schema')!);
  return Promise.all(rows.map(async (row) => ({ ...row, event: (await openEvent(row.event, keys)) as E })));
}
