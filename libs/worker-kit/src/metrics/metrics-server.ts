import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** Each check resolves when its dependency answers and rejects (or throws) when it does not. */
export type ReadinessChecks = Record<string, () => Promise<unknown>>;

export interface MetricsServerOptions {
  host: string;
  /** 0: a free port the OS picks (see `address`). */
  port: number;
  registry: Registry;
  /** What /readyz asks; each check gets `timeoutMs` to answer. */
  readiness: ReadinessChecks;
  timeoutMs?: number;
}

export interface MetricsServer {
  /** `http://host:port` it listens on. */
  address: string;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

async function check(run: () => Promise<unknown>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A worker's own HTTP port: GET /metrics (Prometheus text), /healthz (the process answers) and
 * /readyz (200 when every readiness check answers, else 503 naming the ones that did not).
 * Plain node:http: workers serve nothing else over HTTP.
 */
export async function startMetricsServer({ host, port, registry, readiness, timeoutMs = 2_000 }: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, JSON_TYPE, JSON.stringify({ status: 405, title: 'Method Not Allowed' }));
    if (path === '/healthz') return send(200, JSON_TYPE, JSON.stringify({ status: 'ok' }));
    if (path === '/readyz') {
      void (async () => {
        const names = Object.keys(readiness);
        const results = await Promise.all(names.map((name) => check(readiness[name], timeoutMs)));
        const checks = Object.fromEntries(names.map((name, i) => [name, results[i]]));
        const ready = results.every((result) => result === 'ok');
        send(ready ? 200 : 503, JSON_TYPE, JSON.stringify({ status: ready ? 'ready' : 'not ready', checks }));
      })();
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => send(200, registry.contentType, text),
        (error: unknown) => send(500, 'text/plain; charset=utf-8', `metrics failed: ${(error as Error).message}\n`),
      );
      return;
    }
    send(404, JSON_TYPE, JSON.stringify({ status: 404, title: 'Not Found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`the metrics port cannot listen on ${host}:${port} (${error.code ?? error.message}); choose another (0 = a free port)`, { cause: error })),
    );
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    address: `http://${shown}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
