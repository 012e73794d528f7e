import type { ControlOrm } from './control-orm.ts';

/** Readiness: one round trip to the control database; rejects when it does not answer. */
export async function pingControlDb(orm: ControlOrm): Promise<void> {
  await orm.em.fork().execute('select 1');
}
