import cliProgress from 'cli-progress';
import type { FleetProgress } from '@tenantry/tenant-schema';

export interface FleetProgressBar {
  update(progress: FleetProgress): void;
  stop(): void;
}

/** `migrate up`'s bar on stderr (only when stderr is a terminal): done/total, failures, wave, ETA. */
export function startFleetProgress(total: number): FleetProgressBar {
  if (!process.stderr.isTTY || total === 0) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      format: 'migrate up [{bar}] {value}/{total} schemas {percentage}% · {failed} failed · {wave} · eta {eta_formatted}',
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { failed: 0, wave: 'canary' });
  return {
    update: ({ done, failed, wave }) => bar.update(done, { failed, wave }),
    stop: () => bar.stop(),
  };
}
