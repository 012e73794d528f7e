/** Valid, distinct `POST /v1/tenants` bodies for the benchmarks. */
import { rutCheckDigit } from '@tenantry/tenant-events';

/**
 * A body generator whose RUTs never repeat within a run and are unlikely to collide across runs
 * (each run starts at a random 8-digit base; RUTs are unique per database anyway).
 */
export function tenantBodies(label: string) {
  let next = 10_000_000 + Math.floor(Math.random() * 80_000_000);
  let count = 0;
  return () => {
    const body = String(next++);
    count++;
    return {
      name: `Bench ${label} ${count} SpA`,
      rut: `${body}-${rutCheckDigit(body)}`,
      address: `Av. Providencia ${count}`,
      commune: 'Providencia',
      city: 'Santiago',
      giro: 'Venta al por menor',
      economic_activities: [{ code: '479100', name: 'Venta por internet', category: '1ra' as const, taxable: true }],
    };
  };
}
