import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { createTenantSchemaOrm, roleNameFor, tenantGroupFor, type TenantSchemaInput, type TenantSchemaOrm } from '../../index.ts';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * One freshly created database per suite (`tenantry_ts_<random>`), plus bookkeeping of the tenant
 * ids the suite used: roles are cluster-wide and outlive the database, so `drop()` removes them.
 */
export class TenantTestDatabase {
  readonly name: string;
  readonly url: string;
  readonly #orms: TenantSchemaOrm[] = [];
  readonly #tenantIds = new Set<string>();

  private constructor(name: string) {
    this.name = name;
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    this.url = url.toString();
  }

  static async create(): Promise<TenantTestDatabase> {
    const name = `tenantry_ts_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    await withAdmin((admin) => admin.query(`create database "${name}"`));
    return new TenantTestDatabase(name);
  }

  async orm(): Promise<TenantSchemaOrm> {
    const orm = await createTenantSchemaOrm({ databaseUrl: this.url });
    this.#orms.push(orm);
    return orm;
  }

  /** A valid tenant with a fresh UUIDv7 id, registered for role cleanup. */
  tenant(overrides: Partial<TenantSchemaInput> = {}): TenantSchemaInput {
    const tenant: TenantSchemaInput = {
      id: uuidv7(),
      name: 'Comercial Los Andes SpA',
      rut: '76086428-5',
      giro: 'Venta de software',
      address: 'Av. Providencia 1234, of. 56',
      commune: 'Providencia',
      city: 'Santiago',
      economic_activities: [
        { code: '620100', name: 'Actividades de programación informática', category: '1ra', taxable: true },
        { code: '631100', name: 'Procesamiento de datos y hospedaje', category: '1ra', taxable: true },
      ],
      version: 2,
      ...overrides,
    };
    this.#tenantIds.add(tenant.id);
    return tenant;
  }

  /** A plain pg client on this database as `user` (the caller ends it). */
  async connectAs(user: string): Promise<pg.Client> {
    const url = new URL(this.url);
    url.username = user;
    const client = new pg.Client({ connectionString: url.toString() });
    // A refused connection must reject connect(), not crash the test run on an unhandled 'error'.
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    const client = await this.connectAs('postgres');
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  async drop(): Promise<void> {
    await Promise.all(this.#orms.map((orm) => orm.close(true)));
    // Unclaimed spare schemas' roles (cluster-wide) go with the database too.
    const spareRoles = await this.query<{ name: string }>(`select nspname || '_app' as name from pg_namespace where nspname like 'tenant\\_spare\\_%'`);
    await withAdmin(async (admin) => {
      await admin.query(`drop database if exists "${this.name}" with (force)`);
      for (const { name } of spareRoles) {
        await admin.query(`drop role if exists "${name}"`);
      }
      for (const id of this.#tenantIds) {
        await admin.query(`drop role if exists "${roleNameFor(id)}"`);
      }
      await admin.query(`drop role if exists "${tenantGroupFor(this.name)}"`);
    });
  }
}

async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
