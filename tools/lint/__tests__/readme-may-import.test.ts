import { existsSync, globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mayImportLine } from '../may-import.ts';

/**
 * Each project's README says what lives where and what it may import; the import line is checked
 * against the tag rules lint enforces, so the two cannot drift. `node tools/lint/write-may-import.ts`
 * writes the expected lines.
 */
const root = join(import.meta.dirname, '../../..');
const projects = globSync(['apps/*/package.json', 'libs/*/package.json', 'tools/*/package.json', 'tenant-migrations/package.json'], { cwd: root })
  .map((file) => ({ dir: file.replace(/\/package\.json$/, ''), tags: (JSON.parse(readFileSync(join(root, file), 'utf8')).nx?.tags ?? []) as string[] }))
  .sort((a, b) => a.dir.localeCompare(b.dir));

test('every project is tagged, so a boundary rule applies to it', () => {
  expect(projects.length).toBeGreaterThan(25);
  expect(projects.filter((p) => !p.tags.some((t) => t.startsWith('type:'))).map((p) => p.dir)).toEqual([]);
});

test.each(projects.map((p) => [p.dir, p.tags] as const))('%s/README.md states what the project may import', (dir, tags) => {
  const readme = join(root, dir, 'README.md');
  expect(existsSync(readme)).toBe(true);
  expect(readFileSync(readme, 'utf8')).toContain(mayImportLine(tags));
});
