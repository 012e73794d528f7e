import { Migration } from '@mikro-orm/migrations';

/** Idempotency-Key records: the first answer to a (caller, route, key), kept 24 h. */
export class Migration20261122010000_idempotency extends Migration {
  override up(): void {
    this.addSql(`create table idempotency_keys (
      principal text not null,
      route text not null,
      key text not null,
      request_hash text not null,
      status_code integer null,
      response jsonb null,
      headers jsonb null,
      created_at timestamptz not null default now(),
      primary key (principal, route, key)
    )`);
    this.addSql(`create index idempotency_keys_created on idempotency_keys (created_at)`);
    this.addSql(`create index tenant_events_history on tenant_events (tenant_id, tenant_version desc)`);
  }

  override down(): void {
    this.addSql(`drop table if exists idempotency_keys`);
    this.addSql(`drop index if exists tenant_events_history`);
  }
}
