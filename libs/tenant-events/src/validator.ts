import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { isEventType, isTenantEventType, type EventType, type TenantEvent } from './event-types.ts';
import { cloudEventCoreSchema, eventSchemas } from './schemas/envelope.ts';

// One private ajv instance: compiled validators are cached per type for the life of the process.
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats.default(ajv, ['date-time', 'uuid']);

const compiled = new Map<string, ValidateFunction>();
function validatorFor(key: string, schema: object): ValidateFunction {
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

function describe(error: ErrorObject): string {
  const path = error.instancePath || '(event)';
  switch (error.keyword) {
    case 'required':
      return `${error.instancePath}/${(error.params as { missingProperty: string }).missingProperty} is required`;
    case 'const':
      return `${path} must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}`;
    case 'enum':
      return `${path} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${path} ${error.message ?? 'is invalid'}`;
  }
}

function problemsOf(validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) return [];
  // A nullable enum reports both a type and an enum failure; keep each line once.
  return [...new Set((validate.errors ?? []).map(describe))];
}

/** Problems with the CloudEvents core (specversion, id, source, type); empty when routable. */
export function cloudEventCoreProblems(value: unknown): string[] {
  return problemsOf(validatorFor('core', cloudEventCoreSchema), value);
}

/**
 * Every contract problem of an event of a known type: its JSON Schema plus the cross-field rules
 * (on tenant.events `subject` is the tenant id and `tenantversion` the tenant's version).
 * Empty when the event is valid.
 */
export function validateEvent(event: unknown): string[] {
  const type = (event as { type?: unknown } | null)?.type;
  if (!isEventType(type)) {
    const core = cloudEventCoreProblems(event);
    return core.length ? core : [`/type ${JSON.stringify(type)} is not a known event type`];
  }
  const problems = problemsOf(validatorFor(type, eventSchemas[type as EventType]), event);
  if (problems.length === 0 && isTenantEventType(type)) {
    const e = event as TenantEvent<typeof type>;
    if (e.subject !== e.data.tenant.id) problems.push(`/subject must equal /data/tenant/id (${e.data.tenant.id})`);
    if (e.tenantversion !== e.data.tenant.version) {
      problems.push(`/tenantversion must equal /data/tenant/version (${e.data.tenant.version})`);
    }
  }
  return problems;
}
