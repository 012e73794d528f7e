import { TenantSchemaError } from '../errors.ts';
import { tenantIdHex } from '../schema/index.ts';
import type { TenantSchemaInput } from './tenant-input.ts';

/**
 * Rejects input that can never be written to a tenant schema, with a message naming the field,
 * before any transaction starts (such an event must go to the dead letters, not be retried).
 */
export function assertTenantInput(tenant: TenantSchemaInput): void {
  tenantIdHex(tenant?.id);
  const problems: string[] = [];
  if (typeof tenant.name !== 'string' || tenant.name.trim().length === 0) {
    problems.push('name must be a non-empty string');
  }
  assertVersion(tenant.version, 'version', problems);
  if (!Array.isArray(tenant.economic_activities)) {
    problems.push('economic_activities must be an array');
  } else {
    const codes = new Set<string>();
    tenant.economic_activities.forEach((activity, index) => {
      if (typeof activity?.code !== 'string' || !/^[0-9]{6}$/.test(activity.code)) {
        problems.push(`economic_activities[${index}].code must be 6 digits`);
      } else if (codes.has(activity.code)) {
        problems.push(`economic_activities[${index}].code ${activity.code} is repeated`);
      } else {
        codes.add(activity.code);
      }
      if (activity?.category !== '1ra' && activity?.category !== '2da') {
        problems.push(`economic_activities[${index}].category must be "1ra" or "2da"`);
      }
    });
  }
  if (problems.length > 0) {
    throw new TenantSchemaError('TNT_ERR_INVALID_TENANT_INPUT', `Tenant ${tenant.id} cannot be written to its schema: ${problems.join('; ')}.`);
  }
}

export function assertVersion(value: unknown, field: string, problems?: string[]): void {
  if (Number.isSafeInteger(value) && (value as number) >= 1) {
    return;
  }
  const message = `${field} must be a positive integer`;
  if (problems) {
    problems.push(message);
    return;
  }
  throw new TenantSchemaError('TNT_ERR_INVALID_TENANT_INPUT', `${message}, got ${String(value)}.`);
}
