import type { ControlOrm } from '../orm/index.ts';
import { queryNative } from '../orm/index.ts';
import { callerColumns, toCaller, type CallerColumns, type CallerRecord } from '../rows/index.ts';

const FIND_CALLER = `select ${callerColumns(null)} from users u where u.id = $1`;
const FIND_CALLER_WITH_TID = `select ${callerColumns('$2::uuid')} from users u where u.id = $1`;

/** The user of a token and its role in `tid` (pass null without one), in one round trip. */
export async function findCaller(orm: ControlOrm, userId: string, tid: string | null): Promise<CallerRecord | null> {
  const rows =
    tid === null
      ? await queryNative<CallerColumns>(orm, FIND_CALLER, [userId], 'tenantry_find_caller')
      : await queryNative<CallerColumns>(orm, FIND_CALLER_WITH_TID, [userId, tid], 'tenantry_find_caller_tid');
  return toCaller(rows[0]);
}
