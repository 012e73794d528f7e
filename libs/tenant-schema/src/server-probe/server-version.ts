/**
 * The oldest PostgreSQL a tenant database may run: 15, the first with `CREATE PUBLICATION … FOR
 * TABLES IN SCHEMA`, which an online tenant move publishes the tenant schema with.
 */
export const MIN_SERVER_VERSION_NUM = 150000;

/** `server_version_num` (e.g. 160004) as the major version people say (16); 90624 → 9.6. */
export function majorVersionOf(versionNum: number): string {
  return versionNum >= 100000 ? String(Math.floor(versionNum / 10000)) : `${Math.floor(versionNum / 10000)}.${Math.floor(versionNum / 100) % 100}`;
}

/** Why this server cannot hold tenant schemas, or null when it can. */
export function unsupportedServerReason(versionNum: number): string | null {
  if (!Number.isInteger(versionNum) || versionNum <= 0) return `it reported no usable server_version_num (${versionNum})`;
  if (versionNum >= MIN_SERVER_VERSION_NUM) return null;
  return `it runs PostgreSQL ${majorVersionOf(versionNum)}, and tenant databases need PostgreSQL ${majorVersionOf(MIN_SERVER_VERSION_NUM)} or later (per-schema publications for online moves)`;
}
