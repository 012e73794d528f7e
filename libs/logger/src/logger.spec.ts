import { Writable } from 'node:stream';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('redacts passwords, tokens and authorization headers', async () => {
    const { lines, destination } = capture();
    const logger = createLogger({ name: 'test', destination });
    logger.info({ body: { password: 'hunter22' }, req: { headers: { authorization: 'Bearer abc.def' } }, access_token: 'tok' }, 'hello');
    await new Promise((r) => setImmediate(r));
    const out = lines.join('');
    expect(out).toContain('hello');
    expect(out).not.toContain('hunter22');
    expect(out).not.toContain('abc.def');
    expect(out).not.toContain('"tok"');
  });
});
