import { problemResponses } from '../../schemas/problem.ts';
import { tenantIdParamsSchema } from '../../schemas/tenant.ts';

/** A superuser's action on one tenant that the request records and a runner carries out: 202 with the record. */
export const acceptedActionSchema = <Body extends object, Accepted extends object>(summary: string, body: Body, accepted: Accepted) => ({
  tags: ['tenants'],
  summary,
  params: tenantIdParamsSchema,
  body,
  response: { 202: accepted, ...problemResponses(400, 401, 403, 404, 409, 413, 422, 429) },
});
