// Writes (or rewrites) the "May import" line in every project's README from the tag rules.
// Usage: node tools/lint/write-may-import.ts
import { existsSync, globSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mayImportLine } from './may-import.ts';

const root = join(import.meta.dirname, '../..');
for (const file of globSync(['apps/*/package.json', 'libs/*/package.json', 'tools/*/package.json', 'tenant-migrations/package.json'], { cwd: root })) {
  const dir = join(root, file.replace(/\/package\.json$/, ''));
  const tags: string[] = JSON.parse(readFileSync(join(root, file), 'utf8')).nx?.tags ?? [];
  const readme = join(dir, 'README.md');
  if (!existsSync(readme)) {
    console.error(`missing: ${readme}`);
    continue;
  }
  const line = mayImportLine(tags);
  const text = readFileSync(readme, 'utf8');
  const next = /^\*\*May import\*\*.*$/m.test(text)
    ? text.replace(/^\*\*May import\*\*.*$/m, line)
    : `${text.trimEnd()}\n\n${line}\n`;
  if (next !== text) writeFileSync(readme, next);
}
