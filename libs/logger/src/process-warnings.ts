import type { Logger } from 'pino';

/**
 * Node prints process warnings (`(node:123) TimeoutNegativeWarning: …`) as plain text on stderr,
 * which breaks a log stream that is JSON lines. kafkajs 2.2.4 triggers one in every service
 * (its request queue schedules a timer with a negative delay, which Node 24 clamps to 1 ms and warns
 * about). This replaces Node's printer with a `warn` line of `logger`; the warning's name, code and
 * stack go in the line. Call once per process, after the logger exists.
 */
export function logProcessWarnings(logger: Logger, target: NodeJS.Process = process): void {
  target.removeAllListeners('warning');
  const log = logger.child({ component: 'process' });
  target.on('warning', (warning: Error & { code?: string }) => {
    log.warn({ warning: { name: warning.name, code: warning.code, stack: warning.stack } }, `${warning.name}: ${warning.message}`);
  });
}
