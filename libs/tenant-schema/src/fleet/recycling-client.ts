import pg from 'pg';
import { CONNECT_TIMEOUT_MS } from './connect-timeout.ts';

export interface RecyclingClientOptions {
  databaseUrl: string;
  applicationName: string;
  /** Tenant schemas one backend may touch before it is replaced (its catalog cache goes with it). */
  schemasPerConnection: number;
  /** `lock_timeout` of the session: a read never queues for long behind DDL. */
  lockTimeoutMs?: number;
}

/**
 * One PostgreSQL connection at a time, replaced after it has touched `schemasPerConnection` tenant
 * schemas. A backend keeps the catalog entries of every relation it opened until it exits; reading
 * 10k schemas through one backend would grow it by hundreds of megabytes.
 */
export class RecyclingClient {
  readonly #options: RecyclingClientOptions;
  #client: pg.Client | undefined;
  #touched = 0;
  connections = 0;

  constructor(options: RecyclingClientOptions) {
    this.#options = options;
  }

  /** Runs `sql`, counting `schemas` against the current connection's budget first. */
  async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = [], schemas = 0): Promise<R[]> {
    if (this.#client && this.#touched + schemas > this.#options.schemasPerConnection && this.#touched > 0) {
      await this.close();
    }
    const client = this.#client ?? (await this.#connect());
    this.#touched += schemas;
    return (await client.query<R>(sql, params)).rows;
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.#touched = 0;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.#options.databaseUrl,
      application_name: this.#options.applicationName,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      ...(this.#options.lockTimeoutMs ? { lock_timeout: this.#options.lockTimeoutMs } : {}),
      // A parallel worker would open every relation of a wide UNION ALL again, in a fresh process:
      // slower for these tiny tables and more catalog work.
      options: '-c max_parallel_workers_per_gather=0',
    });
    // A dropped connection is reported by the failing query; without a listener it would crash the process.
    client.on('error', () => undefined);
    await client.connect();
    this.#client = client;
    this.connections += 1;
    return client;
  }
}
