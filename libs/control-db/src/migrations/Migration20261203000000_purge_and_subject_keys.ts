import { Migration } from '@mikro-orm/migrations';

/**
 * The end of a tenant's life and of a person's data (issue 15):
 * - `tenants` may be a tombstone (`status = 'purged'`): no name, slug, rut, address or
 *   description, only the id, the purge time and the non-personal columns. `deactivated_at` says
 *   since when a tenant has been deactivated (PURGE_AFTER_DAYS counts from it).
 * - `tenant_purges`: the journal of a purge (one row per tenant, its step), so a re-run finishes it.
 * - `subject_keys`: one AES-256-GCM data key per subject (`tenant:<id>`, `user:<id>`) that seals
 *   the personal fields of events; destroying it (key null) makes every copy of those fields,
 *   in the event log and on Kafka, unreadable (crypto-shredding).
 * - `users` may be erased: a tombstone without email, names or password.
 */
export class Migration20261203000000_purge_and_subject_keys extends Migration {
  override up(): void {
    this.addSql(`alter table tenants alter column name drop not null, alter column slug drop not null`);
    this.addSql(`alter table tenants add column deactivated_at timestamptz null, add column purged_at timestamptz null`);
    this.addSql(`update tenants t set deactivated_at = coalesce(
        (select max(e.created_at) from tenant_events e where e.tenant_id = t.id and e.type = 'TenantDeactivated'), t.updated_at)
      where t.status = 'deactivated'`);
    this.addSql(`alter table tenants add constraint tenants_tombstone check (
      case when status = 'purged'
        then name is null and slug is null and rut is null and address is null and description is null and purged_at is not null
        else name is not null and slug is not null end)`);
    this.addSql(`create table tenant_purges (
      tenant_id uuid primary key references tenants (id),
      state text not null check (state in ('requested', 'schema-dropped', 'done')),
      forced boolean not null default false,
      requested_by uuid null,
      requested_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      finished_at timestamptz null
    )`);
    this.addSql(`create index tenant_purges_open on tenant_purges (requested_at) where finished_at is null`);
    this.addSql(`create table subject_keys (
      subject text primary key check (subject ~ '^(tenant|user):[0-9a-f-]{36}$'),
      key bytea null check (key is null or length(key) = 32),
      created_at timestamptz not null default now(),
      destroyed_at timestamptz null,
      check ((key is null) = (destroyed_at is not null))
    )`);
    this.addSql(`alter table users alter column email drop not null`);
    this.addSql(`alter table users add column erased_at timestamptz null`);
    this.addSql(`alter table users drop constraint users_status_check`);
    this.addSql(`alter table users add constraint users_status_check check (status in ('active', 'invited', 'disabled', 'erased'))`);
    this.addSql(`alter table users add constraint users_tombstone check (
      case when status = 'erased'
        then email is null and first_name is null and last_name is null and password_hash is null and erased_at is not null
        else email is not null end)`);
  }

  override down(): void {
    this.addSql(`delete from users where status = 'erased'`);
    this.addSql(`alter table users drop constraint if exists users_tombstone`);
    this.addSql(`alter table users drop constraint users_status_check`);
    this.addSql(`alter table users add constraint users_status_check check (status in ('active', 'invited', 'disabled'))`);
    this.addSql(`alter table users drop column if exists erased_at`);
    this.addSql(`alter table users alter column email set not null`);
    this.addSql(`drop table if exists subject_keys`);
    this.addSql(`drop table if exists tenant_purges`);
    this.addSql(`alter table tenants drop constraint if exists tenants_tombstone`);
    this.addSql(`alter table tenants drop column if exists purged_at, drop column if exists deactivated_at`);
  }
}
