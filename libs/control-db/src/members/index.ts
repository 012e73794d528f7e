export * from './member-commands.ts';
