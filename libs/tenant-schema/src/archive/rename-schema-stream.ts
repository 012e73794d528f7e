import { Transform } from 'node:stream';

/**
 * Renames a schema in the SQL script `pg_restore -f -` writes: every line of DDL has `from`
 * replaced by `to`, while the data lines of `COPY … FROM stdin;` blocks (up to `\.`) pass untouched,
 * so a row that happens to contain the old name keeps it. Tenant schema names are
 * `tenant_<32 hex>`: nothing but the schema (and its role, `<schema>_app`) carries them in DDL.
 */
export function renameSchemaStream(from: string, to: string): Transform {
  let rest = '';
  let inCopy = false;
  const rewrite = (line: string): string => {
    if (inCopy) {
      if (line === '\\.') inCopy = false;
      return line;
    }
    if (line.startsWith('COPY ') && line.endsWith(' FROM stdin;')) inCopy = true;
    return from === to ? line : line.replaceAll(from, to);
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop()!;
      done(null, lines.length ? `${lines.map(rewrite).join('\n')}\n` : '');
    },
    flush(done) {
      done(null, rest ? rewrite(rest) : '');
    },
  });
}
