/** What a JSON call to a running tenant-api answered: status, parsed body (null when empty), headers. */
export interface JsonResponse {
  status: number;
  body: any;
  headers: Headers;
}

/** One JSON request to a tenant-api at `baseUrl`, as the e2e tests, the fault suite and the benchmarks make it. */
export async function jsonRequest(baseUrl: string, method: string, path: string, body?: unknown, token?: string): Promise<JsonResponse> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}
