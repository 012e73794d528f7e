import { captureLogger } from '@tenantry/kafka/testing';
import { createShutdown } from './shutdown.ts';

describe('createShutdown', () => {
  function setUp(stepTimeoutMs = 1_000) {
    const { logger, lines } = captureLogger('worker');
    const exits: number[] = [];
    const shutdown = createShutdown({ name: 'worker', logger, exit: (code) => exits.push(code), stepTimeoutMs });
    return { shutdown, lines, exits };
  }

  it('closes what was opened last first, then exits with the code', async () => {
    const { shutdown, lines, exits } = setUp();
    const closed: string[] = [];
    shutdown.add('closing the database pool', async () => closed.push('pool'));
    shutdown.add('disconnecting the producer', async () => closed.push('producer'));
    shutdown.add('stopping the consumer', async () => closed.push('consumer'));

    await shutdown.run(0, 'SIGTERM');

    expect(closed).toEqual(['consumer', 'producer', 'pool']);
    expect(exits).toEqual([0]);
    expect(lines.map(({ msg, reason }) => ({ msg, reason }))).toEqual([
      { msg: 'worker shutting down', reason: 'SIGTERM' },
      { msg: 'worker stopped', reason: undefined },
    ]);
  });

  it('runs only once: a second call neither closes again nor exits again', async () => {
    const { shutdown, exits } = setUp();
    let closes = 0;
    shutdown.add('stopping the consumer', async () => closes++);

    expect(shutdown.started).toBe(false);
    const first = shutdown.run(1, 'consumer crash');
    expect(shutdown.started).toBe(true);
    await Promise.all([first, shutdown.run(0, 'SIGINT')]);

    expect(closes).toBe(1);
    expect(exits).toEqual([1]);
  });

  it('logs a failing or hanging step and goes on with the next one', async () => {
    const { shutdown, lines, exits } = setUp(50);
    const closed: string[] = [];
    shutdown.add('closing the database pool', async () => closed.push('pool'));
    shutdown.add('disconnecting the producer', () => new Promise(() => undefined));
    shutdown.add('stopping the consumer', async () => {
      throw new Error('broker gone');
    });

    await shutdown.run(0, 'SIGTERM');

    expect(closed).toEqual(['pool']);
    expect(exits).toEqual([0]);
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings.map((line) => [line.msg, (line.err as { message: string }).message])).toEqual([
      ['stopping the consumer failed during shutdown', 'broker gone'],
      ['disconnecting the producer failed during shutdown', 'gave up after 50 ms'],
    ]);
  });
});
