/**
 * A URL fit for a message or a log line: its password, if any, replaced by `***`. Database URLs
 * carry one; everything that names a server in text goes through here.
 */
export function redactUrlPassword(url: string | URL): string {
  const copy = new URL(url);
  if (copy.password) copy.password = '***';
  return copy.toString();
}
