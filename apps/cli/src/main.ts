// `npm run tenantry -- <command>`: the operator CLI. Each command lives in commands/<verb>-<noun>.ts
// and registers itself on the program; exit codes: 0 ok, 1 some work failed, 2 bad usage or setup.
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.ts';

const program = new Command('tenantry')
  .description('Tenantry operator CLI: fleet migrations, replay, dead letters, outbox, provisioning')
  .option('--json', 'machine-readable output on stdout')
  .showHelpAfterError()
  .exitOverride();

for (const register of COMMANDS) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  console.error(`tenantry: ${(error as Error).message}`);
  process.exit(typeof (error as { exitCode?: number }).exitCode === 'number' ? (error as { exitCode: number }).exitCode : 1);
}
