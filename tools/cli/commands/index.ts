import type { Command } from 'commander';

/** Every CLI command; each module exports one `register(program)`. Keep one line per command file. */
export const COMMANDS: ((program: Command) => void)[] = [];
