import { MikroORM } from '@mikro-orm/postgresql';
import { createTestDatabase, type TestDatabase } from '@tenantry/testing';
import { controlOrmOptions, hasControlSchema, migrateControlSchema, type ControlOrm } from '../control-orm.ts';

let db: TestDatabase;
let orm: ControlOrm;

beforeAll(async () => {
  db = await createTestDatabase('tenantry_control_schema');
  orm = await MikroORM.init({ ...controlOrmOptions({ databaseUrl: db.url, controlSchema: 'control', poolMax: 2 }), ensureDatabase: false });
});

afterAll(async () => {
  await orm.close(true);
  await db.drop();
});

it('says whether the control schema holds its tables, and creates nothing while asking', async () => {
  expect(await hasControlSchema(orm, 'control')).toBe(false);
  const [schema] = await orm.em.fork().execute<{ found: string | null }[]>("select to_regnamespace('control')::text as found");
  expect(schema.found).toBeNull();
  await migrateControlSchema(orm, 'control');
  expect(await hasControlSchema(orm, 'control')).toBe(true);
  expect(await hasControlSchema(orm, 'elsewhere')).toBe(false);
});
