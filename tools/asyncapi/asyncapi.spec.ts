import { readFileSync } from 'node:fs';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { DLQ_HEADERS } from '@tenantry/kafka';
import { EVENT_TYPES, PROVISIONING_EVENT_TYPES, TENANT_EVENT_TYPES, eventSchemas } from '@tenantry/tenant-events';
import { ASYNCAPI_PATH, renderAsyncApiDocument } from './generate.ts';

const committed = readFileSync(ASYNCAPI_PATH, 'utf8');

/** JSON without the parser's own `x-parser-*` annotations and without `$schema`. */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !key.startsWith('x-parser-') && key !== '$schema')
      .map(([key, child]) => [key, clean(child)]),
  );
}

describe('docs/asyncapi.json', () => {
  it('is what `npm run asyncapi` generates from the current schemas (run it and commit if this fails)', () => {
    expect(committed).toBe(renderAsyncApiDocument());
  });

  it('is a valid AsyncAPI 3 document for @asyncapi/parser, without errors or warnings', async () => {
    const { document, diagnostics } = await new Parser().parse(committed);
    const problems = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning);
    expect(problems.map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toMatch(/^3\./);
  });

  it('describes both topics, every event type with its exact JSON Schema, and the dead-letter naming', async () => {
    const { document } = await new Parser().parse(committed);
    const channels = Object.fromEntries(document!.channels().all().map((c) => [c.id(), c]));
    expect(channels.tenantEvents.address()).toBe('tenant.events');
    expect(channels.tenantProvisioning.address()).toBe('tenant.provisioning');
    expect(channels.deadLetters.address()).toBe('{topic}.{group}.dlq');

    const names = (id: string) => channels[id].messages().all().map((m) => m.name());
    expect(names('tenantEvents')).toEqual([...TENANT_EVENT_TYPES]);
    expect(names('tenantProvisioning')).toEqual([...PROVISIONING_EVENT_TYPES]);

    for (const type of EVENT_TYPES) {
      const message = document!.messages().all().find((m) => m.name() === type)!;
      expect(clean(message.payload()!.json())).toEqual(clean(JSON.parse(JSON.stringify(eventSchemas[type]))));
    }
    const deadLetter = channels.deadLetters.messages().all()[0];
    expect(Object.keys(deadLetter.headers()!.properties() ?? {})).toEqual(Object.values(DLQ_HEADERS));
  });
});
