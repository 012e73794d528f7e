import { captureLogLines, createTestKafkaClient, deleteTopics, testBrokers, topicExists, uniquePrefix, type LogLine } from '@tenantry/kafka/testing';
import { createServer } from 'node:net';
import { createTestDatabase, waitFor, type TestDatabase } from '@tenantry/testing';
import { runWorkerProcess, type StartedWorker, type WorkerProcessRuntime, type WorkerStartContext } from '../worker-process.ts';

// The lifecycle of a worker process against the real PostgreSQL and broker, with `process` replaced
// by a runtime that records exits and lets the test send the signals.
describe('runWorkerProcess', () => {
  let db: TestDatabase;
  const createdTopics: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('tenantry_worker_kit');
  });

  afterAll(async () => {
    await db?.drop();
    await deleteTopics(createTestKafkaClient(), createdTopics);
  });

  function fakeProcess(env: NodeJS.ProcessEnv) {
    const { destination, lines } = captureLogLines();
    const exits: number[] = [];
    const signals = new Map<string, () => void>();
    const runtime: WorkerProcessRuntime = {
      env,
      exit: (code) => void exits.push(code),
      onSignal: (signal, listener) => void signals.set(signal, listener),
      destination,
      stepTimeoutMs: 2_000,
    };
    const messages = (): (string | undefined)[] => lines.filter((line) => line.name === 'worker-test' && !line.component).map((line) => line.msg);
    return { runtime, lines, exits, signals, messages };
  }

  function stackEnv(): NodeJS.ProcessEnv {
    const prefix = uniquePrefix();
    createdTopics.push(`${prefix}tenant.events`, `${prefix}tenant.provisioning`);
    return { DATABASE_URL: db.url, KAFKA_BROKERS: testBrokers().join(','), KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: 'info' };
  }

  /** A start that must not be reached. */
  function unreachableStart() {
    const calls: WorkerStartContext[] = [];
    const start = (context: WorkerStartContext): StartedWorker => {
      calls.push(context);
      throw new Error('start must not be called');
    };
    return { start, calls };
  }

  /** A worker whose stop() the test can hold, and the context it was started with. */
  function fakeWorker() {
    const calls: string[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let context: WorkerStartContext | undefined;
    let hold = false;
    const start = (ctx: WorkerStartContext): StartedWorker => {
      context = ctx;
      return {
        ready: Promise.resolve(),
        stop: async () => {
          calls.push('stop');
          if (hold) await held;
        },
        group: ctx.config.groups.provisioner,
        readyLog: { reports: ctx.config.topics.tenantProvisioning },
      };
    };
    return { start, calls, release, holdStop: () => (hold = true), context: () => context! };
  }

  it('exits 1 with a fatal line naming the variable when the configuration is invalid', async () => {
    const { runtime, exits, lines } = fakeProcess({ PORT: 'eighty' });
    const { start, calls } = unreachableStart();

    await runWorkerProcess({ name: 'worker-test', metricsPort: () => 0, start }, runtime);

    expect(exits).toEqual([1]);
    expect(calls).toHaveLength(0);
    expect(lines).toEqual([expect.objectContaining({ level: 60, msg: expect.stringMatching(/^worker-test could not start: ConfigError: .*PORT/) })]);
  });

  it('exits 1 when PostgreSQL cannot be reached, naming what to check without the password', async () => {
    const { runtime, exits, lines, messages } = fakeProcess({ ...stackEnv(), DATABASE_URL: 'postgres://postgres:s3cret@127.0.0.1:1/tenantry' });
    const { start, calls } = unreachableStart();

    await runWorkerProcess({ name: 'worker-test', metricsPort: () => 0, start }, runtime);

    expect(exits).toEqual([1]);
    expect(calls).toHaveLength(0);
    const fatal = lines.find((line) => line.level === 60)!;
    expect(fatal.msg).toMatch(/^worker-test could not start: .*Check that PostgreSQL \(DATABASE_URL=postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/tenantry\) and Kafka \(KAFKA_BROKERS=.+\) are running and reachable\.$/);
    expect(JSON.stringify(lines)).not.toContain('s3cret');
    expect(messages().slice(-2)).toEqual(['worker-test shutting down', 'worker-test stopped']);
    expect(lines.find((line) => line.msg === 'worker-test shutting down')?.reason).toBe('startup failed');
  });

  it('opens database, topics, producer and a metrics port, logs ready, and on SIGTERM stops the worker first and exits 0', async () => {
    const env = stackEnv();
    const { runtime, exits, lines, signals, messages } = fakeProcess(env);
    const worker = fakeWorker();

    await runWorkerProcess({ name: 'worker-test', metricsPort: () => 0, start: worker.start }, runtime);

    const { config, databases, kafka, producer } = worker.context();
    expect(config.topics.tenantEvents).toBe(`${env.KAFKA_TOPIC_PREFIX}tenant.events`);
    expect(await databases.use('main', (orm) => orm.em.fork().execute('select 1 as one'))).toEqual([{ one: 1 }]);
    expect(databases.openNow()).toEqual(['main']);
    expect(await topicExists(kafka, config.topics.tenantProvisioning)).toBe(true);
    await producer.send(config.topics.tenantProvisioning, [{ key: 'k', value: 'connected' }]);
    expect(lines.find((line) => line.msg === 'worker-test ready')).toMatchObject({
      topic: config.topics.tenantEvents,
      group: `${env.KAFKA_TOPIC_PREFIX}provisioner`,
      reports: config.topics.tenantProvisioning,
    });
    expect(exits).toEqual([]);

    // PORT 0 in the config: the OS picked the port, and the ready line names it.
    const metrics = lines.find((line) => line.msg === 'worker-test ready')!.metrics as string;
    expect(metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await fetch(`${metrics}/healthz`).then((r) => r.status)).toBe(200);
    const readiness = await fetch(`${metrics}/readyz`);
    expect({ status: readiness.status, body: await readiness.json() }).toEqual({
      status: 200,
      body: { status: 'ready', checks: { consumer: 'ok', database: 'ok', kafka: 'ok' } },
    });
    const scraped = await fetch(`${metrics}/metrics`);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await scraped.text();
    expect(text).toMatch(/^tenantry_kafka_consumer_lag_messages\{group="[^"]+provisioner",topic="[^"]+tenant\.events",partition="0"\} \d+$/m);
    expect(text).toMatch(/^tenantry_database_pool_connections\{database="main",state="in_use"\} \d+$/m);
    expect(text).toContain('process_cpu_seconds_total');

    signals.get('SIGTERM')!();
    await waitFor('exit', () => exits.length > 0);

    expect(exits).toEqual([0]);
    expect(worker.calls).toEqual(['stop']);
    await expect(fetch(`${metrics}/healthz`)).rejects.toThrow(); // the port was closed
    expect(lines.filter((line) => !line.component && (line.level as number) >= 40)).toEqual([]); // kafkajs' own warnings aside
    expect(messages().slice(-2)).toEqual(['worker-test shutting down', 'worker-test stopped']);
    expect(databases.openNow()).toEqual([]); // the pools were closed last
  });

  it('exits 1 naming the metrics port when it is taken, before the worker starts', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const { runtime, exits, lines } = fakeProcess(stackEnv());
      const { start, calls } = unreachableStart();
      await runWorkerProcess({ name: 'worker-test', metricsPort: () => port, start }, runtime);
      expect(exits).toEqual([1]);
      expect(calls).toHaveLength(0);
      expect(lines.find((line) => line.level === 60)?.msg).toContain(`the metrics port cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
    } finally {
      taken.close();
    }
  });

  it('exits 1 at once on a second signal while the shutdown still waits for the worker', async () => {
    const { runtime, exits, lines, signals } = fakeProcess(stackEnv());
    const worker = fakeWorker();
    worker.holdStop();
    await runWorkerProcess({ name: 'worker-test', metricsPort: () => 0, start: worker.start }, runtime);

    signals.get('SIGTERM')!();
    await waitFor('the worker asked to stop', () => worker.calls.length === 1);
    signals.get('SIGINT')!();
    expect(exits).toEqual([1]);
    expect(lines.find((line) => line.msg === 'second signal during shutdown: exiting now')).toMatchObject({ level: 40, signal: 'SIGINT' });

    worker.release();
    await waitFor('the shutdown finished', () => exits.length === 2);
    expect(exits).toEqual([1, 0]);
  });

  it('shuts down with exit code 1 when the consumer stops for good', async () => {
    const { runtime, exits, lines } = fakeProcess(stackEnv());
    const worker = fakeWorker();
    await runWorkerProcess({ name: 'worker-test', metricsPort: () => 0, start: worker.start }, runtime);

    worker.context().onFatal(new Error('group coordinator gone'));
    await waitFor('exit', () => exits.length > 0);

    expect(exits).toEqual([1]);
    expect(worker.calls).toEqual(['stop']);
    const fatal: LogLine | undefined = lines.find((line) => line.level === 60);
    expect(fatal?.msg).toBe('Kafka consumer stopped for good; exiting so a supervisor can restart the process');
    expect(lines.find((line) => line.msg === 'worker-test shutting down')?.reason).toBe('consumer crash');
  });
});
