import type { Command } from 'commander';

/**
 * The parent of a two-word command (`replay offsets`, `dlq list`), created by whichever command
 * file registers first, so each subcommand can live in its own file.
 */
export function commandGroup(program: Command, name: string, description: string): Command {
  return program.commands.find((command) => command.name() === name) ?? program.command(name).description(description);
}
