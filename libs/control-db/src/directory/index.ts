export * from './directory-queries.ts';
