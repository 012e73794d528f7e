// `npm run asyncapi`: writes docs/asyncapi.json from the contract's JSON Schemas.
// `npm run asyncapi -- --check` exits 1 when the committed file is stale (CI, tests).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAsyncApiDocument } from './build-document.ts';

export const ASYNCAPI_PATH = fileURLToPath(new URL('../../docs/asyncapi.json', import.meta.url));

export function renderAsyncApiDocument(): string {
  return `${JSON.stringify(buildAsyncApiDocument(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = renderAsyncApiDocument();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(ASYNCAPI_PATH, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current !== text) {
      console.error(`${ASYNCAPI_PATH} is stale: run \`npm run asyncapi\` and commit the result.`);
      process.exit(1);
    }
    console.log(`${ASYNCAPI_PATH} is up to date.`);
  } else {
    mkdirSync(dirname(ASYNCAPI_PATH), { recursive: true });
    writeFileSync(ASYNCAPI_PATH, text);
    console.log(`wrote ${ASYNCAPI_PATH}`);
  }
}
