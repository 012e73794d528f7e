/**
 * The fault suite's failpoint: with `TENANTRY_MOVE_FAILPOINT=<state>` in the environment, the runner
 * stops dead right after it journalled that state (it never returns), so a test can SIGKILL the
 * process at exactly that point of a move instead of racing a step that lasts milliseconds. Unset in
 * every real deployment; it changes nothing else.
 */
export async function failpoint(state: string): Promise<void> {
  if (process.env.TENANTRY_MOVE_FAILPOINT !== state) return;
  process.stderr.write(`tenant move: failpoint ${state} reached, waiting to be killed\n`);
  await new Promise(() => undefined);
}
