// `npm start`: PostgreSQL and a real Kafka broker if missing, then the three services until Ctrl-C.
import { ensurePostgres } from './ensure-postgres.ts';
import { ensureBroker } from './ensure-broker.ts';
import { stopKafka } from '@tenantry/kafka-launcher/kafka';
import { SERVICE_NAMES, spawnService, type ServiceProcess } from './services.ts';

const DEV_ADMIN = { email: 'admin@tenantry.local', password: 'tenantry-admin' };

async function main() {
  await ensurePostgres();
  const broker = await ensureBroker();
  const env: NodeJS.ProcessEnv = { KAFKA_BROKERS: broker.brokers.join(',') };
  if (!process.env.BOOTSTRAP_SUPERUSER_EMAIL) {
    env.BOOTSTRAP_SUPERUSER_EMAIL = DEV_ADMIN.email;
    env.BOOTSTRAP_SUPERUSER_PASSWORD = DEV_ADMIN.password;
    console.log(`Development superuser: ${DEV_ADMIN.email} / ${DEV_ADMIN.password} (set BOOTSTRAP_SUPERUSER_EMAIL to choose your own).`);
  }

  let stopping = false;
  const running = new Map<string, ServiceProcess>();
  const launch = (name: (typeof SERVICE_NAMES)[number], restarts = 0) => {
    const service = spawnService(name, { env });
    running.set(name, service);
    void service.exited.then((code) => {
      if (stopping) return;
      // A crashed service is restarted with backoff; its work resumes from Kafka and the outbox.
      const delay = Math.min(1000 * 2 ** restarts, 30_000);
      console.error(`[launcher] ${name} exited with code ${code}; restarting in ${delay} ms`);
      setTimeout(() => !stopping && launch(name, restarts + 1), delay);
    });
  };
  // tenant-api first: it migrates the control schema the others do not need, but it also creates the topics.
  launch('tenant-api');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  launch('provisioner');
  launch('dte-sync');
  console.log(`[launcher] tenant-api on http://${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? 3000} — Ctrl-C stops everything.`);

  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('[launcher] stopping services…');
    await Promise.all([...running.values()].map((service) => service.stop()));
    if (broker.startedByUs) {
      console.log('[launcher] stopping the Kafka broker this launcher started…');
      await stopKafka({ instance: broker.instance, log: (line) => console.log(`[launcher] ${line}`) });
    }
    console.log('[launcher] all stopped.');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error) => {
  console.error(`npm start failed: ${(error as Error).message}`);
  process.exit(1);
});
