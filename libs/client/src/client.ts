import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './generated/tenant-api.ts';

/** A typed tenant-api client: `client.GET('/v1/tenants/{id}', { params: { path: { id } } })`. */
export type TenantApiClient = Client<paths>;

export interface TenantApiClientOptions {
  /** Where tenant-api answers, e.g. `http://127.0.0.1:3000` (no trailing slash needed). */
  baseUrl: string;
  /** A bearer token, or a function giving the current one (called for every request; undefined: none sent). */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** Headers sent with every request (e.g. `x-request-id` from a gateway). */
  headers?: Record<string, string>;
  /** A fetch of your own (tests, proxies); default the global fetch. */
  fetch?: typeof fetch;
}

function bearerMiddleware(token: NonNullable<TenantApiClientOptions['token']>): Middleware {
  return {
    async onRequest({ request }) {
      const value = typeof token === 'function' ? await token() : token;
      if (value && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${value}`);
      return request;
    },
  };
}

/**
 * openapi-fetch over the types generated from tenant-api's /openapi.json: paths, parameters,
 * bodies and answers are checked at compile time; errors come back as `error` (problem+json).
 */
export function createTenantApiClient({ baseUrl, token, headers, fetch: fetchImpl }: TenantApiClientOptions): TenantApiClient {
  const client = createClient<paths>({ baseUrl: baseUrl.replace(/\/$/, ''), headers, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  if (token !== undefined) client.use(bearerMiddleware(token));
  return client;
}
