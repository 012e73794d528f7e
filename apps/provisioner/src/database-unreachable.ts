/** Socket-level failures: the database host or port cannot be reached, or the link broke. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/**
 * SQLSTATEs meaning "no usable connection": admin/crash shutdown, server starting up, too many
 * connections. Class 08 (connection exception) is matched by prefix below.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

const MESSAGES = /connection terminated|timeout exceeded when trying to connect|connection (is )?closed/i;

function unreachable(error: object): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  return typeof message === 'string' && MESSAGES.test(message);
}

/**
 * True when `error`, or anything in its `cause` / AggregateError chain, says the database cannot be
 * reached. Such failures say nothing about the tenant, so the provisioner must not report them as
 * a provisioning failure; it rethrows them and lets the consumer runner retry.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    if (unreachable(current)) return true;
    queue.push((current as { cause?: unknown }).cause);
    const nested = (current as { errors?: unknown }).errors;
    if (Array.isArray(nested)) queue.push(...nested);
  }
  return false;
}
