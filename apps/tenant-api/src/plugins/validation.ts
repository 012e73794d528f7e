import fp from 'fastify-plugin';
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyRequest, FastifySchema } from 'fastify';
import { ApiError, FieldErrorCollector } from '../errors.ts';

// ajv-formats is CommonJS; under ESM its function may arrive as the module or under `default`.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

const BAD_TEXT = 'must not contain NUL characters or unpaired UTF-16 surrogates';

/**
 * Paths of strings (values or keys) PostgreSQL cannot store: NUL is refused by text and jsonb, and an
 * unpaired surrogate makes jsonb refuse the escaped text. Iterative and depth-capped, so 20,000-deep
 * input costs nothing here (no route schema accepts anything that deep; validation refuses it).
 */
export function badTextPaths(root: unknown, { limit = 20, maxDepth = 32 } = {}): string[] {
  const found: string[] = [];
  const bad = (text: string) => text.includes('\u0000') || !text.isWellFormed();
  const stack: [unknown, string, number][] = [[root, '', 0]];
  while (stack.length && found.length < limit) {
    const [value, path, depth] = stack.pop()!;
    if (typeof value === 'string') {
      if (bad(value)) found.push(path || '(body)');
    } else if (value && typeof value === 'object' && depth < maxDepth) {
      for (const [key, child] of Object.entries(value)) {
        const childPath = path ? `${path}.${key}` : key;
        if (bad(key)) found.push(childPath);
        else stack.push([child, childPath, depth + 1]);
      }
    }
  }
  return found;
}

/**
 * SPEC §3: an unknown query parameter is a 400, also on API routes that take none. Checked here
 * rather than with an empty `querystring` schema, which the OpenAPI generator would publish as
 * bogus parameters named `type` and `additionalProperties`.
 */
function refuseQueryOnRouteWithout(request: FastifyRequest): void {
  if (request.routeOptions.schema?.querystring || !request.routeOptions.url?.startsWith('/v1/')) return;
  const names = Object.keys((request.query ?? {}) as object);
  if (names.length === 0) return;
  const errors = new FieldErrorCollector(); // keyed by user input: never a plain object's prototype
  for (const name of names) errors.add(name, 'is not a known field');
  throw new ApiError('TNT_ERR_MALFORMED_REQUEST', 'Invalid querystring.', errors.errors);
}

const common: Options = { allErrors: true, strict: false, removeAdditional: false, useDefaults: true };

/**
 * Text PostgreSQL cannot store is refused first (422 in a body, 400 in the query or path).
 * Bodies are checked strictly (no type coercion: `"5"` is not a billing day); query strings and
 * path parameters are text by nature, so they are coerced.
 */
export default fp(
  async (app) => {
    const strict = addFormats(new Ajv({ ...common, coerceTypes: false }));
    const coercing = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));
    app.setValidatorCompiler(({ schema, httpPart }: { schema: FastifySchema; httpPart?: string }) =>
      (httpPart === 'body' ? strict : coercing).compile(schema as object),
    );
    app.addHook('preValidation', async (request) => {
      refuseQueryOnRouteWithout(request);
      for (const part of ['query', 'params', 'body'] as const) {
        const paths = badTextPaths(request[part]);
        if (paths.length === 0) continue;
        const errors = new FieldErrorCollector();
        for (const path of paths) errors.add(path, BAD_TEXT);
        if (part === 'body') errors.throwIfAny();
        throw new ApiError('TNT_ERR_MALFORMED_REQUEST', `Invalid ${part === 'query' ? 'querystring' : 'path'}: ${BAD_TEXT}.`, errors.errors);
      }
    });
  },
  { name: 'tenantry-validation' },
);
