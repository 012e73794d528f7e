import { Migration } from '@mikro-orm/migrations';

/**
 * The control schema: plans, groups, users, tenants, memberships and the tenant event log, which is
 * also the transactional outbox (`published_at` null = not yet on Kafka). Unqualified names: the
 * migrator sets `search_path` to the control schema.
 */
export class Migration20261122000000_control extends Migration {
  override up(): void {
    this.addSql(`create extension if not exists pg_trgm with schema public`);
    this.addSql(`create table plans (
      id text primary key,
      name text not null,
      user_limit integer null check (user_limit is null or user_limit > 0)
    )`);
    this.addSql(`insert into plans (id, name, user_limit) values
      ('free', 'Free', 3), ('starter', 'Starter', 10), ('business', 'Business', 50), ('enterprise', 'Enterprise', null)`);
    this.addSql(`create table tenant_groups (
      id uuid primary key,
      name text not null unique,
      created_at timestamptz not null default now()
    )`);
    this.addSql(`create table users (
      id uuid primary key,
      email text not null,
      password_hash text null,
      first_name text null,
      last_name text null,
      superuser boolean not null default false,
      permissions text[] not null default '{}',
      status text not null default 'active' check (status in ('active', 'invited', 'disabled')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      last_login_at timestamptz null
    )`);
    this.addSql(`create unique index users_email_key on users (lower(email))`);
    this.addSql(`create table tenants (
      id uuid primary key,
      name text not null,
      slug text not null,
      description text null,
      business_type text not null,
      status text not null,
      schema_name text not null unique,
      schema_version text null,
      rut text null,
      address text null,
      commune text null,
      city text null,
      post_code text null,
      country_code char(2) not null,
      giro text null,
      billing_day smallint not null check (billing_day between 1 and 31),
      economic_activities jsonb not null default '[]',
      plan_id text not null references plans (id),
      user_limit integer null,
      group_id uuid null references tenant_groups (id),
      settings jsonb not null,
      version integer not null check (version >= 1),
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql(`create unique index tenants_slug_key on tenants (slug)`);
    this.addSql(`create unique index tenants_rut_key on tenants (rut) where rut is not null`);
    this.addSql(`create index tenants_created_order on tenants (created_at desc, id desc)`);
    this.addSql(`create index tenants_search_trgm on tenants using gin ((name || ' ' || slug || ' ' || coalesce(description, '')) public.gin_trgm_ops)`);
    this.addSql(`create table memberships (
      tenant_id uuid not null references tenants (id),
      user_id uuid not null references users (id),
      role text not null check (role in ('admin', 'developer', 'readonly', 'auditor')),
      status text not null check (status in ('active', 'passive', 'banned', 'invited')),
      joined_at timestamptz not null default now(),
      last_login_at timestamptz null,
      primary key (tenant_id, user_id)
    )`);
    this.addSql(`create index memberships_user on memberships (user_id)`);
    // seq gives the relay a total order; (tenant_id, tenant_version) unique makes per-tenant versions
    // strictly increasing with no gaps possible from two writers.
    this.addSql(`create table tenant_events (
      seq bigserial primary key,
      id uuid not null unique,
      tenant_id uuid not null,
      tenant_version integer not null,
      type text not null,
      event jsonb not null,
      created_at timestamptz not null default now(),
      published_at timestamptz null,
      unique (tenant_id, tenant_version)
    )`);
    this.addSql(`create index tenant_events_unpublished on tenant_events (seq) where published_at is null`);
  }

  override down(): void {
    this.addSql(`drop table if exists tenant_events, memberships, tenants, users, tenant_groups, plans cascade`);
  }
}
