import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@tenantry/logger';

export type LogLine = Record<string, unknown> & { msg?: string };

/** A log destination whose JSON lines are kept in `lines`, for a logger the code under test creates. */
export function captureLogLines(): { destination: Writable; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { destination, lines };
}

/** A real pino logger at debug level whose JSON lines are kept in `lines` for assertions. */
export function captureLogger(name: string): { logger: Logger; lines: LogLine[] } {
  const { destination, lines } = captureLogLines();
  return { logger: createLogger({ name, level: 'debug', destination }), lines };
}
