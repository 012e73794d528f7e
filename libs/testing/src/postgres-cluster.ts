import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { postgresAnswers } from '@tenantry/sql';

const run = promisify(execFile);

/** A TCP port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A PostgreSQL cluster of a test's own, made and driven with the machine's Debian control commands
 * (pg_createcluster, pg_ctlcluster, pg_dropcluster). Tests stop and start it, or use it as a second
 * server; the machine's shared cluster (`<version> main` on 5432) is never touched, because other
 * test runs use it at the same time.
 */
export interface PostgresCluster {
  /** PostgreSQL major version of the cluster, e.g. `15`. */
  version: string;
  /** Cluster name, `tenantry_<pid of this process>_<n>`. */
  cluster: string;
  port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust auth). */
  adminUrl: string;
  /** `pg_ctlcluster <version> <cluster> start`, then waits until a connection answers. */
  start(): Promise<void>;
  /** `pg_ctlcluster <version> <cluster> stop -m fast`: sessions are ended, open transactions roll back. */
  stop(): Promise<void>;
  /** `pg_ctlcluster <version> <cluster> restart -m fast`, then waits until a connection answers. */
  restart(): Promise<void>;
  /** Stops and drops the cluster (data, config and log go with it). */
  release(): Promise<void>;
}

export class PostgresClusterError extends Error {
  override name = 'PostgresClusterError';
}

const PREFIX = 'tenantry_';


/** Why a control command failed, with what to do about it. */
function explain(command: string, error: unknown): PostgresClusterError {
  const failure = error as NodeJS.ErrnoException & { stderr?: string; stdout?: string };
  if (failure.code === 'ENOENT') {
    return new PostgresClusterError(
      `${command} is not installed. Tests that need a PostgreSQL server of their own make one with Debian's ` +
        `control commands: install them with 'apt-get install postgresql-common postgresql' (they come with the postgresql package).`,
    );
  }
  const output = `${failure.stderr ?? ''}${failure.stdout ?? ''}`.trim() || failure.message;
  const denied = /permission denied|root privileges|must be run as root|not permitted|cannot change permissions|EACCES/i.test(output);
  return new PostgresClusterError(
    `${command} failed: ${output}` +
      (denied
        ? `\nTests that need a server of their own create, stop and drop a cluster (never the machine's shared 'main' cluster); ` +
          `run the tests as root (as CI does), or as a user allowed to run pg_createcluster and write /etc/postgresql and /var/lib/postgresql.`
        : ''),
  );
}

async function control(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, { timeout: 120_000 });
    return stdout;
  } catch (error) {
    throw explain(command, error);
  }
}

/**
 * The newest major version that has both a server installed (`/usr/lib/postgresql/<v>/bin/initdb`)
 * and the Debian config layout (`/etc/postgresql/<v>`, present as soon as the machine has a cluster).
 */
function pickVersion(): string {
  const installed = (dir: string) => {
    try {
      return readdirSync(dir).filter((v) => /^\d+$/.test(v));
    } catch {
      return [];
    }
  };
  const servers = installed('/usr/lib/postgresql').filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
  const configured = installed('/etc/postgresql').filter((v) => servers.includes(v));
  const choice = (configured.length ? configured : servers).sort((a, b) => Number(b) - Number(a))[0];
  if (!choice) {
    throw new PostgresClusterError(
      'No PostgreSQL server is installed here (/usr/lib/postgresql/<version>/bin/initdb). Tests that need a server of their own ' +
        "need Debian's PostgreSQL packages: 'apt-get install postgresql'.",
    );
  }
  return choice;
}

interface ListedCluster {
  version: string;
  cluster: string;
  port: number;
  status: string;
}

async function listClusters(): Promise<ListedCluster[]> {
  const out = await control('pg_lsclusters', ['--no-header']);
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 4)
    .map(([version, cluster, port, status]) => ({ version, cluster, port: Number(port), status }));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface PostgresClusterOptions {
  /**
   * Server settings written with pg_createcluster's `--pgoption` (e.g. `{ wal_level: 'logical',
   * shared_preload_libraries: 'pg_stat_statements' }`). Default: Debian's defaults.
   */
  settings?: Record<string, string | number>;
}

/** Drops clusters of this kind left by a test run that died (the pid in their name is gone). */
async function dropStaleClusters(): Promise<void> {
  for (const stale of await listClusters()) {
    const pid = Number(stale.cluster.slice(PREFIX.length).split('_')[0]);
    if (stale.cluster.startsWith(PREFIX) && Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid)) {
      await control('pg_dropcluster', ['--stop', stale.version, stale.cluster]).catch(() => undefined);
    }
  }
}

/**
 * Creates (and starts) a cluster of this process's own on a free port, with trust authentication
 * for local and 127.0.0.1 connections, as the machine's main cluster has.
 *
 * Dropped again by release(): creating one takes about a second here, a stopped cluster left behind
 * would keep its ~40 MB and its port in pg_lsclusters for nothing, and a per-process name means two
 * test runs at the same time never stop each other's database. A cluster left by a run that died
 * (its pid is gone) is dropped on the way.
 */
export async function createPostgresCluster(options: PostgresClusterOptions = {}): Promise<PostgresCluster> {
  const version = pickVersion();
  await dropStaleClusters();
  // A random part, not a counter: jest reloads this module per test file in one process, so a
  // counter would name a second suite's cluster like one a first suite leaked.
  const cluster = `${PREFIX}${process.pid}_${randomBytes(3).toString('hex')}`;
  const port = await freePort();
  const settings = Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['--pgoption', `${name}=${value}`]);
  // --start-conf=manual: the machine's init scripts never start it at boot. `--auth=trust` goes to
  // initdb, and pg_createcluster then leaves the pg_hba.conf initdb wrote (trust for local, 127.0.0.1, ::1).
  await control('pg_createcluster', ['--quiet', version, cluster, '--port', String(port), '--start-conf=manual', ...settings, '--', '--auth=trust']);
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const ctl = (action: string, ...extra: string[]) => control('pg_ctlcluster', ['--skip-systemctl-redirect', ...extra, version, cluster, action]);

  const waitUntilAnswering = async () => {
    const deadline = Date.now() + 60_000;
    while (!(await postgresAnswers(adminUrl))) {
      if (Date.now() > deadline) throw new PostgresClusterError(`cluster ${version}/${cluster} started but does not answer at ${adminUrl} after 60 s`);
      await sleep(200);
    }
  };
  const isOnline = async () => (await listClusters()).find((c) => c.version === version && c.cluster === cluster)?.status === 'online';

  const postgres: PostgresCluster = {
    version,
    cluster,
    port,
    adminUrl,
    async start() {
      if (!(await isOnline())) await ctl('start');
      await waitUntilAnswering();
    },
    async stop() {
      if (await isOnline()) await ctl('stop', '--mode', 'fast');
    },
    async restart() {
      await ctl('restart', '--mode', 'fast');
      await waitUntilAnswering();
    },
    async release() {
      await control('pg_dropcluster', ['--stop', version, cluster]);
    },
  };
  try {
    await postgres.start();
  } catch (error) {
    await postgres.release().catch(() => undefined);
    throw error;
  }
  return postgres;
}
