import type { Kafka as KafkaClient, Message } from 'kafkajs';
import { runConsumer, type ConsumedMessage, type RunningConsumer } from '../index.ts';
import { deadLetterTopicFor } from '../../dead-letter.ts';
import { NonRetriableError } from '../../errors.ts';
import { createIdempotentProducer, type IdempotentProducer } from '../../producer.ts';
import { ensureTopics } from '../../topics.ts';
import {
  captureLogger,
  committedOffsets,
  createTestKafkaClient,
  deleteTopics,
  readTopic,
  testLogger,
  topicExists,
  uniqueName,
  waitFor,
} from '../../testing/index.ts';

const fastRetry = { attempts: 3, initialDelayMs: 20, maxDelayMs: 50, jitter: 0 };

describe('runConsumer (real broker)', () => {
  let kafka: KafkaClient;
  let producer: IdempotentProducer;
  const topics: string[] = [];
  const running: RunningConsumer[] = [];

  beforeAll(() => {
    kafka = createTestKafkaClient();
    producer = createIdempotentProducer(kafka);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((consumer) => consumer.stop()));
  });

  afterAll(async () => {
    await producer.disconnect();
    await deleteTopics(kafka, topics);
  });

  async function newTopic(label: string, numPartitions = 1): Promise<string> {
    const topic = uniqueName(label);
    topics.push(topic);
    await ensureTopics(kafka, [{ topic, numPartitions }]);
    return topic;
  }

  function start(options: Omit<Parameters<typeof runConsumer>[0], 'kafka' | 'logger'>): RunningConsumer {
    const consumer = runConsumer({ kafka, logger: testLogger(), fromBeginning: true, retry: fastRetry, ...options });
    running.push(consumer);
    return consumer;
  }

  const text = (message: ConsumedMessage) => message.value!.toString();

  it('keeps per-key order across partitions', async () => {
    const topic = await newTopic('order', 3);
    const keys = ['tenant-a', 'tenant-b', 'tenant-c', 'tenant-d', 'tenant-e'];
    const perKey = 20;
    const messages: Message[] = [];
    for (let seq = 0; seq < perKey; seq++) for (const key of keys) messages.push({ key, value: String(seq) });
    await producer.send(topic, messages);

    const seen = new Map<string, number[]>();
    const partitions = new Set<number>();
    const groupId = uniqueName('order');
    const consumer = start({
      groupId,
      topics: [topic],
      partitionsConsumedConcurrently: 3,
      handle: async (message) => {
        partitions.add(message.partition);
        const key = message.key!.toString();
        seen.set(key, [...(seen.get(key) ?? []), Number(text(message))]);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      },
    });
    await consumer.ready;
    await waitFor(() => [...seen.values()].reduce((n, list) => n + list.length, 0) === messages.length, { what: 'all messages' });

    for (const key of keys) expect(seen.get(key)).toEqual([...Array(perKey).keys()]);
    expect(partitions.size).toBeGreaterThan(1);
  });

  it('with concurrency, runs different keys of one partition at once and each key strictly in order, and commits everything', async () => {
    const topic = await newTopic('lanes'); // one partition: only per-key lanes can overlap work
    const keys = [...Array(12).keys()].map((k) => `tenant-${k}`);
    const perKey = 8;
    const messages: Message[] = [];
    for (let seq = 0; seq < perKey; seq++) for (const key of keys) messages.push({ key, value: String(seq) });
    await producer.send(topic, messages);

    const seen = new Map<string, number[]>();
    const active = new Set<string>();
    let running = 0;
    let peak = 0;
    const overlaps: string[] = [];
    const groupId = uniqueName('lanes');
    const consumer = start({
      groupId,
      topics: [topic],
      concurrency: 4,
      handle: async (message) => {
        const key = message.key!.toString();
        if (active.has(key)) overlaps.push(key);
        active.add(key);
        peak = Math.max(peak, ++running);
        await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8));
        seen.set(key, [...(seen.get(key) ?? []), Number(text(message))]);
        running--;
        active.delete(key);
      },
    });
    await consumer.ready;
    await waitFor(() => [...seen.values()].reduce((n, list) => n + list.length, 0) === messages.length, { what: 'all messages' });
    await consumer.stop();

    expect(overlaps).toEqual([]);
    for (const key of keys) expect(seen.get(key)).toEqual([...Array(perKey).keys()]);
    expect(peak).toBe(4);
    expect(await committedOffsets(kafka, groupId, topic)).toEqual({ 0: String(messages.length) });
  });

  it('a parked message (its key waits on an outage) lets the consumer fetch on: later messages of other keys run, its own key waits behind it, all committed after', async () => {
    const topic = await newTopic('parked'); // one partition: without parking, the next fetch would wait for the batch
    const seen: string[] = [];
    let release!: () => void;
    const outage = new Promise<void>((resolve) => (release = resolve));
    const groupId = uniqueName('parked');
    const consumer = start({
      groupId,
      topics: [topic],
      concurrency: 1, // one slot: a held message that kept it would stop everything
      maxWaitTimeInMs: 100,
      handle: async (message) => {
        const label = `${message.key!.toString()}:${text(message)}`;
        if (label === 'down:1') {
          message.park?.();
          await outage;
        }
        seen.push(label);
      },
    });
    await consumer.ready;
    await producer.send(topic, [{ key: 'down', value: '1' }, { key: 'up', value: '1' }]);
    await waitFor(() => seen.includes('up:1'), { what: 'up:1 beside the parked message' });
    // Produced after the first fetch: only a consumer that fetches on sees them.
    await producer.send(topic, [{ key: 'down', value: '2' }, { key: 'up', value: '2' }, { key: 'other', value: '1' }]);
    await waitFor(() => seen.includes('up:2') && seen.includes('other:1'), { what: 'later messages of other keys' });
    expect(seen).not.toContain('down:2');
    expect(await committedOffsets(kafka, groupId, topic)).not.toEqual({ 0: '5' });

    release();
    await waitFor(() => seen.includes('down:2'), { what: 'the parked key after its outage' });
    expect(seen.filter((label) => label.startsWith('down:'))).toEqual(['down:1', 'down:2']);
    expect(seen.filter((label) => label === 'up:1' || label === 'up:2' || label === 'other:1')).toHaveLength(3);
    await waitFor(async () => (await committedOffsets(kafka, groupId, topic))[0] === '5', { what: 'everything committed' });
  });

  it('with concurrency, a key whose handler keeps failing does not hold up the others; its poison message is dead-lettered and its later messages still run in order', async () => {
    const topic = await newTopic('lanes-poison');
    const groupId = uniqueName('lanes-poison');
    topics.push(deadLetterTopicFor(topic, groupId));
    await producer.send(topic, [
      { key: 'bad', value: 'bad-0' },
      { key: 'bad', value: 'poison' },
      ...[...Array(10).keys()].map((i) => ({ key: `good-${i % 3}`, value: `good-${i}` })),
      { key: 'bad', value: 'bad-2' },
    ]);

    const processed: string[] = [];
    const consumer = start({
      groupId,
      topics: [topic],
      concurrency: 3,
      retry: { attempts: 3, initialDelayMs: 150, maxDelayMs: 150, jitter: 0 },
      handle: async (message) => {
        if (text(message) === 'poison') throw new Error('cannot apply');
        processed.push(text(message));
      },
    });
    await consumer.ready;
    await waitFor(() => processed.length === 12, { what: 'every good message' });
    await consumer.stop();

    const goods = processed.filter((value) => value.startsWith('good-'));
    // The ten good messages finished while 'poison' was still being retried (2 × 150 ms of waits).
    expect(processed.indexOf('bad-2')).toBeGreaterThan(processed.indexOf(goods.at(-1)!));
    expect(processed.filter((value) => value.startsWith('bad-'))).toEqual(['bad-0', 'bad-2']);
    for (let k = 0; k < 3; k++) {
      const lane = goods.filter((value) => Number(value.slice(5)) % 3 === k);
      expect(lane).toEqual([...lane].sort((a, b) => Number(a.slice(5)) - Number(b.slice(5))));
    }
    const [letter] = await readTopic(kafka, deadLetterTopicFor(topic, groupId), 1);
    expect(letter).toMatchObject({ key: 'bad', value: 'poison', headers: expect.objectContaining({ 'dlq-attempts': '3', 'dlq-source-offset': '1' }) });
    expect(await committedOffsets(kafka, groupId, topic)).toEqual({ 0: '13' });
  });

  it('with concurrency, never commits past an unfinished message: stopped while one key waits to retry, the next member redelivers from it and nothing is lost', async () => {
    const topic = await newTopic('lanes-resume');
    const groupId = uniqueName('lanes-resume');
    const keys = ['a', 'b', 'c', 'd'];
    const perKey = 6;
    const messages: Message[] = [];
    for (let seq = 0; seq < perKey; seq++) for (const key of keys) messages.push({ key, value: `${key}:${seq}` });
    await producer.send(topic, messages);
    const stuckOffset = keys.length * 2 + 1; // b:2 fails in the first member and waits a minute to retry

    const first: { key: string; seq: number; offset: number }[] = [];
    const firstConsumer = start({
      groupId,
      topics: [topic],
      concurrency: 3,
      retry: { attempts: 5, initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 },
      handle: async (message) => {
        if (Number(message.offset) === stuckOffset) throw new Error('database unavailable');
        await new Promise((resolve) => setTimeout(resolve, 2));
        const [key, seq] = text(message).split(':');
        first.push({ key, seq: Number(seq), offset: Number(message.offset) });
      },
    });
    await firstConsumer.ready;
    // Every other key finishes, although their later messages come after the stuck one.
    await waitFor(() => first.length === messages.length - perKey + 2, { what: 'all but the rest of key b' });
    expect(first.filter((m) => m.key === 'b').map((m) => m.seq)).toEqual([0, 1]);
    expect(Math.max(...first.map((m) => m.offset))).toBeGreaterThan(stuckOffset);
    expect(await committedOffsets(kafka, groupId, topic)).toEqual({ 0: String(stuckOffset) });
    await firstConsumer.stop();
    expect(await committedOffsets(kafka, groupId, topic)).toEqual({ 0: String(stuckOffset) });

    const second: { key: string; seq: number; offset: number }[] = [];
    const secondConsumer = start({
      groupId,
      topics: [topic],
      concurrency: 3,
      handle: async (message) => {
        const [key, seq] = text(message).split(':');
        second.push({ key, seq: Number(seq), offset: Number(message.offset) });
      },
    });
    await secondConsumer.ready;
    await waitFor(() => second.length === messages.length - stuckOffset, { what: 'the redelivered rest' });
    await secondConsumer.stop();

    expect(Math.min(...second.map((m) => m.offset))).toBe(stuckOffset);
    for (const run of [first, second]) {
      for (const key of keys) {
        const seqs = run.filter((m) => m.key === key).map((m) => m.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b)); // each member applies a key in order
      }
    }
    // Nothing lost: every message finished in one member or the other.
    const done = new Set([...first, ...second].map((m) => m.offset));
    expect(done.size).toBe(messages.length);
    expect(await committedOffsets(kafka, groupId, topic)).toEqual({ 0: String(messages.length) });
  });

  it('adds what logFields says of a message to its lines about that message (retries, dead letter)', async () => {
    const topic = await newTopic('log-fields');
    const groupId = uniqueName('log-fields');
    topics.push(deadLetterTopicFor(topic, groupId));
    await producer.send(topic, [{ key: 'tenant-7', value: 'poison', headers: { ce_type: 'TenantCreated' } }]);
    const { logger, lines } = captureLogger('runner');
    const consumer = runConsumer({
      kafka,
      logger,
      groupId,
      topics: [topic],
      fromBeginning: true,
      retry: { ...fastRetry, attempts: 2 },
      logFields: (message) => ({ tenant_id: message.key?.toString(), event_type: message.headers?.ce_type?.toString() }),
      handle: async () => {
        throw new Error('refused');
      },
    });
    running.push(consumer);
    await waitFor(() => lines.some((line) => line.msg?.startsWith('message dead-lettered')), { what: 'the dead letter' });

    const about = lines.filter((line) => line.msg === 'handler failed, retrying' || line.msg?.startsWith('message dead-lettered'));
    expect(about).toHaveLength(2);
    for (const line of about) expect(line).toMatchObject({ topic, offset: '0', tenant_id: 'tenant-7', event_type: 'TenantCreated' });
  });

  it('retries a failing handler in-process and processes the message once, without a dead letter', async () => {
    const topic = await newTopic('retry');
    const groupId = uniqueName('retry');
    await producer.send(topic, [
      { key: 'k', value: 'flaky' },
      { key: 'k', value: 'after' },
    ]);

    const attempts: number[] = [];
    const processed: string[] = [];
    const consumer = start({
      groupId,
      topics: [topic],
      handle: async (message) => {
        if (text(message) === 'flaky') {
          attempts.push(message.attempt);
          if (message.attempt <= 2) throw new Error(`transient failure ${message.attempt}`);
        }
        processed.push(text(message));
      },
    });
    await consumer.ready;
    await waitFor(() => processed.length === 2, { what: 'both messages' });
    await consumer.stop();

    expect(attempts).toEqual([1, 2, 3]);
    expect(processed).toEqual(['flaky', 'after']);
    expect(await committedOffsets(kafka, groupId, topic)).toEqual({ 0: '2' });
    expect(await topicExists(kafka, deadLetterTopicFor(topic, groupId))).toBe(false);
  });

  it.each([
    ['always throws', () => new Error('cannot parse payload'), '3', 'Error: cannot parse payload'],
    ['throws NonRetriableError', () => new NonRetriableError('unknown plan "gold"'), '1', 'NonRetriableError: unknown plan "gold"'],
  ])('dead-letters a poison message that %s and goes on with the next one', async (_label, makeError, expectedAttempts, expectedError) => {
    const topic = await newTopic('poison');
    const groupId = uniqueName('poison');
    topics.push(deadLetterTopicFor(topic, groupId));
    await producer.send(topic, [
      { key: 'k1', value: 'good-1' },
      { key: 'k2', value: 'poison', headers: { 'content-type': 'application/cloudevents+json', ce_type: 'TenantCreated' } },
      { key: 'k1', value: 'good-2' },
    ]);

    const calls: string[] = [];
    const processed: string[] = [];
    const consumer = start({
      groupId,
      topics: [topic],
      handle: async (message) => {
        calls.push(text(message));
        if (text(message) === 'poison') throw makeError();
        processed.push(text(message));
      },
    });
    await consumer.ready;
    await waitFor(() => processed.length === 2, { what: 'the good messages' });

    expect(processed).toEqual(['good-1', 'good-2']);
    expect(calls.filter((value) => value === 'poison')).toHaveLength(Number(expectedAttempts));

    const [letter] = await readTopic(kafka, deadLetterTopicFor(topic, groupId), 1);
    expect(letter).toMatchObject({ key: 'k2', value: 'poison' });
    expect(letter!.headers).toEqual({
      'content-type': 'application/cloudevents+json',
      ce_type: 'TenantCreated',
      'dlq-error': expectedError,
      'dlq-attempts': expectedAttempts,
      'dlq-source-topic': topic,
      'dlq-source-partition': '0',
      'dlq-source-offset': '1',
      'dlq-failed-at': expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });

    await consumer.stop();
    expect(await committedOffsets(kafka, groupId, topic)).toEqual({ 0: '3' });
  });

  it('stops mid-stream after finishing the in-flight message; the next member of the group continues without a gap', async () => {
    const topic = await newTopic('resume');
    const groupId = uniqueName('resume');
    const total = 40;
    await producer.send(topic, [...Array(total).keys()].map((i) => ({ key: 'k', value: String(i) })));

    const first: number[] = [];
    const firstConsumer = start({
      groupId,
      topics: [topic],
      handle: async (message) => {
        await new Promise((resolve) => setTimeout(resolve, 25));
        first.push(Number(text(message)));
      },
    });
    await firstConsumer.ready;
    await waitFor(() => first.length >= 8, { what: '8 messages' });
    await firstConsumer.stop();
    const lastOfFirst = first.at(-1)!;
    expect(first).toEqual([...Array(first.length).keys()]);
    expect(lastOfFirst).toBeLessThan(total - 1);
    expect(await committedOffsets(kafka, groupId, topic)).toEqual({ 0: String(lastOfFirst + 1) });

    const second: number[] = [];
    const secondConsumer = start({ groupId, topics: [topic], handle: async (message) => void second.push(Number(text(message))) });
    await secondConsumer.ready;
    await waitFor(() => second.at(-1) === total - 1, { what: 'the last message' });

    expect(second[0]).toBe(lastOfFirst + 1);
    expect([...first, ...second]).toEqual([...Array(total).keys()]);
  });

  it('on stop during a retry wait, leaves the message uncommitted for the next member', async () => {
    const topic = await newTopic('stop-retry');
    const groupId = uniqueName('stop-retry');
    await producer.send(topic, [{ key: 'k', value: 'first' }, { key: 'k', value: 'second' }]);

    let failures = 0;
    const consumer = start({
      groupId,
      topics: [topic],
      retry: { attempts: 5, initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 },
      handle: async () => {
        failures++;
        throw new Error('database unavailable');
      },
    });
    await consumer.ready;
    await waitFor(() => failures === 1, { what: 'the first failure' });
    const stoppedAt = Date.now();
    await consumer.stop();
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    expect(await committedOffsets(kafka, groupId, topic)).toEqual({ 0: '-1' });

    const seen: string[] = [];
    const next = start({ groupId, topics: [topic], handle: async (message) => void seen.push(text(message)) });
    await next.ready;
    await waitFor(() => seen.length === 2, { what: 'both messages' });
    expect(seen).toEqual(['first', 'second']);
    expect(await topicExists(kafka, deadLetterTopicFor(topic, groupId))).toBe(false);
  });

  it('with fromBeginning false, is ready to see messages produced right after ready resolves', async () => {
    const topic = await newTopic('ready');
    await producer.send(topic, [{ key: 'k', value: 'old' }]);
    const seen: string[] = [];
    const consumer = start({ groupId: uniqueName('ready'), topics: [topic], fromBeginning: false, handle: async (m) => void seen.push(text(m)) });
    await consumer.ready;
    await producer.send(topic, [{ key: 'k', value: 'new' }]);
    await waitFor(() => seen.length === 1, { what: 'the new message' });
    expect(seen).toEqual(['new']);
  });

  it('becomes ready also for a member that gets no partition', async () => {
    const topic = await newTopic('idle-member');
    const groupId = uniqueName('idle-member');
    const first = start({ groupId, topics: [topic], handle: async () => undefined });
    await first.ready;
    const second = start({ groupId, topics: [topic], handle: async () => undefined });
    await expect(Promise.all([first.ready, second.ready])).resolves.toEqual([undefined, undefined]);
  });

  it('rejects ready with a clear error when a topic does not exist', async () => {
    const consumer = start({ groupId: uniqueName('missing'), topics: [uniqueName('missing')], handle: async () => undefined });
    await expect(consumer.ready).rejects.toThrow(/could not start on test\..*: This server does not host this topic-partition\. Create the topics first/);
  });
});
