export * from './member-commands.ts';
export * from './member-row.ts';
