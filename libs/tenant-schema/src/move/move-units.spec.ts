import type { TenantMigration } from '@tenantry/tenant-migrations';
import { isBefore, MOVE_STATES } from './move-types.ts';
import { connectionFor } from './pg-tools.ts';
import { migrationsUpTo } from './prepare-target.ts';

describe('isBefore', () => {
  test('orders the states as MOVE_STATES lists them', () => {
    expect(isBefore('requested', 'target-prepared')).toBe(true);
    expect(isBefore('sequences-synced', 'flipped')).toBe(true);
    expect(isBefore('flipped', 'flipped')).toBe(false);
    expect(isBefore('done', 'unfrozen')).toBe(false);
    expect(MOVE_STATES[0]).toBe('requested');
    expect(MOVE_STATES.at(-1)).toBe('done');
  });
});

describe('migrationsUpTo', () => {
  const list = ['M1', 'M2', 'M3'].map((name) => ({ name }) as TenantMigration);

  test("stops at the source's version", () => {
    expect(migrationsUpTo(list, 'M2').map((m) => m.name)).toEqual(['M1', 'M2']);
    expect(migrationsUpTo(list, 'M3').map((m) => m.name)).toEqual(['M1', 'M2', 'M3']);
  });

  test('refuses a version the code does not know', () => {
    expect(() => migrationsUpTo(list, 'M9')).toThrow(expect.objectContaining({ code: 'TNT_ERR_MOVE_UNKNOWN_VERSION' }));
  });
});

describe('connectionFor', () => {
  test('moves the password from the URL to PGPASSWORD', () => {
    const { dbname, env } = connectionFor('postgres://app:s3cr%40t@db.example:5433/tenants?sslmode=require');
    expect(dbname).toBe('postgres://app@db.example:5433/tenants?sslmode=require');
    expect(env.PGPASSWORD).toBe('s3cr@t');
  });

  test('leaves a URL without password as it is', () => {
    const { dbname, env } = connectionFor('postgres://postgres@127.0.0.1:5432/main');
    expect(dbname).toBe('postgres://postgres@127.0.0.1:5432/main');
    expect(env.PGPASSWORD).toBe(process.env.PGPASSWORD);
  });
});
