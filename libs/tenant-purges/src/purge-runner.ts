import { listOpenTenantPurges } from '@tenantry/control-db';
import { runTenantPurge, type PurgeRunnerDeps } from './run-tenant-purge.ts';
import { TenantPurgeBusyError } from './errors.ts';

export interface PurgeRunner {
  /** Runs this tenant's purge now, in the background (after a request). */
  kick(tenantId: string): void;
  stop(): Promise<void>;
}

export interface PurgeRunnerOptions {
  /** How often unfinished purges (a crashed runner's) are looked for; default 10 s. */
  intervalMs?: number;
}

/**
 * The purges of a service process: a requested one starts at once (`kick`), and every
 * `intervalMs` the open ones are resumed (a process killed mid-purge leaves its journal open; the
 * advisory lock keeps two runners off one purge).
 */
export function startPurgeRunner(deps: PurgeRunnerDeps, options: PurgeRunnerOptions = {}): PurgeRunner {
  const running = new Map<string, Promise<void>>();
  const run = (tenantId: string) => {
    if (running.has(tenantId)) return;
    const job = runTenantPurge(deps, tenantId)
      .then(() => undefined)
      .catch((error: unknown) => {
        if (!(error instanceof TenantPurgeBusyError)) deps.logger.error({ tenant_id: tenantId, err: error }, 'tenant purge failed; it will be resumed');
      })
      .finally(() => running.delete(tenantId));
    running.set(tenantId, job);
  };
  const sweep = async () => {
    try {
      for (const purge of await listOpenTenantPurges(deps.orm)) run(purge.tenantId);
    } catch (error) {
      deps.logger.warn({ err: error }, 'could not list open tenant purges');
    }
  };
  const timer = setInterval(() => void sweep(), options.intervalMs ?? 10_000);
  timer.unref();
  void sweep();
  return {
    kick: run,
    async stop() {
      clearInterval(timer);
      await Promise.allSettled(running.values());
    },
  };
}
