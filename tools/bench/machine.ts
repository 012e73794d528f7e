import { readFileSync } from 'node:fs';
import { cpus, hostname, release, totalmem } from 'node:os';
import { resolve } from 'node:path';
import pg from 'pg';
import { kafkaVersion } from '@tenantry/kafka-launcher/paths';
import { REPO_ROOT } from '@tenantry/launch/services';
import type { MachineInfo } from './report.ts';

export function machineInfo(): MachineInfo {
  let os = 'unknown';
  try {
    os = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch {
    // not Linux-like
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    kernel: release(),
    os,
    hostname: hostname(),
  };
}

const PACKAGES = ['fastify', '@fastify/jwt', 'kafkajs', 'pg', '@mikro-orm/core', '@mikro-orm/migrations', 'pino', 'autocannon'];

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(resolve(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export async function versionsAndSettings(adminUrl: string): Promise<{ versions: Record<string, string>; settings: Record<string, string> }> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const settings: Record<string, string> = {};
  let postgres = 'unknown';
  try {
    postgres = (await client.query<{ server_version: string }>('show server_version')).rows[0].server_version;
    const names = ['fsync', 'synchronous_commit', 'wal_level', 'shared_buffers', 'work_mem', 'max_connections', 'max_locks_per_transaction'];
    const { rows } = await client.query<{ name: string; setting: string; unit: string | null }>(
      'select name, setting, unit from pg_settings where name = any($1) order by name',
      [names],
    );
    for (const row of rows) settings[`PostgreSQL ${row.name}`] = row.unit && row.unit !== '' ? `${row.setting} × ${row.unit}` : row.setting;
  } finally {
    await client.end();
  }
  const versions: Record<string, string> = {
    node: process.version,
    PostgreSQL: postgres,
    'Apache Kafka (project launcher)': kafkaVersion(),
  };
  for (const name of PACKAGES) versions[name] = packageVersion(name);
  return { versions, settings };
}
