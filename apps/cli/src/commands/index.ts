import type { Command } from 'commander';

/** Every CLI command; each module exports one `register(program)`. Keep one line per command file. */
export const COMMANDS: ((program: Command) => void)[] = [
  (await import('./replay-offsets.ts')).register,
  (await import('./replay-tenant.ts')).register,
  (await import('./dlq-list.ts')).register,
  (await import('./dlq-show.ts')).register,
  (await import('./dlq-redrive.ts')).register,
  (await import('./outbox-status.ts')).register,
  (await import('./tenants-reprovision.ts')).register,
  (await import('./tenants-move.ts')).register,
  (await import('./tenants-export.ts')).register,
  (await import('./tenants-import.ts')).register,
  (await import('./tenants-purge.ts')).register,
  (await import('./migrate-status.ts')).register,
  (await import('./migrate-up.ts')).register,
  (await import('./databases-add.ts')).register,
  (await import('./databases-list.ts')).register,
  (await import('./databases-drain.ts')).register,
  (await import('./databases-open.ts')).register,
];
