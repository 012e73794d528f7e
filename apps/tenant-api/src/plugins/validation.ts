import fp from 'fastify-plugin';
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchema } from 'fastify';

// ajv-formats is CommonJS; under ESM its function may arrive as the module or under `default`.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

const common: Options = { allErrors: true, strict: false, removeAdditional: false, useDefaults: true };

/**
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
  },
  { name: 'tenantry-validation' },
);
