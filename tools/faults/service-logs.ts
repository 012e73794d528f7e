/** One JSON log line of a service process, as the stacks collect them (`[name] {...}`). */
export interface ServiceLogLine {
  source: string;
  index: number;
  time: number;
  msg: string;
  fields: Record<string, unknown>;
}

/** The pino lines among `logs` (others, e.g. Node warnings, are skipped), in arrival order. */
export function parseServiceLogs(logs: readonly string[]): ServiceLogLine[] {
  const lines: ServiceLogLine[] = [];
  logs.forEach((raw, index) => {
    const match = /^\[([^\]]+)\] (\{.*\})$/.exec(raw);
    if (!match) return;
    try {
      const fields = JSON.parse(match[2]) as Record<string, unknown>;
      lines.push({ source: match[1], index, time: Date.parse(String(fields.time)), msg: String(fields.msg ?? ''), fields });
    } catch {
      // a line that only looks like JSON
    }
  });
  return lines;
}

/**
 * Per tenant, the tenantversions dte-sync APPLIED to the issuer (any replica), in time order;
 * returns the tenants where a version was applied after a newer one (a per-tenant order break).
 */
export function appliedOutOfOrder(lines: readonly ServiceLogLine[]): Array<{ tenant: string; versions: number[] }> {
  const applied = lines
    .filter((l) => l.fields.outcome === 'applied' && typeof l.fields.tenant_id === 'string')
    .sort((a, b) => a.time - b.time || a.index - b.index);
  const byTenant = new Map<string, number[]>();
  for (const line of applied) {
    const tenant = line.fields.tenant_id as string;
    byTenant.set(tenant, [...(byTenant.get(tenant) ?? []), Number(line.fields.tenantversion)]);
  }
  return [...byTenant].filter(([, versions]) => versions.some((v, i) => i > 0 && v <= versions[i - 1])).map(([tenant, versions]) => ({ tenant, versions }));
}
