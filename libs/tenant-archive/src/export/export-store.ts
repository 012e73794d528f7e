import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { TenantArchiveDeps } from '../deps.ts';
import { assertExportable, exportTenant } from './export-tenant.ts';

/** An export's state as its record file says: running, ready (the archive is there), or failed. */
export type ExportRecord =
  | { id: string; tenant_id: string; state: 'running'; requested_at: string }
  | { id: string; tenant_id: string; state: 'ready'; requested_at: string; finished_at: string; bytes: number }
  | { id: string; tenant_id: string; state: 'failed'; requested_at: string; finished_at: string; error: string };

/**
 * Exports run in the background of the process that asked for them, each into
 * `<dir>/<tenant id>/<export id>.tar`, with `<export id>.json` beside it saying how far it got.
 * Several processes share exports when they share `dir`.
 */
export interface ExportStore {
  /** Checks the tenant can be exported, records the export as running and starts it; does not wait for it. */
  start(tenantId: string): Promise<ExportRecord>;
  /** The export's record, or null for an unknown one (or one of another tenant). */
  read(tenantId: string, exportId: string): Promise<ExportRecord | null>;
  /** The archive's path (only meaningful once `ready`). */
  archivePath(tenantId: string, exportId: string): string;
  /** Waits for the exports this process is running. */
  drain(): Promise<void>;
}

const EXPORT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function createExportStore(deps: TenantArchiveDeps, dir: string): ExportStore {
  const running = new Set<Promise<void>>();
  const folder = (tenantId: string) => join(dir, tenantId);
  const recordPath = (tenantId: string, exportId: string) => join(folder(tenantId), `${exportId}.json`);
  const archivePath = (tenantId: string, exportId: string) => join(folder(tenantId), `${exportId}.tar`);

  // Written beside and renamed: a reader never sees half a record.
  const writeRecord = async (record: ExportRecord) => {
    const path = recordPath(record.tenant_id, record.id);
    await writeFile(`${path}.next`, JSON.stringify(record), { mode: 0o600 });
    await rename(`${path}.next`, path);
  };

  const run = async (record: ExportRecord & { state: 'running' }) => {
    try {
      const { bytes } = await exportTenant(deps, record.tenant_id, archivePath(record.tenant_id, record.id));
      await writeRecord({ ...record, state: 'ready', finished_at: new Date().toISOString(), bytes });
    } catch (error) {
      deps.logger.error({ tenant_id: record.tenant_id, export_id: record.id, err: error }, 'tenant export failed');
      const code = (error as { code?: string }).code;
      await writeRecord({ ...record, state: 'failed', finished_at: new Date().toISOString(), error: `${code ? `${code}: ` : ''}${(error as Error).message}` });
    }
  };

  return {
    async start(tenantId) {
      await assertExportable(deps, tenantId);
      await mkdir(folder(tenantId), { recursive: true, mode: 0o700 });
      const record = { id: uuidv7(), tenant_id: tenantId, state: 'running', requested_at: new Date().toISOString() } as const;
      await writeRecord(record);
      const job = run(record).finally(() => running.delete(job));
      running.add(job);
      return record;
    },
    async read(tenantId, exportId) {
      if (!EXPORT_ID.test(exportId)) return null;
      try {
        const record = JSON.parse(await readFile(recordPath(tenantId, exportId), 'utf8')) as ExportRecord;
        return record.tenant_id === tenantId ? record : null;
      } catch {
        return null;
      }
    },
    archivePath,
    async drain() {
      await Promise.allSettled([...running]);
    },
  };
}
