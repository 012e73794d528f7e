import type { TenantSnapshot } from '@tenantry/tenant-events';

export function etag(version: number): string {
  return `W/"${version}"`;
}

export function isTenant(payload: unknown): payload is TenantSnapshot {
  return typeof payload === 'object' && payload !== null && typeof (payload as TenantSnapshot).id === 'string' && typeof (payload as TenantSnapshot).version === 'number';
}
