import { startStack, type Stack } from '@tenantry/e2e/stack';

export type OpenApiDocument = Record<string, unknown> & { openapi: string; paths: Record<string, Record<string, { operationId?: string }>> };

/**
 * tenant-api as its own process on a fresh database, answering as soon as it listens: the
 * document does not depend on Kafka, so this works without a broker too.
 */
export function startTenantApiAlone(): Promise<Stack> {
  return startStack(['tenant-api'], { readyPath: '/healthz' });
}

/** The OpenAPI document a running tenant-api serves. */
export async function fetchServedDocument(baseUrl: string): Promise<OpenApiDocument> {
  const response = await fetch(`${baseUrl}/openapi.json`);
  if (response.status !== 200) throw new Error(`GET /openapi.json answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as OpenApiDocument;
}
