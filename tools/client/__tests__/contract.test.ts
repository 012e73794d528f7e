import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Stack } from '@tenantry/e2e/stack';
import { REPO_ROOT } from '@tenantry/launch/services';
import { GENERATED_CLIENT_FILE, clientSource } from '../client-source.ts';
import { fetchServedDocument, startTenantApiAlone, type OpenApiDocument } from '../served-document.ts';

/**
 * The document a running tenant-api serves, checked as a gateway and a client generator would:
 * redocly's recommended rules, a second validator (the OpenAPI 3.1 JSON Schema), and the committed
 * @tenantry/client types, which must be what the generator makes of it today.
 */
let stack: Stack;
let document: OpenApiDocument;
let scratch: string;

beforeAll(async () => {
  stack = await startTenantApiAlone();
  document = await fetchServedDocument(stack.baseUrl);
  scratch = mkdtempSync(join(tmpdir(), 'tenantry-openapi-'));
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

interface RedoclyReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

test('redocly lint (recommended rules, redocly.yaml): no error and no warning', async () => {
  const file = join(scratch, 'openapi.json');
  writeFileSync(file, JSON.stringify(document));
  const cli = resolve(REPO_ROOT, 'node_modules/@redocly/cli/bin/cli.js');
  const args = [cli, 'lint', file, '--config', resolve(REPO_ROOT, 'redocly.yaml'), '--format=json'];
  // redocly exits 1 when it finds errors; the report on stdout says which.
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } }).catch(
    (error: { stdout: string }) => ({ stdout: error.stdout }),
  );
  const report = JSON.parse(stdout) as RedoclyReport;
  const problems = report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
  expect(problems).toEqual([]);
  expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
}, 120_000);

test('the OpenAPI 3.1 schema validator accepts it', async () => {
  const validator = new Validator();
  const result = await validator.validate(document as Parameters<Validator['validate']>[0]);
  expect({ version: validator.version, errors: result.errors ?? [] }).toEqual({ version: '3.1', errors: [] });
  expect(result.valid).toBe(true);
});

test('every operation has a unique operationId and a tag', () => {
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, { operationId?: string; tags?: string[] }>).map(([method, operation]) => ({ at: `${method} ${path}`, ...operation })),
  );
  expect(operations.filter((operation) => !operation.operationId || !operation.tags?.length).map((operation) => operation.at)).toEqual([]);
  const ids = operations.map((operation) => operation.operationId);
  expect(new Set(ids).size).toBe(ids.length);
});

test('libs/client/src/generated is what `npm run client:generate` makes of the served document', async () => {
  const committed = readFileSync(GENERATED_CLIENT_FILE, 'utf8');
  const fresh = await clientSource(document);
  // On failure: run `npm run client:generate` and commit the result with the change to the API.
  expect(committed === fresh ? 'in sync' : 'drifted: run `npm run client:generate`').toBe('in sync');
});
