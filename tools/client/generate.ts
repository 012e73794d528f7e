// `npm run client:generate`: starts tenant-api on a fresh database, reads the /openapi.json it
// serves and writes the types of @tenantry/client from it. Needs PostgreSQL; Kafka may be down.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { REPO_ROOT } from '@tenantry/launch/services';
import { GENERATED_CLIENT_FILE, clientSource } from './client-source.ts';
import { fetchServedDocument, startTenantApiAlone } from './served-document.ts';

const stack = await startTenantApiAlone();
try {
  const document = await fetchServedDocument(stack.baseUrl);
  writeFileSync(GENERATED_CLIENT_FILE, await clientSource(document));
  const operations = Object.values(document.paths).reduce((sum, item) => sum + Object.keys(item).length, 0);
  console.log(`${relative(REPO_ROOT, GENERATED_CLIENT_FILE)} written from ${operations} operations.`);
} finally {
  await stack.stop();
}
