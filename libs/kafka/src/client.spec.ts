import { Writable } from 'node:stream';
import { createLogger } from '@tenantry/logger';
import { logLevel } from './kafkajs.ts';
import { pinoLogCreator } from './client.ts';

describe('pinoLogCreator', () => {
  it('maps kafkajs entries onto pino levels with namespace and extra fields', () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const logger = createLogger({ name: 'test', level: 'debug', destination });
    const log = pinoLogCreator(logger)();
    log({ namespace: 'Consumer', level: logLevel.ERROR, label: 'ERROR', log: { timestamp: 'x', message: 'Crash', groupId: 'g' } });
    log({ namespace: 'Producer', level: logLevel.INFO, label: 'INFO', log: { timestamp: 'x', message: 'Connected' } });
    expect(lines).toEqual([
      expect.objectContaining({ level: 50, msg: 'Crash', component: 'kafkajs', namespace: 'Consumer', groupId: 'g' }),
      expect.objectContaining({ level: 30, msg: 'Connected', namespace: 'Producer' }),
    ]);
    expect(lines[0]).not.toHaveProperty('timestamp');
  });
});
