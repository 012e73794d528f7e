/** Snapshot fields copied into a tenant schema's issuer data (SPEC §1); a change to any other is irrelevant here. */
export const ISSUER_FIELDS = ['name', 'rut', 'address', 'commune', 'city', 'giro', 'economic_activities'] as const;

export function touchesIssuer(changedFields: readonly string[]): boolean {
  return changedFields.some((field) => (ISSUER_FIELDS as readonly string[]).includes(field));
}
