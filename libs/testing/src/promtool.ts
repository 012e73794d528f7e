import { execFile } from 'node:child_process';

export class PromtoolMissingError extends Error {
  override name = 'PromtoolMissingError';
}

/**
 * Runs Prometheus' `promtool` with `args` (and `input` on stdin), resolving with its output; a
 * non-zero exit rejects with that output. promtool comes from Debian's `prometheus` package, which
 * `.ci/run` installs when missing.
 */
export function promtool(args: string[], { input, cwd }: { input?: string; cwd?: string } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile('promtool', args, { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
        reject(new PromtoolMissingError("promtool is not installed: 'apt-get install prometheus' (Debian's package; .ci/run installs it)."));
      } else if (error) reject(new Error(`promtool ${args.join(' ')} failed:\n${stdout}${stderr}`));
      else resolve({ stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

/** `promtool check metrics` on a scrape's text: '' when it has nothing to say, else its complaints. */
export async function promtoolCheckMetrics(text: string): Promise<string> {
  try {
    const { stdout, stderr } = await promtool(['check', 'metrics'], { input: text });
    return `${stdout}${stderr}`.trim();
  } catch (error) {
    if (error instanceof PromtoolMissingError) throw error;
    return (error as Error).message;
  }
}
