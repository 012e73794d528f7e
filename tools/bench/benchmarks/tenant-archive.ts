import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changeTenantStatus, requestTenantPurge } from '@tenantry/control-db';
import { createLogger } from '@tenantry/logger';
import { exportTenant, importTenant } from '@tenantry/tenant-archive';
import { createMoveFixture } from '@tenantry/tenant-moves/testing';
import { runTenantPurge } from '@tenantry/tenant-purges';
import { schemaNameFor } from '@tenantry/tenant-schema';
import type { BenchContext } from '../context.ts';
import { emptyResult, type BenchResult } from '../report.ts';
import { summarize } from '../stats.ts';

/**
 * Export and import of one tenant with N rows (100,000; 10,000 with --quick; a quarter invoices, the
 * rest their lines): the archive's
 * size, `exportTenant` from server a, `importTenant --as-new` onto server b (another server: the
 * schema travels through the archive only); 3 rounds (1 with --quick), the clone purged after each.
 */
export async function runTenantArchive(ctx: BenchContext): Promise<BenchResult> {
  const result = emptyResult('tenant-archive', 'Tenant export and import');
  const rows = ctx.args.quick ? 10_000 : 100_000;
  const invoices = rows / 4;
  const rounds = ctx.args.quick ? 1 : 3;
  const logger = createLogger({ name: 'bench-archive', level: 'warn' });
  const started = Date.now();
  const fixture = await createMoveFixture(logger);
  const work = await mkdtemp(join(tmpdir(), 'tenantry-bench-archive-'));
  const removeCleanup = ctx.onCleanup(() => fixture.release());
  try {
    const tenant = await fixture.activeTenantOnA('bench-archive');
    const schema = schemaNameFor(tenant.id);
    const a = await fixture.connect('a');
    // rows/4 invoices of 3 lines each, amounts and descriptions varied so that compression is not flattering.
    await a.query(
      `insert into ${schema}.invoices (document_type, folio, status, net_amount, tax_amount, total_amount, issue_date)
       select 33, g, (array['draft','issued','accepted'])[1 + g % 3], (g * 7919) % 1000000, ((g * 7919) % 1000000) * 0.19,
              ((g * 7919) % 1000000) * 1.19, date '2026-01-01' + (g % 300)
         from generate_series(1, $1::int) g`,
      [invoices],
    );
    await a.query(
      `insert into ${schema}.invoice_lines (invoice_id, line_number, description, quantity, unit_price, line_total)
       select i.id, l, 'Servicio ' || md5(i.id::text || '-' || l), 1 + (i.id + l) % 9, (i.id * l * 31) % 100000, (1 + (i.id + l) % 9) * ((i.id * l * 31) % 100000)
         from ${schema}.invoices i, generate_series(1, 3) l`,
    );
    const deps = { orm: fixture.orm, databases: fixture.databases, logger };
    const exports: number[] = [];
    const imports: number[] = [];
    const sizes: number[] = [];
    const table: (string | number)[][] = [];
    for (let i = 0; i < rounds; i++) {
      const file = join(work, `round-${i}.tar`);
      const exportStarted = Date.now();
      const exported = await exportTenant(deps, tenant.id, file);
      const exportMs = Date.now() - exportStarted;
      const importStarted = Date.now();
      const imported = await importTenant(deps, file, { asNew: true, database: 'b' });
      const importMs = Date.now() - importStarted;
      exports.push(exportMs);
      imports.push(importMs);
      sizes.push(exported.bytes);
      table.push([i + 1, exported.bytes, exportMs, importMs]);
      ctx.log(`tenant-archive ${i + 1}/${rounds}: ${exported.bytes} bytes, export ${exportMs} ms, import ${importMs} ms`);
      await changeTenantStatus(fixture.orm, imported.tenant.id, 'deactivate');
      await requestTenantPurge(fixture.orm, imported.tenant.id, { force: true, purgeAfterDays: 0, requestedBy: null });
      await runTenantPurge(deps, imported.tenant.id);
      await rm(file, { force: true });
    }
    const exportTimes = summarize(exports);
    const importTimes = summarize(imports);
    result.inputs = { rows, invoices, invoice_lines: invoices * 3, rounds };
    result.method = [
      'Two PostgreSQL 15 clusters of the benchmark\'s own on this machine (pg_createcluster); a control schema on the shared server.',
      `One tenant with ${rows} rows (${invoices} invoices with 3 lines each, varied amounts, dates and md5 descriptions) on server a. Each round: exportTenant (pg_dump -Fc of the schema in one exported snapshot, control rows, manifest, one tar file), then importTenant --as-new onto server b (checksums, pg_restore piped through psql in one transaction, role, control rows and events), in-process: the code \`tenantry tenants export|import\` runs.`,
    ];
    result.tables = [
      { title: 'Per round', columns: ['#', 'archive bytes', 'export ms', 'import ms'], rows: table },
      { title: 'Summary', columns: ['figure', 'p50', 'max'], rows: [['export ms', exportTimes.p50, exportTimes.max], ['import ms', importTimes.p50, importTimes.max], ['archive bytes', summarize(sizes).p50, summarize(sizes).max]] },
    ];
    result.targets = [];
    result.data = { exports, imports, sizes };
  } finally {
    // A failure goes on to main, which records the failed result; here only the cleanup.
    removeCleanup();
    await fixture.release();
    await rm(work, { recursive: true, force: true });
    result.durationMs = Date.now() - started;
  }
  return result;
}
