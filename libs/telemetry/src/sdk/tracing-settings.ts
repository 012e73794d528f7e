/** The standard variables that turn tracing on; without one of them no SDK is started. */
export const OTLP_ENDPOINT_VARIABLES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] as const;

/**
 * Tracing is on when an OTLP endpoint is set, unless the standard switches turn it off
 * (`OTEL_SDK_DISABLED=true`, `OTEL_TRACES_EXPORTER=none`). Everything else (protocol, sampler,
 * service name, timeouts, batch sizes) the SDK reads from the same `OTEL_*` variables itself.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return false;
  return OTLP_ENDPOINT_VARIABLES.some((name) => Boolean(env[name]?.trim()));
}
