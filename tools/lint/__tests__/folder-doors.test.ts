import { globSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Inside a lib, each folder under `src/` is a concern whose `index.ts` is its only door, and the
 * folders import each other one way. Nx checks the arrows between projects; this checks them
 * between the folders of one project. Test code (specs, `__tests__/`, `testing/`) is left out.
 */
const root = join(import.meta.dirname, '../../..');
const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gm;
const isTestCode = (file: string) => /(^|\/)(__tests__|testing|__fixtures__)\/|\.spec\.ts$/.test(file);

interface FolderImport {
  from: string;
  to: string;
  file: string;
  target: string;
}

function folderImports(lib: string): FolderImport[] {
  const src = join(root, lib, 'src');
  const found: FolderImport[] = [];
  for (const file of globSync('**/*.ts', { cwd: src }).filter((f) => !isTestCode(f))) {
    const from = file.includes('/') ? file.split('/')[0] : null;
    for (const match of readFileSync(join(src, file), 'utf8').matchAll(IMPORT)) {
      const target = relative(src, resolve(dirname(join(src, file)), match[1]));
      const to = target.includes('/') ? target.split('/')[0] : null;
      if (from && to && from !== to && !target.startsWith('..')) found.push({ from, to, file: `${lib}/src/${file}`, target });
    }
  }
  return found;
}

function cycle(edges: FolderImport[]): string[] | null {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) next.set(from, (next.get(from) ?? new Set()).add(to));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const to of next.get(node) ?? []) {
      const found = visit(to);
      if (found) return found;
    }
    path.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of next.keys()) {
    const found = visit(node);
    if (found) return found;
  }
  return null;
}

const libs = globSync('libs/*/package.json', { cwd: root }).map((file) => dirname(file)).sort();

test.each(libs)('%s: a folder is entered through its index.ts only', (lib) => {
  const throughSideDoors = folderImports(lib)
    .filter(({ to, target }) => target !== `${to}/index.ts`)
    .map(({ file, target }) => `${file} imports ${target}`);
  expect(throughSideDoors).toEqual([]);
});

test.each(libs)('%s: its folders import each other one way (no circle)', (lib) => {
  expect(cycle(folderImports(lib))).toBeNull();
});

test('the check sees folder imports at all (control-db has many)', () => {
  expect(folderImports('libs/control-db').length).toBeGreaterThan(20);
});
