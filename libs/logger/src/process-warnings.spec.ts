import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { createLogger } from './logger.ts';
import { logProcessWarnings } from './process-warnings.ts';

describe('logProcessWarnings', () => {
  it("replaces Node's plain-text printer with one JSON warn line per warning", async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const fakeProcess = new EventEmitter() as unknown as NodeJS.Process;
    const printed: unknown[] = [];
    fakeProcess.on('warning', (warning) => printed.push(warning)); // stands for Node's own printer
    logProcessWarnings(createLogger({ name: 'test', destination }), fakeProcess);

    const warning = Object.assign(new Error('-1796250900111 is a negative number.\nTimeout duration was set to 1.'), { name: 'TimeoutNegativeWarning' });
    fakeProcess.emit('warning', warning);
    await new Promise((resolve) => setImmediate(resolve));

    expect(printed).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 40,
      component: 'process',
      msg: 'TimeoutNegativeWarning: -1796250900111 is a negative number.\nTimeout duration was set to 1.',
      warning: { name: 'TimeoutNegativeWarning' },
    });
  });
});
