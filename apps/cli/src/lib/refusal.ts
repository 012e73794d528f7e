import { TenantryError } from '@tenantry/errors';
import { CliError } from './cli-error.ts';

/**
 * A refusal with a stable code (`TNT_ERR_…`) is the operator's to fix: exit 2 with its reason on one
 * line, the code first unless `withCode` is false. Anything else is rethrown.
 */
export function asCliRefusal(error: unknown, { withCode = true }: { withCode?: boolean } = {}): never {
  if (error instanceof TenantryError) throw new CliError(withCode ? `${error.code}: ${error.message}` : error.message, undefined, error.code);
  throw error;
}

