import fp from 'fastify-plugin';
import { ApiError } from '../errors.ts';

export const MERGE_PATCH_TYPE = 'application/merge-patch+json';

/**
 * PATCH takes an RFC 7396 JSON merge patch under its own media type as well as plain JSON: the
 * API's PATCH already is one (a field set to null is cleared, absent fields are kept). Other
 * methods refuse the type as any other non-JSON content type (400).
 */
export default fp(
  async (app) => {
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.addContentTypeParser(MERGE_PATCH_TYPE, { parseAs: 'string' }, (request, body, done) => {
      if (request.method !== 'PATCH') {
        done(new ApiError('TNT_ERR_MALFORMED_REQUEST', `${MERGE_PATCH_TYPE} is accepted on PATCH only; send application/json.`), undefined);
        return;
      }
      parseJson(request, body as string, done);
    });
  },
  { name: 'tenantry-merge-patch' },
);
