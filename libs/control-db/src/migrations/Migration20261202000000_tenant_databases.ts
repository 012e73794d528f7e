import { Migration } from '@mikro-orm/migrations';

/**
 * Tenant databases: the registry of PostgreSQL databases that hold tenant schemas (`main` is the
 * control database itself, so a one-server install needs nothing configured), each tenant's
 * placement, and the journal of tenant moves between databases.
 */
export class Migration20261202000000_tenant_databases extends Migration {
  override up(): void {
    this.addSql(`create table tenant_databases (
      name text primary key check (name ~ '^[a-z][a-z0-9_]{0,30}$'),
      url text null,
      status text not null default 'open' check (status in ('open', 'draining')),
      created_at timestamptz not null default now()
    )`);
    // url null only for 'main': the control database itself (DATABASE_URL).
    this.addSql(`insert into tenant_databases (name, url) values ('main', null)`);
    this.addSql(`alter table tenants add column database text not null default 'main' references tenant_databases (name)`);
    this.addSql(`create index tenants_database_idx on tenants (database)`);
    this.addSql(`create table tenant_moves (
      id bigserial primary key,
      tenant_id uuid not null references tenants (id),
      from_database text not null references tenant_databases (name),
      to_database text not null references tenant_databases (name),
      mode text not null check (mode in ('logical', 'offline')),
      state text not null,
      error text null,
      old_schema text null,
      requested_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      finished_at timestamptz null,
      cleaned_at timestamptz null
    )`);
    // At most one unfinished move per tenant.
    this.addSql(`create unique index tenant_moves_one_open on tenant_moves (tenant_id) where finished_at is null`);
  }

  override down(): void {
    this.addSql(`drop table if exists tenant_moves`);
    this.addSql(`drop index if exists tenants_database_idx`);
    this.addSql(`alter table tenants drop column if exists database`);
    this.addSql(`drop table if exists tenant_databases`);
  }
}
