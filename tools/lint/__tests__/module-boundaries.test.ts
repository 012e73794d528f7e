import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ESLint } from 'eslint';

/**
 * Proves the tags in each package.json are enforced: the boundary rule silently does nothing when
 * Nx has no cached project graph, so a passing lint alone shows nothing. Files are linted from text
 * at made-up paths inside real projects; nothing is written to disk.
 */
const root = join(import.meta.dirname, '../../..');
const RULE = '@nx/enforce-module-boundaries';

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result.messages.filter((m) => m.ruleId === RULE && m.severity === 2).map((m) => m.message);
}

type GraphGlobal = { projectGraph?: { nodes: Record<string, { data: { tags?: string[] } }> } };

beforeAll(() => {
  // Writes the project graph cache the rule reads (.nx/workspace-data); a fresh clone has none.
  execFileSync(
    join(root, 'node_modules/.bin/nx'),
    ['graph', `--file=${join(root, '.nx/lint-test-graph.json')}`],
    {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false' },
      stdio: 'ignore',
    },
  );
}, 120_000);

test('the event contract (type:contract) cannot import the kafka lib', async () => {
  const errors = await boundaryErrors(
    'libs/tenant-events/src/boundary-probe.ts',
    "import { createKafkaClient } from '@tenantry/kafka';\nexport const probe = createKafkaClient;\n",
  );
  expect(errors).not.toEqual([]);
});

test('the event contract cannot import even a util lib: the tag rule, not only the cycle check', async () => {
  const errors = await boundaryErrors(
    'libs/tenant-events/src/boundary-probe.ts',
    "import { loadConfig } from '@tenantry/config';\nexport const probe = loadConfig;\n",
  );
  expect(errors).toEqual([expect.stringContaining('tagged with "type:contract" can only depend on libs tagged with "type:errors"')]);
});

test('the error list (type:errors) imports no lib, and the contract may import it', async () => {
  const fromErrors = await boundaryErrors(
    'libs/errors/src/boundary-probe.ts',
    "import { loadConfig } from '@tenantry/config';\nexport const probe = loadConfig;\n",
  );
  expect(fromErrors).toEqual([expect.stringContaining('tagged with "type:errors" cannot depend on any libs')]);
  const fromContract = await boundaryErrors(
    'libs/tenant-events/src/boundary-probe.ts',
    "import { ERRORS } from '@tenantry/errors';\nexport const probe = ERRORS;\n",
  );
  expect(fromContract).toEqual([]);
});

test('an infra lib may import the contract and a util lib', async () => {
  const errors = await boundaryErrors(
    'libs/kafka/src/boundary-probe.ts',
    "import { createLogger } from '@tenantry/logger';\nimport { MEMBER_ROLES } from '@tenantry/tenant-events';\nexport const probe = [createLogger, MEMBER_ROLES];\n",
  );
  expect(errors).toEqual([]);
});

test('an app cannot import another app', async () => {
  const errors = await boundaryErrors(
    'apps/provisioner/src/boundary-probe.ts',
    "import { buildApp } from '@tenantry/tenant-api';\nexport const probe = buildApp;\n",
  );
  expect(errors).toEqual([
    expect.stringContaining('tagged with "type:app" can only depend on libs tagged with'),
  ]);
});

test('a worker cannot import a lib tagged runtime:http', async () => {
  // No lib carries runtime:http (only the app tenant-api), so tag one in the graph the rule has cached in this process.
  await boundaryErrors('apps/provisioner/src/boundary-probe.ts', 'export {};\n');
  const graph = (globalThis as GraphGlobal).projectGraph;
  const auth = graph?.nodes['@tenantry/auth'];
  if (!auth)
    throw new Error('The boundary rule left no project graph on globalThis; update this test for Nx.');
  const tags = auth.data.tags ?? [];
  auth.data.tags = [...tags, 'runtime:http'];
  try {
    const errors = await boundaryErrors(
      'apps/provisioner/src/boundary-probe.ts',
      "import { hashPassword } from '@tenantry/auth';\nexport const probe = hashPassword;\n",
    );
    expect(errors).toEqual([
      expect.stringContaining('tagged with "runtime:worker" can not depend on libs tagged with'),
    ]);
  } finally {
    auth.data.tags = tags;
  }
});

test('a worker and the CLI cannot import the HTTP server; tenant-api (runtime:http) can', async () => {
  const fastify = "import Fastify from 'fastify';\nexport const probe = Fastify;\n";
  expect(await boundaryErrors('apps/provisioner/src/boundary-probe.ts', fastify)).toEqual([
    expect.stringContaining('tagged with "runtime:worker" is not allowed to import "fastify"'),
  ]);
  expect(await boundaryErrors('apps/cli/src/boundary-probe.ts', "import fp from 'fastify-plugin';\nexport const probe = fp;\n")).toEqual([
    expect.stringContaining('tagged with "runtime:cli" is not allowed to import "fastify-plugin"'),
  ]);
  expect(await boundaryErrors('apps/tenant-api/src/boundary-probe.ts', fastify)).toEqual([]);
});

test('the generated HTTP client (type:client) is for tools only: an app cannot import it', async () => {
  const errors = await boundaryErrors(
    'apps/provisioner/src/boundary-probe.ts',
    "import { createTenantApiClient } from '@tenantry/client';\nexport const probe = createTenantApiClient;\n",
  );
  expect(errors).toEqual([expect.stringContaining('tagged with "type:app" can only depend on libs tagged with')]);
  const fromTools = await boundaryErrors(
    'tools/e2e/boundary-probe.ts',
    "import { createTenantApiClient } from '@tenantry/client';\nexport const probe = createTenantApiClient;\n",
  );
  expect(fromTools).toEqual([]);
});

test('the generated HTTP client cannot import any project lib', async () => {
  const errors = await boundaryErrors(
    'libs/client/src/boundary-probe.ts',
    "import { MEMBER_ROLES } from '@tenantry/tenant-events';\nexport const probe = MEMBER_ROLES;\n",
  );
  expect(errors).toEqual([expect.stringContaining('tagged with "type:client" cannot depend on any libs')]);
});
