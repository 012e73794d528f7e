import type { Command } from 'commander';
import { registerStatusChange } from '../lib/tenant-databases-cli.ts';

export function register(program: Command) {
  registerStatusChange(program, {
    verb: 'open',
    description: 'Let placement choose this database for new tenants again',
    status: 'open',
    done: (name) => `Tenant database "${name}" is open: placement may choose it for new tenants.`,
  });
}
