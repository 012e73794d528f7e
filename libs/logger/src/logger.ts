import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Paths that must never reach a log line: credentials, tokens, auth headers. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'access_token',
  '*.access_token',
  'token',
  '*.token',
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
];

export interface CreateLoggerOptions {
  name: string;
  level?: LoggerOptions['level'];
  /** Where lines go; defaults to stdout. Tests pass a stream to capture output. */
  destination?: pino.DestinationStream;
}

/** One pino logger per process; children carry context (tenant id, traceparent). */
export function createLogger({ name, level = 'info', destination }: CreateLoggerOptions): Logger {
  const options: LoggerOptions = {
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
