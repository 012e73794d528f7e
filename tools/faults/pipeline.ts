import { createKafkaClient } from '@tenantry/kafka';
import { createLogger } from '@tenantry/logger';
import { waitFor } from '@tenantry/testing';
import type { Kafka } from 'kafkajs';
import type { Stack } from '@tenantry/e2e/stack';
import { createBody } from '@tenantry/e2e/tenant-bodies';

/** A quiet kafkajs client for reading what the services wrote. */
export function readerKafka(brokers: string): Kafka {
  return createKafkaClient({ brokers: brokers.split(','), clientId: 'fault-reader', logger: createLogger({ name: 'fault', level: 'silent' }) });
}

/**
 * Creates one tenant and waits until it is active with its issuer synced: proves every service
 * joined its consumer group before the fault is injected.
 */
export async function warmUp(stack: Stack, token: string, timeoutMs = 120_000): Promise<string> {
  const created = await stack.request('POST', '/v1/tenants', createBody('Warm-up', 999_999), token);
  if (created.status !== 201) throw new Error(`warm-up create answered ${created.status}: ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  await waitFor(
    'warm-up tenant active',
    async () => (await stack.request('GET', `/v1/tenants/${id}`, undefined, token)).body?.status === 'active',
    { timeoutMs, intervalMs: 250 },
  ).catch((error) => {
    throw new Error(`${(error as Error).message}\n--- service output ---\n${stack.logs.slice(-30).join('\n')}`);
  });
  return id;
}
