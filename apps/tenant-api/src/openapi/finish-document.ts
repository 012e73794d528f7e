import { OPERATION_IDS, TAGS } from './operation-ids.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- an OpenAPI document is walked as plain JSON here */
type Json = Record<string, any>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const JSON_TYPE = 'application/json';
const MERGE_PATCH_TYPE = 'application/merge-patch+json';
const PROBLEM_TYPE = 'application/problem+json';

/** Response headers, each described once and referenced from every response that carries it. */
export const RESPONSE_HEADERS = {
  RequestId: {
    description: "The request's id: the caller's `x-request-id` when it is 1-128 of `A-Za-z0-9._:-`, a new UUID otherwise",
    schema: { type: 'string', examples: ['gw-7f3a.1'] },
  },
  ETag: {
    description:
      'Weak entity tag of the tenant, `W/"<version>"`. Send it back as `If-Match` to update only that version, or as `If-None-Match` to get 304 while it is current.',
    schema: { type: 'string', examples: ['W/"3"'] },
  },
  Location: { description: 'Path of the created resource', schema: { type: 'string', examples: ['/v1/tenants/0193f1e2-4b7c-7d3e-9a1b-2c3d4e5f6a7b'] } },
  RetryAfter: { description: 'Seconds until the rate limit lets this caller write again', schema: { type: 'integer', minimum: 0 } },
  WWWAuthenticate: {
    description: 'RFC 6750 bearer challenge; `error="invalid_token"` when a token was sent but is not valid',
    schema: { type: 'string', examples: ['Bearer realm="tenantry", error="invalid_token"'] },
  },
} as const;

const header = (name: keyof typeof RESPONSE_HEADERS) => ({ $ref: `#/components/headers/${name}` });

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request: bad JSON, a content type other than JSON, an unknown or invalid query or path parameter',
  401: 'No valid bearer token (or wrong credentials at /v1/auth/token)',
  403: 'The caller may not do this',
  404: 'No such resource, or one the caller may not see',
  409: 'Conflicts with the current state',
  412: 'If-Match does not match the current version',
  413: 'Request body too large',
  422: 'The body is valid JSON but a field is invalid; see `errors`',
  429: 'Rate limit reached; retry after `Retry-After` seconds',
  431: 'Request headers too large',
  500: 'Unexpected error (logged with the request id)',
  503: 'Not available on this server now',
};

/** The statuses any operation can answer with, whatever the route declares itself. */
function commonStatuses(method: string, path: string, operation: Json): number[] {
  const api = path.startsWith('/v1/');
  const login = method === 'post' && path === '/v1/auth/token';
  return [
    // An unknown query parameter is a 400 on every API route (SPEC §3).
    ...(api ? [400] : []),
    ...(api ? [401] : []),
    ...(operation.requestBody ? [400, 413, 422] : []),
    ...(api && (method !== 'get' || login) ? [429] : []),
    // Node refuses oversized headers before routing; anything unforeseen is a logged 500.
    431,
    500,
  ];
}

function schemaRefOf(response: Json): string | undefined {
  return response.content?.[JSON_TYPE]?.schema?.$ref;
}

const SINGLE_TENANT_SCHEMAS = new Set(['#/components/schemas/Tenant', '#/components/schemas/TenantWithMembers']);
const LOCATION_OPERATIONS = new Set(['createTenant', 'addMember', 'createUser']);

function finishResponses(method: string, path: string, operation: Json): void {
  const responses: Json = operation.responses;
  for (const status of commonStatuses(method, path, operation)) {
    responses[status] ??= { description: '', content: { [PROBLEM_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } } };
  }
  const singleTenant = Object.entries(responses).some(([status, response]) => status.startsWith('2') && SINGLE_TENANT_SCHEMAS.has(schemaRefOf(response)!));
  if (singleTenant && method === 'get') responses[304] = { description: 'Not modified: `If-None-Match` names the current ETag' };
  for (const [status, response] of Object.entries(responses) as [string, Json][]) {
    const code = Number(status);
    if (response.content?.[PROBLEM_TYPE] && PROBLEM_DESCRIPTIONS[code]) response.description = PROBLEM_DESCRIPTIONS[code];
    const headers: Json = { 'x-request-id': header('RequestId') };
    if ((code >= 200 && code < 300 && SINGLE_TENANT_SCHEMAS.has(schemaRefOf(response)!)) || (code === 304 && singleTenant)) headers.ETag = header('ETag');
    if (code === 201 && LOCATION_OPERATIONS.has(operation.operationId)) headers.Location = header('Location');
    if (code === 401) headers['WWW-Authenticate'] = header('WWWAuthenticate');
    if (code === 429) headers['Retry-After'] = header('RetryAfter');
    response.headers = { ...response.headers, ...headers };
  }
  operation.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}

function finishRequestBody(method: string, operation: Json): void {
  const body = operation.requestBody;
  if (!body) return;
  const schema = body.content?.[JSON_TYPE]?.schema;
  // A body whose schema accepts null may be left out entirely (the status-change actions).
  const types = Array.isArray(schema?.type) ? schema.type : [schema?.type];
  body.required = !types.includes('null');
  // PATCH takes an RFC 7396 merge patch, under its own media type as well as plain JSON.
  if (method === 'patch' && schema) body.content[MERGE_PATCH_TYPE] = { schema };
}

/**
 * Completes the document @fastify/swagger builds from the route schemas with what those cannot
 * say: stable operation ids, tags, the statuses every route can answer with (problem+json), the
 * response headers, which bodies are optional, and the merge-patch media type.
 */
export function finishDocument(document: Json): Json {
  for (const [path, item] of Object.entries(document.paths ?? {}) as [string, Json][]) {
    for (const method of METHODS.filter((m) => item[m])) {
      const operation: Json = item[method];
      operation.operationId ??= OPERATION_IDS[`${method.toUpperCase()} ${path}`];
      finishRequestBody(method, operation);
      finishResponses(method, path, operation);
    }
  }
  document.tags = TAGS;
  document.components = { ...document.components, headers: { ...document.components?.headers, ...RESPONSE_HEADERS } };
  return document;
}
