import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { renameSchemaStream } from './rename-schema-stream.ts';

const FROM = 'tenant_0193a0000000700080000000000000aa';
const TO = 'tenant_0193a0000000700080000000000000bb';

async function renamed(script: string, chunkSize: number): Promise<string> {
  const chunks = [];
  for (let i = 0; i < script.length; i += chunkSize) chunks.push(Buffer.from(script.slice(i, i + chunkSize)));
  return text(Readable.from(chunks).pipe(renameSchemaStream(FROM, TO)));
}

const SCRIPT = [
  `CREATE SCHEMA ${FROM};`,
  `CREATE TABLE ${FROM}.customers (id integer, name text);`,
  `COPY ${FROM}.customers (id, name) FROM stdin;`,
  `1\tnamed ${FROM} on purpose`,
  `2\tplain`,
  '\\.',
  `SELECT pg_catalog.setval('${FROM}.customers_id_seq', 2, true);`,
  '',
].join('\n');

describe('renameSchemaStream', () => {
  it.each([1, 7, 64, 10_000])('renames the schema in DDL and never inside COPY data (chunks of %i bytes)', async (chunkSize) => {
    const out = await renamed(SCRIPT, chunkSize);
    expect(out.split('\n')).toEqual([
      `CREATE SCHEMA ${TO};`,
      `CREATE TABLE ${TO}.customers (id integer, name text);`,
      `COPY ${TO}.customers (id, name) FROM stdin;`,
      `1\tnamed ${FROM} on purpose`,
      `2\tplain`,
      '\\.',
      `SELECT pg_catalog.setval('${TO}.customers_id_seq', 2, true);`,
      '',
    ]);
  });

  it('passes a script through unchanged when the names are equal', async () => {
    expect(await text(Readable.from([Buffer.from(SCRIPT)]).pipe(renameSchemaStream(FROM, FROM)))).toBe(SCRIPT);
  });
});
