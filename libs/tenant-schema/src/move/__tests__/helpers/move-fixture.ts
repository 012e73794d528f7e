import { createPostgresCluster, createTestDatabase, type PostgresCluster, type TestDatabase } from '@tenantry/testing';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { createTenantSchemaOrm, provisionTenantSchema, roleNameFor, schemaNameFor, type MoveEndpoint, type MoveJournal, type MoveState, type TenantMovePlan } from '../../../index.ts';

/**
 * Servers of the suite's own, one per entry of `walLevels`, made one after the other. A failed
 * creation is tried again (pg_lsclusters fails while another run's cluster is half made; a name
 * left by an earlier suite of this process exists already), and if one cannot be made the others
 * are released before the error is thrown, so no cluster outlives the suite.
 */
export async function createServers(walLevels: ('logical' | 'replica')[]): Promise<PostgresCluster[]> {
  const made: PostgresCluster[] = [];
  try {
    for (const walLevel of walLevels) made.push(await createServer(walLevel));
    return made;
  } catch (error) {
    await Promise.allSettled(made.map((server) => server.release()));
    throw error;
  }
}

async function createServer(walLevel: 'logical' | 'replica', attempts = 3): Promise<PostgresCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createPostgresCluster({ settings: { wal_level: walLevel } });
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** A database of its own on a test cluster, as a move endpoint. */
export async function createEndpoint(adminUrl: string, name: string): Promise<MoveEndpoint & { db: TestDatabase }> {
  const db = await createTestDatabase(`tenantry_move_${name}`, adminUrl);
  return { name, url: db.url, db };
}

export function urlAs(url: string, user: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  return parsed.toString();
}

export async function query<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Whether the tenant's role can open a session on `url` (and use its schema there). */
export async function roleCanWork(url: string, tenantId: string): Promise<boolean> {
  try {
    await query(urlAs(url, roleNameFor(tenantId)), 'select count(*) from invoices');
    return true;
  } catch {
    return false;
  }
}

export interface SeededTenant {
  id: string;
  schema: string;
}

/**
 * A tenant provisioned on `endpoint` (schema, role with LOGIN, seed), with `customers` customers,
 * `invoices` invoices and one line each, written by the tenant's own role.
 */
export async function seedTenant(endpoint: MoveEndpoint, { customers = 20, invoices = 300 }: { customers?: number; invoices?: number } = {}): Promise<SeededTenant> {
  const id = uuidv7();
  const orm = await createTenantSchemaOrm({ databaseUrl: endpoint.url, poolMax: 1 });
  try {
    await provisionTenantSchema(orm, { id, name: 'Comercial Los Andes SpA', rut: '76086428-5', giro: 'Software', address: 'Av. Providencia 1234', commune: 'Providencia', city: 'Santiago', economic_activities: [], version: 1 });
  } finally {
    await orm.close(true);
  }
  await query(
    urlAs(endpoint.url, roleNameFor(id)),
    `with c as (insert into customers (name, rut) select 'Cliente ' || n, n || '-K' from generate_series(1, $1::int) n returning id),
          p as (insert into products (sku, name, unit_price) values ('SKU-1', 'Servicio', 1000) returning id),
          i as (insert into invoices (document_type, folio, customer_id, net_amount, total_amount)
                select 33, n, (select min(id) from c) + (n % $1::int), 1000, 1190 from generate_series(1, $2::int) n returning id)
     insert into invoice_lines (invoice_id, line_number, product_id, description, quantity, unit_price, line_total)
     select i.id, 1, (select id from p), 'Servicio mensual', 1, 1000, 1000 from i`,
    [customers, invoices],
  );
  return { id, schema: schemaNameFor(id) };
}

/** Everything the tenant's tables hold, to compare source before and target after. */
export async function tenantContent(url: string, schema: string): Promise<Record<string, unknown>> {
  const [row] = await query(
    url,
    `select (select count(*)::int from ${schema}.customers) as customers, (select count(*)::int from ${schema}.invoices) as invoices,
            (select count(*)::int from ${schema}.invoice_lines) as lines, (select count(*)::int from ${schema}.products) as products,
            (select count(*)::int from ${schema}.locations) as locations, (select razon_social from ${schema}.issuer) as issuer,
            (select string_agg(name, ',' order by id) from ${schema}.mikro_orm_migrations) as migrations,
            (select md5(string_agg(i::text, '' order by id)) from ${schema}.invoices i) as invoices_digest`,
  );
  return row;
}

export async function schemasNamed(url: string, pattern: string): Promise<string[]> {
  return (await query<{ nspname: string }>(url, 'select nspname from pg_namespace where nspname like $1 order by 1', [pattern])).map((r) => r.nspname);
}

/** The move's replication objects still present: publication and slots on the source, subscription on the target. */
export async function replicationLeft(source: MoveEndpoint, target: MoveEndpoint): Promise<string[]> {
  const [src] = await query<{ pubs: number; slots: number }>(
    source.url,
    `select (select count(*)::int from pg_publication where pubname like 'tenantry\\_move\\_%') as pubs, (select count(*)::int from pg_replication_slots) as slots`,
  );
  const [tgt] = await query<{ subs: number }>(target.url, `select count(*)::int as subs from pg_subscription where subname like 'tenantry\\_move\\_%'`);
  return [...(src.pubs ? [`${src.pubs} publication(s)`] : []), ...(src.slots ? [`${src.slots} slot(s)`] : []), ...(tgt.subs ? [`${tgt.subs} subscription(s)`] : [])];
}

export class SimulatedCrash extends Error {
  override name = 'SimulatedCrash';
}

/**
 * The journal a caller keeps, in memory. `crashAt` simulates the process dying at a step: `before`
 * the step is recorded (its work done, the journal not), or right `after` it is recorded.
 */
export class MemoryJournal implements MoveJournal {
  current: MoveState = 'requested';
  readonly history: MoveState[] = [];
  crashAt: { state: MoveState; when: 'before' | 'after' } | undefined;
  /** Called after a state is recorded (tests act at a precise step). */
  onAdvance: ((state: MoveState) => Promise<void>) | undefined;

  async state(): Promise<MoveState> {
    return this.current;
  }

  async advance(state: MoveState): Promise<void> {
    this.#maybeCrash(state, 'before');
    this.current = state;
    this.history.push(state);
    await this.onAdvance?.(state);
    this.#maybeCrash(state, 'after');
  }

  /** The caller's flip: placement and `flipped` in one transaction (here: the journal only). */
  flip = async (): Promise<void> => {
    await this.advance('flipped');
  };

  #maybeCrash(state: MoveState, when: 'before' | 'after'): void {
    if (this.crashAt?.state === state && this.crashAt.when === when) {
      this.crashAt = undefined;
      throw new SimulatedCrash(`simulated crash ${when} recording ${state}`);
    }
  }
}

export function planFor(tenantId: string, source: MoveEndpoint, target: MoveEndpoint, mode: 'logical' | 'offline' = 'logical'): TenantMovePlan {
  return { tenantId, source: { name: source.name, url: source.url }, target: { name: target.name, url: target.url }, mode, roleLogin: true };
}

/**
 * Keeps inserting invoices as the tenant's role on whichever endpoint `current()` names,
 * reconnecting when refused (the freeze), and remembers every folio PostgreSQL acknowledged.
 */
export function startWriter(current: () => string, tenantId: string, firstFolio: number) {
  const acknowledged: number[] = [];
  let stopped = false;
  let folio = firstFolio;
  const run = (async () => {
    while (!stopped) {
      const client = new pg.Client({ connectionString: urlAs(current(), roleNameFor(tenantId)) });
      client.on('error', () => undefined);
      try {
        await client.connect();
        while (!stopped) {
          const next = folio++;
          await client.query('insert into invoices (document_type, folio, net_amount, total_amount) values (33, $1, 10, 11.9)', [next]);
          acknowledged.push(next);
        }
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20));
      } finally {
        await client.end().catch(() => undefined);
      }
    }
  })();
  return {
    acknowledged,
    async stop() {
      stopped = true;
      await run;
    },
  };
}
