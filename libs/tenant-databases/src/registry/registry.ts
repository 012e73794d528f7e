import { UnknownTenantDatabaseError, readTenantDatabases, type Queryable, type TenantDatabaseStatus } from '@tenantry/control-db';

/** One registered tenant database. `url` holds the password when the operator gave one: never log it. */
export interface TenantDatabase {
  name: string;
  status: TenantDatabaseStatus;
  url: string;
}

export interface Registry {
  /** Every registered database; re-read when the copy is older than `refreshMs`. */
  list(): Promise<TenantDatabase[]>;
  /** The database named `name`; an unknown name re-reads the registry once, then UnknownTenantDatabaseError. */
  get(name: string): Promise<TenantDatabase>;
}

/**
 * The registry (control `tenant_databases`) as this process last read it. A database added while
 * the services run is seen at the next re-read: after `refreshMs`, or at once when a tenant names it.
 * `main` is stored without a url (null): it is the control database itself, `controlDatabaseUrl`.
 */
export function createRegistry(control: Queryable, controlSchema: string, controlDatabaseUrl: string, refreshMs: number): Registry {
  let copy: { at: number; entries: Map<string, TenantDatabase> } | undefined;
  let reading: Promise<Map<string, TenantDatabase>> | undefined;

  const read = () =>
    (reading ??= readTenantDatabases(control, controlSchema)
      .then((records) => {
        const entries = new Map(records.map((r) => [r.name, { name: r.name, status: r.status, url: r.url ?? controlDatabaseUrl }]));
        copy = { at: Date.now(), entries };
        return entries;
      })
      .finally(() => (reading = undefined)));

  const fresh = async () => (copy && Date.now() - copy.at < refreshMs ? copy.entries : read());

  return {
    async list() {
      return [...(await fresh()).values()];
    },
    async get(name) {
      const known = (await fresh()).get(name) ?? (await read()).get(name);
      if (!known) throw new UnknownTenantDatabaseError(name);
      return known;
    },
  };
}
