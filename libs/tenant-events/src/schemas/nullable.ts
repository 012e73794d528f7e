/**
 * Draft-07 has no `nullable`; a `[type, "null"]` union is understood by ajv 8, Fastify's
 * serializer and AsyncAPI alike.
 */
export const nullableString = { type: ['string', 'null'] } as const;
export const nullableInteger = { type: ['integer', 'null'] } as const;
export const dateTime = { type: 'string', format: 'date-time' } as const;
export const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;
