export * from './users.ts';
export * from './caller.ts';
