import type { IncomingMessage } from 'node:http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { tracingEnabled } from './tracing-settings.ts';

export interface StartTelemetryOptions {
  /** `service.name` when OTEL_SERVICE_NAME is not set (e.g. `tenant-api`). */
  serviceName: string;
  env?: NodeJS.ProcessEnv;
}

export interface Telemetry {
  /** False when no OTLP endpoint is configured: no SDK, no spans, nothing exported. */
  enabled: boolean;
  /** Exports the spans still buffered, then stops; bounded by the exporter's own timeout. */
  shutdown(): Promise<void>;
}

/** Probes and scrapes say nothing about a request; they would only fill the collector. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

function untraced(request: IncomingMessage): boolean {
  return UNTRACED_PATHS.has((request.url ?? '').split('?')[0]);
}

/**
 * Starts the OpenTelemetry Node SDK when an OTLP endpoint is set (see tracingEnabled), with the
 * http, fastify and pg instrumentations. Everything is read from the standard `OTEL_*` variables
 * by the SDK: exporter protocol (`http/protobuf`, `http/json`, `grpc`), sampler, batch span
 * processor (export happens in the background: a collector that is down costs a request nothing)
 * and export timeout.
 *
 * Must run before fastify, pg and http are loaded: call it from a module that the process's entry
 * imports first (`apps/<app>/src/tracing.ts`). fastify, pg and node:http are CommonJS or builtins,
 * which the SDK patches as they are required, also when imported from ESM; no loader hook is
 * needed for them (an ESM-only library would need `module.register('@opentelemetry/instrumentation/hook.mjs')`).
 */
export function startTelemetry({ serviceName, env = process.env }: StartTelemetryOptions): Telemetry {
  if (!tracingEnabled(env)) return { enabled: false, shutdown: async () => undefined };
  const sdk = new NodeSDK({
    // OTEL_SERVICE_NAME, when set, is read by the SDK's env resource detector and wins.
    ...(env.OTEL_SERVICE_NAME ? {} : { serviceName }),
    // Traces only: metrics are Prometheus' (prom-client, /metrics), and nothing here emits OTel logs.
    // Left to the env the SDK would also start an OTLP metrics pipeline recording every request.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: untraced }),
      // Route spans (name = route pattern) through fastify's diagnostics channel, no plugin to register.
      new FastifyOtelInstrumentation({ registerOnInitialization: true, instrumentHooks: false, ignorePaths: (options) => UNTRACED_PATHS.has(options.url) }),
      // Only queries inside a traced operation: the relay's polling and idle pools stay out of the collector.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    shutdown: () => (stopped ??= sdk.shutdown().catch(() => undefined)),
  };
}
