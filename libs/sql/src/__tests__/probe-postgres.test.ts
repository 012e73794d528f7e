import { createServer } from 'node:net';
import { postgresAnswers, probePostgres } from '../probe-postgres.ts';

const URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A port nothing listens on: taken, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('the shared server answers', async () => {
  await expect(probePostgres(URL)).resolves.toBeUndefined();
  await expect(postgresAnswers(URL)).resolves.toBe(true);
});

test('a port nothing listens on does not: the probe rejects with the driver error, the check says false', async () => {
  const url = `postgres://postgres@127.0.0.1:${await closedPort()}/postgres`;
  await expect(probePostgres(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  await expect(postgresAnswers(url)).resolves.toBe(false);
});
