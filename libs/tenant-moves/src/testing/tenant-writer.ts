import { roleNameFor, schemaNameFor } from '@tenantry/tenant-schema';
import pg from 'pg';

export interface TenantWriter {
  /** Every insert the server acknowledged, with the database it was written on and when (ms since epoch). */
  acknowledged: { folio: number; database: string; at: number }[];
  /** Longest time between two acknowledged writes (the write pause a user saw), over all or since `since`. */
  longestPauseMs(since?: number): number;
  stop(): Promise<void>;
}

export interface TenantWriterOptions {
  tenantId: string;
  /** Where the tenant lives now (read from the control schema at each reconnect). */
  placementOf: () => Promise<string>;
  /** Superuser URL of each tenant database by name; the writer swaps in the tenant role. */
  urlOf: (database: string) => string;
  /** First folio to write (default 1,000,000, above any bulk-loaded rows). */
  firstFolio?: number;
}

/**
 * An application of the tenant: inserts one invoice at a time as the tenant's role, and on any
 * refusal (sessions ended by a freeze, LOGIN taken away) reconnects to wherever the control schema
 * places the tenant now, as a real client of a control plane would.
 */
export function startTenantWriter({ tenantId, placementOf, urlOf, firstFolio = 1_000_000 }: TenantWriterOptions): TenantWriter {
  const role = roleNameFor(tenantId);
  const schema = schemaNameFor(tenantId);
  const acknowledged: TenantWriter['acknowledged'] = [];
  let stopped = false;
  let folio = firstFolio;

  const connect = async (database: string) => {
    const url = new URL(urlOf(database));
    url.username = role;
    url.password = '';
    const client = new pg.Client({ connectionString: url.toString() });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };

  const loop = (async () => {
    let client: pg.Client | undefined;
    let database = '';
    while (!stopped) {
      try {
        if (!client) {
          database = await placementOf();
          client = await connect(database);
        }
        await client.query(`insert into ${schema}.invoices (document_type, folio) values (33, $1)`, [folio + 1]);
        folio += 1;
        acknowledged.push({ folio, database, at: Date.now() });
      } catch {
        await client?.end().catch(() => undefined);
        client = undefined;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    await client?.end().catch(() => undefined);
  })();

  return {
    acknowledged,
    longestPauseMs(since = 0) {
      let longest = 0;
      for (let i = 1; i < acknowledged.length; i++) {
        if (acknowledged[i].at >= since) longest = Math.max(longest, acknowledged[i].at - acknowledged[i - 1].at);
      }
      return longest;
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
