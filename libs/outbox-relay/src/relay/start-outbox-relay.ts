import { relaySettings, type OutboxRelay, type OutboxRelayOptions } from './options.ts';
import { createWakeSignal } from './wake-signal.ts';
import { runRelaySession, type RelayState } from './relay-session.ts';

/**
 * Publishes the outbox to Kafka in `seq` order. Exactly one relay is active across all processes
 * (a session advisory lock on its own connection); the others wait as standbys. Each batch is
 * marked published only after Kafka acknowledged it, so a crash can duplicate but never lose.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const settings = relaySettings(options);
  const log = settings.logger.child({ component: 'outbox-relay' });
  const signal = createWakeSignal();
  let published = 0;
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const state: RelayState = {
    active: false,
    markStarted: () => markStarted(),
    published: (count) => {
      published += count;
      options.onPublished?.(count);
    },
  };

  const loop = (async () => {
    while (!signal.stopping) {
      try {
        await runRelaySession(settings, signal, state, log);
      } catch (error) {
        // Database trouble: drop the session (and the lock with it) and start over.
        log.warn({ err: error }, 'outbox relay session ended; reconnecting');
        markStarted();
        await signal.sleep(settings.standbyRetryMs);
      }
    }
  })();

  return {
    started,
    isActive: () => state.active,
    publishedCount: () => published,
    async stop() {
      signal.stop();
      await loop;
    },
  };
}
