import { startTelemetry } from '@tenantry/telemetry';

// Imported first by main.ts: the SDK must patch http, fastify and pg before anything loads them.
// Off (nothing started) unless OTEL_EXPORTER_OTLP_ENDPOINT is set; see libs/telemetry.
export const telemetry = startTelemetry({ serviceName: 'tenant-api' });
