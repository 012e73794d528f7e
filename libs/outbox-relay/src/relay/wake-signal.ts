/**
 * The relay's sleeps: cut short by a wake-up (a NOTIFY, or stop). A wake-up that comes while the
 * relay is busy is kept, so the next sleep returns at once instead of missing it.
 */
export interface WakeSignal {
  sleep(ms: number): Promise<void>;
  wake(): void;
  /** Ends every sleep now and later; `stopping` turns true. */
  stop(): void;
  readonly stopping: boolean;
}

export function createWakeSignal(): WakeSignal {
  let stopping = false;
  let pendingWake = false;
  let wakeSleeper: () => void = () => {};

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (pendingWake || stopping) {
        pendingWake = false;
        return resolve();
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeSleeper = () => {};
        pendingWake = false;
        resolve();
      }
      wakeSleeper = done;
    });

  const wake = () => {
    pendingWake = true;
    wakeSleeper();
  };

  return {
    sleep,
    wake,
    stop() {
      stopping = true;
      wake();
    },
    get stopping() {
      return stopping;
    },
  };
}
