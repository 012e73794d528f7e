// Which project may import which, by the `nx.tags` in each package.json. Read by the root
// eslint.config.mjs for `@nx/enforce-module-boundaries`; kept here so the boundary test can check it.

const LIBS = ['type:errors', 'type:contract', 'type:util', 'type:data', 'type:infra', 'type:service', 'type:testing'];

/** The HTTP server and its plugins: for projects tagged `runtime:http` only. */
export const HTTP_SERVER_PACKAGES = ['fastify', 'fastify-plugin', '@fastify/*'];

/** @type {Array<{ sourceTag: string, onlyDependOnLibsWithTags?: string[], notDependOnLibsWithTags?: string[] }>} */
export const depConstraints = [
  // The one error list (@tenantry/errors) is the lowest layer: every project may import it, it imports none.
  { sourceTag: 'type:errors', onlyDependOnLibsWithTags: [] },
  // The event contract stands alone: every producer and consumer depends on it, never the reverse.
  { sourceTag: 'type:contract', onlyDependOnLibsWithTags: ['type:errors'] },
  // The HTTP client is generated from tenant-api's OpenAPI document and imports no project of its
  // own; only tools (e2e suites, benchmarks) drive tenant-api through it, never an app or a lib.
  { sourceTag: 'type:client', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:errors', 'type:util'] },
  { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:errors', 'type:util', 'type:contract', 'type:data'] },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:errors', 'type:util', 'type:contract'] },
  // A service may build on another (worker-kit opens the tenant-databases directory); Nx refuses cycles.
  {
    sourceTag: 'type:service',
    onlyDependOnLibsWithTags: ['type:errors', 'type:util', 'type:contract', 'type:data', 'type:infra', 'type:service'],
  },
  { sourceTag: 'type:testing', notDependOnLibsWithTags: ['type:app'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: LIBS },
  // Tools compose each other (the fault suite starts the e2e stack, which starts the services through
  // the launchers); apps and libs never import a tool.
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: [...LIBS, 'type:client', 'type:tool'] },
  // Workers and the CLI run without an HTTP server: they import no HTTP server package, nor a
  // project tagged `runtime:http` (tenant-api; a lib that needs fastify carries the tag too).
  { sourceTag: 'runtime:worker', notDependOnLibsWithTags: ['runtime:http'], bannedExternalImports: HTTP_SERVER_PACKAGES },
  { sourceTag: 'runtime:cli', notDependOnLibsWithTags: ['runtime:http'], bannedExternalImports: HTTP_SERVER_PACKAGES },
];

/**
 * Test code (specs, `__tests__/`, `src/testing/` entries) may also use the shared test helpers.
 * @type {typeof depConstraints}
 */
export const testDepConstraints = depConstraints.map((c) =>
  c.onlyDependOnLibsWithTags && !c.onlyDependOnLibsWithTags.includes('type:testing')
    ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] }
    : c,
);

/** Globs of test code, relative to the workspace root. */
export const testFiles = ['**/*.spec.ts', '**/__tests__/**', '**/src/testing/**'];
