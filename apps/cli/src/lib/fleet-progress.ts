import cliProgress from 'cli-progress';
import type { FleetProgress } from '@tenantry/tenant-schema';

export interface FleetProgressBar {
  /** A database's plan arrived: its schemas join the total. */
  plan(toMigrate: number): void;
  update(progress: FleetProgress): void;
  stop(): void;
}

/**
 * `migrate up`'s bar on stderr (only when stderr is a terminal): done/total over every database,
 * failures, the database and wave that reported last, ETA. Started with the first plan that has work.
 */
export function startFleetProgress(): FleetProgressBar {
  if (!process.stderr.isTTY) return { plan: () => {}, update: () => {}, stop: () => {} };
  let bar: cliProgress.SingleBar | undefined;
  let total = 0;
  return {
    plan(toMigrate) {
      total += toMigrate;
      if (total === 0) return;
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            format: 'migrate up [{bar}] {value}/{total} schemas {percentage}% · {failed} failed · {database} {wave} · eta {eta_formatted}',
            stream: process.stderr,
            hideCursor: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0, { failed: 0, wave: 'canary', database: '' });
      } else {
        bar.setTotal(total);
      }
    },
    update: ({ done, failed, wave, database }) => bar?.update(done, { failed, wave, database: database ?? '' }),
    stop: () => bar?.stop(),
  };
}
