import { EventValidationError } from '@tenantry/tenant-events';
import { KafkaPlumbingError, NonRetriableError, RetriableError, describeError, isRetriable } from './errors.ts';

describe('error tree', () => {
  it('carries retriable and context', () => {
    const error = new NonRetriableError('bad', { topic: 't', partition: 2, offset: '7' });
    expect(error).toBeInstanceOf(KafkaPlumbingError);
    expect(error).toMatchObject({ retriable: false, topic: 't', partition: 2, offset: '7', name: 'NonRetriableError' });
    expect(new RetriableError('later').retriable).toBe(true);
  });

  it('treats unknown errors as retriable and honours retriable = false from anywhere', () => {
    expect(isRetriable(new Error('x'))).toBe(true);
    expect(isRetriable('x')).toBe(true);
    expect(isRetriable(new NonRetriableError('x'))).toBe(false);
    expect(isRetriable(new EventValidationError('Invalid event', ['/id is required']))).toBe(false);
  });

  it('describes errors for logs and headers', () => {
    expect(describeError(new RetriableError('db down'))).toBe('RetriableError: db down');
    expect(describeError(42)).toBe('42');
  });
});
