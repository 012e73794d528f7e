// `npm run test:faults`: PostgreSQL check, ONE Kafka broker instance of the fault suite's own
// (.data/kafka-faults-<random>/ on a free port; never the shared broker), then every
// tools/faults/__tests__/*.fault.ts in band, then a summary of the counts each scenario printed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensurePostgres } from '@tenantry/launch/ensure-postgres';
import { REPO_ROOT } from '@tenantry/launch/services';
import { ensureKafka, stopKafka } from '@tenantry/kafka-launcher/kafka';
import { freePort } from '@tenantry/e2e/stack';
import { FAULT_BROKER_HEAP } from './fault-broker.ts';

async function main(): Promise<number> {
  const started = Date.now();
  await ensurePostgres(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
  const instance = `faults-${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const resultsDir = mkdtempSync(join(tmpdir(), 'tenantry-faults-'));
  const resultsFile = join(resultsDir, 'results.jsonl');
  const cleanUp = async () => {
    await stopKafka({ instance, purge: true, log: () => undefined });
    rmSync(resultsDir, { recursive: true, force: true });
  };
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true; // jest gets the signal too; clean up once it exits
    });
  }
  try {
    const broker = await ensureKafka({ instance, port, controllerPort: await freePort(), heapOpts: FAULT_BROKER_HEAP, timeoutMs: 180_000 });
    const jest = spawn(
      process.execPath,
      [
        '--experimental-vm-modules',
        '--no-warnings',
        resolve(REPO_ROOT, 'node_modules/jest/bin/jest.js'),
        '-c',
        resolve(REPO_ROOT, 'tools/faults/jest.faults.config.js'),
        '--runInBand',
        ...process.argv.slice(2),
      ],
      {
        cwd: REPO_ROOT,
        stdio: 'inherit',
        env: { ...process.env, FAULTS_KAFKA_INSTANCE: instance, FAULTS_KAFKA_PORT: String(port), FAULTS_RESULTS_FILE: resultsFile, KAFKA_BROKERS: broker.brokers.join(',') },
      },
    );
    const code = await new Promise<number>((done) => jest.once('exit', (exitCode, signal) => done(exitCode ?? (signal ? 1 : 0))));
    if (existsSync(resultsFile)) {
      const rows = readFileSync(resultsFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
      const core = ['scenario', 'created', 'active', 'lost', 'duplicated', 'out_of_order', 'wire_duplicates'];
      console.log('\nFault suite counts (lost, duplicated and out_of_order must be 0; wire duplicates are allowed):');
      console.table(rows.map((row) => Object.fromEntries(core.map((key) => [key, row[key]]))));
      for (const row of rows) {
        const extra = Object.entries(row).filter(([key]) => !core.includes(key));
        if (extra.length) console.log(`  ${row.scenario}: ${extra.map(([k, v]) => `${k}=${v}`).join(' ')}`);
      }
    }
    console.log(`npm run test:faults finished in ${Math.round((Date.now() - started) / 1000)} s${interrupted ? ' (interrupted)' : ''}`);
    return code;
  } finally {
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`npm run test:faults could not start: ${(error as Error).message}`);
    process.exit(1);
  },
);
