// `npm test`: brings up PostgreSQL and Kafka when missing, then runs every jest project in band
// (two cores; the integration suites share one broker and one PostgreSQL).
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ensurePostgres } from './ensure-postgres.ts';
import { ensureBroker } from './ensure-broker.ts';
import { stopKafka } from '@tenantry/kafka-launcher/kafka';
import { REPO_ROOT } from './services.ts';

async function main(): Promise<number> {
  const started = Date.now();
  await ensurePostgres(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
  const broker = await ensureBroker();
  const jest = spawn(
    process.execPath,
    ['--experimental-vm-modules', '--no-warnings', resolve(REPO_ROOT, 'node_modules/jest/bin/jest.js'), '--runInBand', ...process.argv.slice(2)],
    { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, KAFKA_BROKERS: broker.brokers.join(',') } },
  );
  const code = await new Promise<number>((done) => jest.once('exit', (exitCode, signal) => done(exitCode ?? (signal ? 1 : 0))));
  // Leave a broker the developer started; stop the one we started, unless asked to keep it.
  if (broker.startedByUs && !process.env.KEEP_KAFKA) await stopKafka({ instance: broker.instance, log: () => undefined });
  console.log(`npm test finished in ${Math.round((Date.now() - started) / 1000)} s`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`npm test could not start: ${(error as Error).message}`);
    process.exit(1);
  },
);
