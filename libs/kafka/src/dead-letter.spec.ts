import { buildDeadLetter, deadLetterTopicFor, readDeadLetterInfo, stripDeadLetterHeaders } from './dead-letter.ts';
import { NonRetriableError } from './errors.ts';

describe('dead letters', () => {
  const source = {
    topic: 'tenant.events',
    partition: 3,
    message: { key: Buffer.from('t-1'), value: Buffer.from('{}'), offset: '41', headers: { ce_type: 'TenantCreated' } },
  };

  it('names the topic after source topic and group', () => {
    expect(deadLetterTopicFor('tenant.events', 'provisioner')).toBe('tenant.events.provisioner.dlq');
  });

  it('keeps key, value and headers and adds the dlq-* headers, which read back', () => {
    const failedAt = new Date('2026-11-22T10:00:00.000Z');
    const letter = buildDeadLetter(source, new NonRetriableError('no such plan'), 5, failedAt);
    expect(letter.key).toBe(source.message.key);
    expect(letter.value).toBe(source.message.value);
    expect(letter.headers).toEqual({
      ce_type: 'TenantCreated',
      'dlq-error': 'NonRetriableError: no such plan',
      'dlq-attempts': '5',
      'dlq-source-topic': 'tenant.events',
      'dlq-source-partition': '3',
      'dlq-source-offset': '41',
      'dlq-failed-at': '2026-11-22T10:00:00.000Z',
    });
    const asConsumed = Object.fromEntries(Object.entries(letter.headers!).map(([k, v]) => [k, Buffer.from(String(v))]));
    expect(readDeadLetterInfo(asConsumed)).toEqual({
      error: 'NonRetriableError: no such plan',
      attempts: 5,
      sourceTopic: 'tenant.events',
      sourcePartition: 3,
      sourceOffset: '41',
      failedAt: '2026-11-22T10:00:00.000Z',
    });
    expect(stripDeadLetterHeaders(asConsumed)).toEqual({ ce_type: Buffer.from('TenantCreated') });
  });

  it('truncates a huge error and returns null for a message without dlq headers', () => {
    const letter = buildDeadLetter(source, new Error('x'.repeat(50_000)), 1);
    expect(String(letter.headers!['dlq-error']).length).toBe(8_000);
    expect(readDeadLetterInfo({ ce_type: 'x' })).toBeNull();
  });
});
