import cliProgress from 'cli-progress';

export interface Progress {
  increment(by?: number): void;
  stop(): void;
}

/** A progress bar on stderr for long work; silent with --json or when stderr is not a terminal. */
export function startProgress(total: number, label: string, enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY || total === 0) return { increment: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta}s`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { increment: (by = 1) => bar.increment(by), stop: () => bar.stop() };
}
