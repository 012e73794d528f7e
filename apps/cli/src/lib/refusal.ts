import { CliError } from './cli-error.ts';

/** A refusal with a stable code (`TNT_ERR_…`) is the operator's to fix: exit 2, its code and reason on one line. */
export function asCliRefusal(error: unknown): never {
  const code = (error as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('TNT_ERR_')) throw new CliError(`${code}: ${(error as Error).message}`);
  throw error;
}

/** The same with the reason alone, as `tenants move` and `tenants purge` print it. */
export function asCliRefusalReason(error: unknown): never {
  const code = (error as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('TNT_ERR_')) throw new CliError((error as Error).message);
  throw error;
}
