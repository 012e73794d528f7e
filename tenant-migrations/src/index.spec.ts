import type { Configuration } from '@mikro-orm/core';
import type { AbstractSqlDriver } from '@mikro-orm/sql';
import { LATEST_TENANT_MIGRATION, tenantMigrations } from './index.ts';

/** The SQL a migration's up() or down() queues, without touching a database. */
function statementsOf(entry: (typeof tenantMigrations)[number], method: 'up' | 'down'): string[] {
  const migration = new entry.class({} as AbstractSqlDriver, {} as Configuration);
  void migration[method]();
  return migration.getQueries().map((query) => String(query));
}

const SPEC_TABLES = [
  'issuer',
  'economic_activities',
  'dte_config',
  'locations',
  'products',
  'customers',
  'invoices',
  'invoice_lines',
  'users',
];

describe('tenantMigrations', () => {
  it('lists timestamped, uniquely named migrations in chronological order', () => {
    const names = tenantMigrations.map((m) => m.name);
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(/^Migration\d{14}_[a-z0-9_]+$/);
    }
    expect([...names].sort()).toEqual(names);
    expect(LATEST_TENANT_MIGRATION).toBe(names[names.length - 1]);
  });

  it('names each entry after its class, so logs and the tracking table agree', () => {
    for (const entry of tenantMigrations) {
      expect(entry.class.name).toBe(entry.name);
    }
  });

  it('creates every table of the tenant schema contract', () => {
    const created = tenantMigrations
      .flatMap((m) => statementsOf(m, 'up'))
      .flatMap((sql) => [...sql.matchAll(/create table (\w+)/gi)].map((match) => match[1]));
    expect(created).toEqual(expect.arrayContaining(SPEC_TABLES));
  });

  it('never qualifies a name or points a foreign key outside the schema', () => {
    const statements = tenantMigrations.flatMap((m) => [...statementsOf(m, 'up'), ...statementsOf(m, 'down')]);
    const created = new Set(
      statements.flatMap((sql) => [...sql.matchAll(/create table (\w+)/gi)].map((match) => match[1])),
    );
    for (const sql of statements) {
      // A dot between two identifiers would name another schema; numerics like 18, 2 have none.
      expect(sql).not.toMatch(/\b[a-z_]\w*"?\s*\.\s*"?[a-z_]\w*/i);
      expect(sql).not.toMatch(/\b(public|tenant_[0-9a-f]{32}|pg_temp)\b/i);
      for (const match of sql.matchAll(/references\s+(\w+)/gi)) {
        expect(created).toContain(match[1]);
      }
    }
  });

  it('drops in down() what up() created', () => {
    for (const entry of tenantMigrations) {
      const created = statementsOf(entry, 'up').flatMap((sql) => [...sql.matchAll(/create table (\w+)/gi)].map((m) => m[1]));
      const dropped = statementsOf(entry, 'down').flatMap((sql) => [...sql.matchAll(/drop table (?:if exists )?(\w+)/gi)].map((m) => m[1]));
      expect([...dropped].sort()).toEqual([...created].sort());
    }
  });
});
