export * from './record-schema-version.ts';
