import type { Command } from 'commander';
import { registerStatusChange } from '../lib/tenant-databases-cli.ts';

export function register(program: Command) {
  registerStatusChange(program, {
    verb: 'drain',
    description: 'Place no new tenant on this database (tenants already there stay and are served)',
    status: 'draining',
    done: (name) => `Tenant database "${name}" is draining: no new tenant is placed there; its tenants stay.`,
  });
}
