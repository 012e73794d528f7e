export * from './control-orm.ts';
export * from './ensure-database.ts';
export * from './native-sql.ts';
export * from './sql-client.ts';
export * from './ping-control-db.ts';
