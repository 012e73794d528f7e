/** RFC 9457 problem details, as every error response is shaped. */
export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', description: 'URI naming the error code, e.g. urn:tenantry:error:TNT_ERR_TENANT_NOT_FOUND' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', description: 'Stable error code (TNT_ERR_*)' },
    instance: { type: 'string' },
    errors: {
      type: 'object',
      description: 'Field path → messages; only for field validation problems',
      additionalProperties: { type: 'array', items: { type: 'string' } },
    },
  },
} as const;

const problemResponse = {
  description: 'RFC 9457 problem details',
  content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } },
} as const;

/** Response entries for the error statuses a route can answer with, under the media type they are sent as. */
export function problemResponses(...statuses: number[]): Record<number, typeof problemResponse> {
  return Object.fromEntries(statuses.map((status) => [status, problemResponse]));
}
