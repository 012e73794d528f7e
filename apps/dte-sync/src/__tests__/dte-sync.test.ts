import { loadConfig } from '@tenantry/config';
import { createIdempotentProducer, deadLetterTopicFor, ensureTopics, tenantTopics, type IdempotentProducer } from '@tenantry/kafka';
import { captureLogger, collectTopic, createTestKafkaClient, deleteTopics, recordCount, uniquePrefix, type LogLine } from '@tenantry/kafka/testing';
import { createTenantEvent, toKafkaMessage, type TenantEvent, type TenantSnapshot } from '@tenantry/tenant-events';
import { buildTenantSnapshot } from '@tenantry/tenant-events/testing';
import { createTenantSchemaOrm, provisionTenantSchema, readIssuer, type TenantSchemaOrm } from '@tenantry/tenant-schema';
import { createTestDatabase, waitFor, type TestDatabase } from '@tenantry/testing';
import type { Kafka as KafkaClient } from 'kafkajs';
import { startDteSync, type DteSyncWorker } from '../worker.ts';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const fastRetry = { attempts: 3, initialDelayMs: 20, maxDelayMs: 50, jitter: 0 };

describe('dte-sync worker (real Kafka, real PostgreSQL)', () => {
  let db: TestDatabase;
  let orm: TenantSchemaOrm;
  let kafka: KafkaClient;
  let producer: IdempotentProducer;
  let worker: DteSyncWorker;
  let lines: LogLine[];
  // Topics and group as the dte-sync process derives them from its own KAFKA_TOPIC_PREFIX.
  const { topics, groups } = loadConfig({ KAFKA_TOPIC_PREFIX: uniquePrefix() });
  const groupId = groups.dteSync;
  const dlq = deadLetterTopicFor(topics.tenantEvents, groupId);
  const collectors: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('tenantry_dte');
    orm = await createTenantSchemaOrm({ databaseUrl: db.url });
    kafka = createTestKafkaClient();
    producer = createIdempotentProducer(kafka);
    await ensureTopics(kafka, tenantTopics(topics));
    const captured = captureLogger('dte-sync');
    lines = captured.lines;
    worker = startDteSync({ kafka, orm, logger: captured.logger, topics, groupId, retry: fastRetry, maxWaitTimeInMs: 100 });
    await worker.ready;
  });

  afterAll(async () => {
    await worker?.stop();
    await Promise.all(collectors.map((collector) => collector.stop()));
    await producer?.disconnect();
    await orm?.close();
    await db?.drop();
    if (kafka) await deleteTopics(kafka, [topics.tenantEvents, topics.tenantProvisioning, dlq]);
  });

  async function publish(...events: TenantEvent[]): Promise<void> {
    await producer.send(topics.tenantEvents, events.map(toKafkaMessage));
  }

  /** The snapshot after one more change, as tenant-api would emit it. */
  function next(tenant: TenantSnapshot, changes: Partial<TenantSnapshot>): TenantSnapshot {
    return { ...tenant, ...changes, version: changes.version ?? tenant.version + 1, updated_at: new Date().toISOString() };
  }

  function outcomeLine(tenantId: string, tenantversion: number, outcome: string): LogLine | undefined {
    return lines.find((line) => line.tenant_id === tenantId && line.tenantversion === tenantversion && line.outcome === outcome);
  }

  async function provisioned(overrides: Partial<TenantSnapshot> = {}): Promise<TenantSnapshot> {
    const tenant = buildTenantSnapshot({ version: 1, ...overrides });
    await provisionTenantSchema(orm, tenant);
    return tenant;
  }

  it('applies TenantProvisioned, then a newer TenantUpdated; an older version arriving later is stale', async () => {
    const v1 = await provisioned();
    const v2 = next(v1, { status: 'active', schema_version: 'Migration20261122000000_initial' });
    const v3 = next(v2, { address: 'Av. Apoquindo 4500, piso 12', commune: 'Las Condes' });

    await publish(createTenantEvent('TenantProvisioned', { tenant: v2 }, { traceparent: TRACEPARENT }));
    await waitFor('v2 applied', async () => (await readIssuer(orm, v1.id))?.source_version === 2);

    await publish(createTenantEvent('TenantUpdated', { tenant: v3, changed_fields: ['address', 'commune'] }, { traceparent: TRACEPARENT }));
    await waitFor('v3 applied', async () => (await readIssuer(orm, v1.id))?.source_version === 3);
    expect(await readIssuer(orm, v1.id)).toMatchObject({ address: v3.address, commune: 'Las Condes', city: v1.city, razon_social: v1.name });

    // A late duplicate of an older update, with an address that was current back then.
    const late = { ...v2, address: 'Calle Antigua 1', version: 2 };
    await publish(createTenantEvent('TenantUpdated', { tenant: late, changed_fields: ['address'] }, { traceparent: TRACEPARENT }));
    await waitFor('stale outcome logged', () => outcomeLine(v1.id, 2, 'stale'));

    expect(await readIssuer(orm, v1.id)).toMatchObject({ address: v3.address, source_version: 3 });
    expect(outcomeLine(v1.id, 3, 'applied')).toMatchObject({ traceparent: TRACEPARENT, event_type: 'TenantUpdated', msg: 'issuer info updated' });
  });

  it('skips a TenantUpdated for a tenant without schema, then goes on with the next event of that tenant', async () => {
    const v1 = buildTenantSnapshot({ version: 1 });
    const v2 = next(v1, { giro: 'Servicios financieros' });
    await publish(createTenantEvent('TenantUpdated', { tenant: v2, changed_fields: ['giro'] }));
    await waitFor('no-schema outcome logged', () => outcomeLine(v1.id, 2, 'no-schema'));
    expect(await readIssuer(orm, v1.id)).toBeNull();

    // tenant-api then gets the provisioning report and emits TenantProvisioned with the current snapshot.
    await provisionTenantSchema(orm, v1);
    const v3 = next(v2, { status: 'active' });
    await publish(createTenantEvent('TenantProvisioned', { tenant: v3 }));

    await waitFor('v3 applied', async () => (await readIssuer(orm, v1.id))?.source_version === 3);
    expect(await readIssuer(orm, v1.id)).toMatchObject({ giro: 'Servicios financieros' });
    expect(outcomeLine(v1.id, 2, 'no-schema')).toMatchObject({ level: 30, traceparent: null });
  });

  it('ignores an update that changes no DTE field, and other event types', async () => {
    const v1 = await provisioned();
    const v2 = next(v1, { description: 'Pagos para comercios' });
    const v3 = next(v2, { status: 'suspended', is_active: false });
    await publish(
      createTenantEvent('TenantUpdated', { tenant: v2, changed_fields: ['description'] }),
      createTenantEvent('TenantSuspended', { tenant: v3 }),
    );

    await waitFor('suspension seen', () => lines.find((line) => line.tenant_id === v1.id && line.tenantversion === 3));
    expect(lines.find((line) => line.tenant_id === v1.id && line.tenantversion === 2)?.msg).toBe('no DTE field changed, ignored');
    expect(await readIssuer(orm, v1.id)).toMatchObject({ source_version: 1 });
  });

  it('dead-letters an invalid message and goes on with the partition', async () => {
    const v1 = await provisioned();
    await producer.send(topics.tenantEvents, [{ key: v1.id, value: Buffer.from([0xff, 0x00, 0x7b]) }]);
    await publish(createTenantEvent('TenantUpdated', { tenant: next(v1, { city: 'Valparaíso' }), changed_fields: ['city'] }));

    await waitFor('update after the poison message', async () => (await readIssuer(orm, v1.id))?.city === 'Valparaíso');

    expect(dlq.endsWith('.dte-sync.dlq')).toBe(true);
    expect(await recordCount(kafka, dlq)).toBe(1);
    const deadLetters = await collectTopic(kafka, dlq);
    collectors.push(deadLetters);
    const [deadLetter] = await waitFor('the dead letter', () => deadLetters.messages.length === 1 && deadLetters.messages);
    expect(deadLetter.key).toBe(v1.id);
    expect(deadLetter.headers['dlq-error']).toMatch(/^EventValidationError/);
  });
});
