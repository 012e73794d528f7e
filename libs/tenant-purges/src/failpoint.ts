/**
 * The fault suite's failpoint: with `TENANTRY_PURGE_FAILPOINT=<state>` in the environment, the
 * runner stops dead right after it journalled that state (it never returns), so a test can SIGKILL
 * the process at exactly that point of a purge. Unset in every real deployment; it changes nothing else.
 */
export async function failpoint(state: string): Promise<void> {
  if (process.env.TENANTRY_PURGE_FAILPOINT !== state) return;
  process.stderr.write(`tenant purge: failpoint ${state} reached, waiting to be killed\n`);
  await new Promise(() => undefined);
}
