const paginationSchema = {
  type: 'object',
  required: ['limit', 'has_more', 'next_cursor'],
  properties: {
    limit: { type: 'integer' },
    has_more: { type: 'boolean' },
    next_cursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page; null on the last page' },
  },
} as const;

/** `{ data: [...] }`: a whole collection in one answer. */
export const listOf = <S extends object>(items: S) =>
  ({ type: 'object', required: ['data'], properties: { data: { type: 'array', items } } }) as const;

/** `{ data: [...], pagination }`: one page of a collection (docs/pagination.md). */
export const pageOf = <S extends object>(items: S) =>
  ({ type: 'object', required: ['data', 'pagination'], properties: { data: { type: 'array', items }, pagination: paginationSchema } }) as const;
