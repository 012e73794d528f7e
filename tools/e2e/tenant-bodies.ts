/** Request bodies for fault bursts: every tenant has its own valid RUT and all DTE fields set. */
import { rutCheckDigit } from '@tenantry/tenant-events';

/** A valid, unique RUT for tenant number `i` of a run (the database is fresh per scenario). */
export function rutFor(i: number): string {
  const body = String(10_000_000 + i);
  return `${body}-${rutCheckDigit(body)}`;
}

export function createBody(label: string, i: number) {
  return {
    name: `${label} ${i}`,
    rut: rutFor(i),
    address: `Av. Providencia ${100 + i}`,
    commune: 'Providencia',
    city: 'Santiago',
    giro: 'Servicios informáticos',
    economic_activities: [{ code: '620100', name: 'Programación informática', category: '1ra', taxable: true }],
  };
}

/** The k-th update of a tenant: changes DTE fields, so dte-sync must apply it. */
export function updateBody(i: number, k: number) {
  return { address: `Calle Actualizada ${i}-${k}`, giro: `Giro revisado ${k}` };
}
