import { registerTenantDatabase, setTenantDatabaseStatus } from '@tenantry/control-db';
import { collectTopic, createTestKafkaClient, type TopicCollector } from '@tenantry/kafka/testing';
import { MAIN_LOCATION_NAME, roleNameFor, schemaNameFor } from '@tenantry/tenant-schema';
import { createPostgresCluster, createTestDatabase, waitFor, type PostgresCluster } from '@tenantry/testing';
import type { Kafka as KafkaClient } from 'kafkajs';
import pg from 'pg';
import { createBody } from '../tenant-bodies.ts';
import { startStack, type Stack } from '../stack.ts';

// Three tenant databases on three PostgreSQL servers: `main` (the stack's control database on the
// shared server) and `east` and `west`, each a database on a cluster of this suite's own. The three
// services run as separate processes; tenants are created through the API.
const MAIN_ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CONTROL = 'control';

interface Server {
  name: string;
  /** The tenant database. */
  db: pg.Pool;
  /** The server's `postgres` database, where roles are looked up (roles are per server). */
  admin: pg.Pool;
}

let stack: Stack;
let clusters: PostgresCluster[] = [];
const servers = new Map<string, Server>();
let control: pg.Client;
let kafka: KafkaClient;
let events: TopicCollector;
let reports: TopicCollector;
let token: string;
let created = 0;

function pool(url: string): pg.Pool {
  const p = new pg.Pool({ connectionString: url, max: 2 });
  p.on('error', () => undefined); // a server this suite stops ends idle connections
  return p;
}

beforeAll(async () => {
  clusters = [await createPostgresCluster(), await createPostgresCluster()];
  stack = await startStack();
  token = await stack.token();
  control = new pg.Client({ connectionString: stack.db.url });
  control.on('error', () => undefined);
  await control.connect();
  servers.set('main', { name: 'main', db: pool(stack.db.url), admin: pool(MAIN_ADMIN_URL) });
  for (const [name, cluster] of [['east', clusters[0]], ['west', clusters[1]]] as const) {
    const db = await createTestDatabase(`tenantry_${name}`, cluster.adminUrl);
    // Registered while the services run: they pick it up without a restart.
    await registerTenantDatabase(control, CONTROL, { name, url: db.url });
    servers.set(name, { name, db: pool(db.url), admin: pool(cluster.adminUrl) });
  }
  kafka = createTestKafkaClient();
  events = await collectTopic(kafka, `${stack.topicPrefix}tenant.events`);
  reports = await collectTopic(kafka, `${stack.topicPrefix}tenant.provisioning`);
}, 180_000);

afterAll(async () => {
  await events?.stop();
  await reports?.stop();
  await control?.end();
  for (const server of servers.values()) await Promise.all([server.db.end(), server.admin.end()]);
  await stack?.stop();
  for (const cluster of clusters) await cluster.release();
}, 120_000);

async function createTenants(count: number, extra: Record<string, unknown> = {}): Promise<{ id: string; database: string; rut: string }[]> {
  const tenants = [];
  for (let i = 0; i < count; i++) {
    const body = createBody('Placement', ++created);
    const response = await stack.request('POST', '/v1/tenants', { ...body, ...extra }, token);
    expect(response.status).toBe(201);
    tenants.push({ id: response.body.id as string, database: response.body.database as string, rut: body.rut });
  }
  return tenants;
}

async function statusOf(id: string): Promise<string> {
  return (await stack.request('GET', `/v1/tenants/${id}`, undefined, token)).body.status;
}

async function waitActive(ids: string[], timeoutMs = 180_000): Promise<void> {
  await waitFor(`${ids.length} tenants active`, async () => (await Promise.all(ids.map(statusOf))).every((s) => s === 'active'), { timeoutMs, intervalMs: 500 });
}

async function schemaOn(server: Server, id: string): Promise<boolean> {
  const { rows } = await server.db.query('select 1 from pg_namespace where nspname = $1', [schemaNameFor(id)]);
  return rows.length === 1;
}

async function roleOn(server: Server, id: string): Promise<boolean> {
  const { rows } = await server.admin.query('select 1 from pg_roles where rolname = $1', [roleNameFor(id)]);
  return rows.length === 1;
}

function countBy(tenants: { database: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { database } of tenants) counts[database] = (counts[database] ?? 0) + 1;
  return counts;
}

describe('placement over three databases', () => {
  let tenants: { id: string; database: string; rut: string }[] = [];

  it('spreads 30 tenants 10/10/10; schema, role, issuer and casa matriz are on the tenant database and nowhere else; events and reports carry database', async () => {
    tenants = await createTenants(30);
    expect(countBy(tenants)).toEqual({ east: 10, main: 10, west: 10 });
    await waitActive(tenants.map((t) => t.id));

    for (const tenant of tenants) {
      for (const server of servers.values()) {
        const home = server.name === tenant.database;
        expect({ tenant: tenant.id, server: server.name, schema: await schemaOn(server, tenant.id), role: await roleOn(server, tenant.id) }).toEqual({
          tenant: tenant.id,
          server: server.name,
          schema: home,
          role: home,
        });
      }
      const { db } = servers.get(tenant.database)!;
      const schema = schemaNameFor(tenant.id);
      const issuer = await waitFor(`issuer of ${tenant.id} on ${tenant.database}`, async () => {
        const { rows } = await db.query<{ rut: string }>(`select rut from "${schema}".issuer`);
        return rows[0];
      });
      expect(issuer.rut).toBe(tenant.rut);
      const { rows: locations } = await db.query<{ name: string }>(`select name from "${schema}".locations`);
      expect(locations.map((l) => l.name)).toEqual([MAIN_LOCATION_NAME]);
    }

    const byTenant = new Map(tenants.map((t) => [t.id, t.database]));
    await waitFor('TenantCreated and TenantProvisioned of every tenant', () =>
      tenants.every((t) => ['TenantCreated', 'TenantProvisioned'].every((type) => events.messages.some((m) => m.key === t.id && m.json?.type === type))),
    );
    const ours = events.messages.filter((m) => byTenant.has(m.key ?? ''));
    expect(ours.length).toBeGreaterThanOrEqual(60);
    for (const message of ours) {
      const { data } = message.json as { data: { tenant: { database?: string } } };
      expect({ id: message.key, database: data.tenant.database }).toEqual({ id: message.key, database: byTenant.get(message.key!) });
    }
    const provisionedReports = () => reports.messages.filter((m) => byTenant.has(m.key ?? '') && m.json?.type === 'TenantSchemaProvisioned');
    await waitFor('a TenantSchemaProvisioned report of every tenant', () => new Set(provisionedReports().map((m) => m.key)).size === 30);
    const provisioned = provisionedReports();
    for (const report of provisioned) {
      const { data } = report.json as { data: { database?: string } };
      expect({ id: report.key, database: data.database }).toEqual({ id: report.key, database: byTenant.get(report.key!) });
    }
  }, 300_000);

  it('reads statistics from the tenant database', async () => {
    const tenant = tenants.find((t) => t.database === 'east')!;
    await servers.get('east')!.db.query(`insert into "${schemaNameFor(tenant.id)}".invoices (document_type, folio) values (33, 1), (33, 2)`);
    const stats = await stack.request('GET', `/v1/tenants/${tenant.id}/statistics`, undefined, token);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ document_count: 2, schema_version: expect.stringMatching(/^Migration/) });
    expect(stats.body.storage_used_bytes).toBeGreaterThan(0);
  });

  it('a PATCH reaches the issuer on the tenant database', async () => {
    const tenant = tenants.find((t) => t.database === 'west')!;
    const patched = await stack.request('PATCH', `/v1/tenants/${tenant.id}`, { address: 'Av. Apoquindo 5000', commune: 'Las Condes' }, token);
    expect(patched.status).toBe(200);
    const { db } = servers.get('west')!;
    await waitFor('issuer on west follows the PATCH', async () => {
      const { rows } = await db.query<{ address: string; commune: string }>(`select address, commune from "${schemaNameFor(tenant.id)}".issuer`);
      return rows[0]?.address === 'Av. Apoquindo 5000' && rows[0]?.commune === 'Las Condes';
    });
  });

  it('deactivate and activate change LOGIN of the role on the tenant database server', async () => {
    const tenant = tenants.find((t) => t.database === 'east')!;
    const canLogin = async () => {
      const { rows } = await servers.get('east')!.admin.query<{ rolcanlogin: boolean }>('select rolcanlogin from pg_roles where rolname = $1', [roleNameFor(tenant.id)]);
      return rows[0]?.rolcanlogin;
    };
    expect(await canLogin()).toBe(true);
    expect((await stack.request('POST', `/v1/tenants/${tenant.id}/deactivate`, undefined, token)).status).toBe(200);
    await waitFor('the role on east loses LOGIN', async () => (await canLogin()) === false);
    expect((await stack.request('POST', `/v1/tenants/${tenant.id}/activate`, undefined, token)).status).toBe(200);
    await waitFor('the role on east can log in again', async () => (await canLogin()) === true);
  });

  it('keeps spare schemas on every open database', async () => {
    for (const server of servers.values()) {
      await waitFor(`spare schemas on ${server.name}`, async () => {
        const { rows } = await server.db.query(`select 1 from pg_namespace where nspname like 'tenant\\_spare\\_%'`);
        return rows.length === 2;
      }, { timeoutMs: 60_000 });
    }
  });

  it('a drained database gets no new tenant, and naming it is refused', async () => {
    await setTenantDatabaseStatus(control, CONTROL, 'east', 'draining');
    try {
      const more = await createTenants(4);
      expect(more.filter((t) => t.database === 'east')).toEqual([]);
      expect(countBy(more)).toEqual({ main: 2, west: 2 });
      const named = await stack.request('POST', '/v1/tenants', { ...createBody('Placement', ++created), database: 'east' }, token);
      expect(named.status).toBe(422);
      await waitActive(more.map((t) => t.id));
      for (const tenant of more) expect(await schemaOn(servers.get('east')!, tenant.id)).toBe(false);
    } finally {
      await setTenantDatabaseStatus(control, CONTROL, 'east', 'open');
    }
  }, 300_000);
});

describe('a stopped database', () => {
  it('holds up only its own tenants: the others become active; once it is back, the rest do', async () => {
    const west = clusters[1];
    await west.stop();
    let onWest: { id: string; database: string }[] = [];
    let elsewhere: { id: string; database: string }[] = [];
    try {
      const named = await createTenants(3, { database: 'west' });
      const placed = await createTenants(6);
      onWest = [...named, ...placed.filter((t) => t.database === 'west')];
      elsewhere = placed.filter((t) => t.database !== 'west');
      expect(elsewhere.length).toBeGreaterThanOrEqual(4);
      await waitActive(elsewhere.map((t) => t.id));
      // Their database is down: they cannot have a schema yet.
      for (const tenant of onWest) expect(await statusOf(tenant.id)).toBe('pending_setup');
      const stats = await stack.request('GET', `/v1/tenants/${onWest[0].id}/statistics`, undefined, token);
      expect({ status: stats.status, code: stats.body.code, detail: stats.body.detail }).toEqual({
        status: 503,
        code: 'TNT_ERR_UNAVAILABLE',
        detail: 'The tenant database "west" cannot be reached; try again later.',
      });
    } finally {
      await west.start();
    }
    await waitActive(onWest.map((t) => t.id));
    for (const tenant of onWest) {
      expect(await schemaOn(servers.get('west')!, tenant.id)).toBe(true);
      expect(await roleOn(servers.get('west')!, tenant.id)).toBe(true);
    }
    for (const tenant of elsewhere) expect(await schemaOn(servers.get(tenant.database)!, tenant.id)).toBe(true);
  }, 420_000);
});
