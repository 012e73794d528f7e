import type { Logger } from '@tenantry/logger';

/**
 * A shutdown step that hangs (e.g. a pool holding a connection the server killed) must not keep
 * the process alive forever.
 */
export const SHUTDOWN_STEP_TIMEOUT_MS = 15_000;

export interface Shutdown {
  /** Registers a step; steps run last registered first, so what was opened last closes first. */
  add(what: string, close: () => Promise<unknown>): void;
  /**
   * Logs `<name> shutting down`, runs every registered step (each bounded by the step timeout; a
   * failure is logged and the next step runs), logs `<name> stopped` and exits with `code`.
   * Only the first call does anything.
   */
  run(code: number, reason: string): Promise<void>;
  /** True once run() was called. */
  readonly started: boolean;
}

export interface CreateShutdownOptions {
  name: string;
  logger: Logger;
  exit: (code: number) => void;
  stepTimeoutMs?: number;
}

export function createShutdown({ name, logger, exit, stepTimeoutMs = SHUTDOWN_STEP_TIMEOUT_MS }: CreateShutdownOptions): Shutdown {
  const steps: { what: string; close: () => Promise<unknown> }[] = [];
  let started = false;

  async function step(what: string, close: () => Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`gave up after ${stepTimeoutMs} ms`)), stepTimeoutMs);
    });
    try {
      await Promise.race([close(), timeout]);
    } catch (error) {
      logger.warn({ err: error }, `${what} failed during shutdown`);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    add(what, close) {
      steps.unshift({ what, close });
    },
    async run(code, reason) {
      if (started) return;
      started = true;
      logger.info({ reason }, `${name} shutting down`);
      for (const { what, close } of [...steps]) await step(what, close);
      logger.info(`${name} stopped`);
      exit(code);
    },
    get started() {
      return started;
    },
  };
}
