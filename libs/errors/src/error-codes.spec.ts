import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERRORS, isErrorCode, TenantryError, type ErrorCode } from './index.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SKIP = new Set(['node_modules', 'generated', '.nx', '.cache', '.data', 'dist', 'coverage']);

/** Every .ts file under apps/, libs/, tools/ and tenant-migrations/, tests included. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the error list', () => {
  it('documents every code in docs/errors.md with its status, title and retriable, and nothing else', () => {
    const rows = new Map<string, string>();
    for (const match of readFileSync(join(root, 'docs/errors.md'), 'utf8').matchAll(/^\| `(TNT_ERR_[A-Z0-9_]+)` \|(.*)\|$/gm)) {
      rows.set(match[1], match[2].trim());
    }
    const expected = new Map(
      Object.entries(ERRORS).map(([code, spec]) => [code, `${spec.status} | ${spec.title} | ${spec.retriable ? 'yes' : 'no'}`]),
    );
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(expected));
  });

  it('holds every TNT_ERR_ code a source file uses', () => {
    const unlisted: string[] = [];
    for (const top of ['apps', 'libs', 'tools', 'tenant-migrations']) {
      for (const file of sourceFiles(join(root, top))) {
        for (const [code] of readFileSync(file, 'utf8').matchAll(/TNT_ERR_[A-Z0-9_]+/g)) {
          if (!isErrorCode(code)) unlisted.push(`${relative(root, file)}: ${code}`);
        }
      }
    }
    expect(unlisted).toEqual([]);
  });

  it('gives each code an HTTP error status and a title', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect({ code, ok: spec.status >= 400 && spec.status <= 599 && spec.title.length > 0 }).toEqual({ code, ok: true });
    }
  });
});

describe('TenantryError', () => {
  it('takes statusCode and retriable from the list, and keeps the cause', () => {
    const cause = new Error('socket closed');
    const error = new TenantryError('TNT_ERR_DATABASE_UNREACHABLE', 'Cannot connect', { cause });
    expect(error).toMatchObject({ code: 'TNT_ERR_DATABASE_UNREACHABLE', statusCode: 503, retriable: true, message: 'Cannot connect', cause });
    expect(new TenantryError('TNT_ERR_TENANT_NOT_FOUND', 'gone')).toMatchObject({ statusCode: 404, retriable: false });
    expect('cause' in new TenantryError('TNT_ERR_INTERNAL', 'x')).toBe(false);
  });

  it("names an instance after its own class", () => {
    class WidgetMissingError extends TenantryError {
      constructor() {
        super('TNT_ERR_NOT_FOUND', 'no widget');
      }
    }
    const error = new WidgetMissingError();
    expect(error).toBeInstanceOf(TenantryError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('WidgetMissingError');
  });

  it('refuses a code that is not in the list, at compile time', () => {
    // @ts-expect-error a typo is a type error, not a 500 at run time
    const code: ErrorCode = 'TNT_ERR_' + 'TENNANT_NOT_FOUND';
    expect(isErrorCode(code)).toBe(false);
  });
});
