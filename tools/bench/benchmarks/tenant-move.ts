import { requestTenantMove } from '@tenantry/control-db';
import { createLogger } from '@tenantry/logger';
import { cleanupMovedSchemas, runOpenTenantMove } from '@tenantry/tenant-moves';
import { createMoveFixture, MOVE_FIXTURE_SCHEMA, startTenantWriter } from '@tenantry/tenant-moves/testing';
import type { BenchContext } from '../context.ts';
import { emptyResult, type BenchResult } from '../report.ts';
import { checkTarget, summarize } from '../stats.ts';

/**
 * Online moves of one tenant with N invoices (100,000; 10,000 with --quick) between two local
 * servers with wal_level=logical, back and forth, 5 times (2 with --quick), while a writer inserts
 * invoices as the tenant's role and reconnects wherever the tenant is placed. Per move: the total
 * time of the runner and the write pause (the longest gap between two acknowledged inserts).
 */
export async function runTenantMove(ctx: BenchContext): Promise<BenchResult> {
  const result = emptyResult('tenant-move', 'Tenant move');
  const rows = ctx.args.quick ? 10_000 : 100_000;
  const moves = ctx.args.quick ? 2 : 5;
  const logger = createLogger({ name: 'bench-move', level: 'warn' });
  const started = Date.now();
  const fixture = await createMoveFixture(logger);
  const removeCleanup = ctx.onCleanup(() => fixture.release());
  try {
    const tenant = await fixture.activeTenantOnA('bench-move', rows);
    const control = await fixture.connect('control');
    const placementOf = async () =>
      (await control.query<{ database: string }>(`select database from ${MOVE_FIXTURE_SCHEMA}.tenants where id = $1`, [tenant.id])).rows[0].database;
    const writer = startTenantWriter({ tenantId: tenant.id, placementOf, urlOf: (name) => fixture.url(name as 'a' | 'b') });
    const deps = { orm: fixture.orm, controlSchema: MOVE_FIXTURE_SCHEMA, databases: fixture.databases, logger };
    const totals: number[] = [];
    const pauses: number[] = [];
    const table: (string | number)[][] = [];
    for (let i = 0; i < moves; i++) {
      const to = i % 2 === 0 ? 'b' : 'a';
      const from = to === 'b' ? 'a' : 'b';
      const moveStarted = Date.now();
      await requestTenantMove(fixture.orm, tenant.id, { to, mode: 'logical' });
      await runOpenTenantMove(deps, tenant.id);
      const total = Date.now() - moveStarted;
      // The writer's first insert after the flip ends the pause: wait for it before reading the gap.
      const flipSeen = writer.acknowledged.length;
      while (!writer.acknowledged.slice(flipSeen).some((row) => row.database === to)) await new Promise((resolve) => setTimeout(resolve, 10));
      const pause = writer.longestPauseMs(moveStarted);
      totals.push(total);
      pauses.push(pause);
      table.push([i + 1, `${from} → ${to}`, total, pause]);
      ctx.log(`tenant-move ${i + 1}/${moves}: ${from} → ${to} in ${total} ms, write pause ${pause} ms`);
      await cleanupMovedSchemas(deps, tenant.id);
    }
    await writer.stop();
    const total = summarize(totals);
    const pause = summarize(pauses);
    result.inputs = { invoices: rows, moves, writes_acknowledged: writer.acknowledged.length };
    result.method = [
      'Two PostgreSQL 15 clusters of the benchmark\'s own on this machine (pg_createcluster, wal_level=logical); a control schema on the shared server.',
      `One tenant with ${rows} invoices moved a → b → a …, ${moves} times, each run in-process by the move runner (the code the provisioner and \`tenantry tenants move\` run), the old schema dropped after each.`,
      'A writer inserts one invoice at a time as the tenant role; refused, it reconnects where the control schema places the tenant. Write pause = longest gap between two acknowledged inserts during the move.',
    ];
    result.tables = [
      { title: 'Per move', columns: ['#', 'move', 'total ms', 'write pause ms'], rows: table },
      { title: 'Summary', columns: ['figure', 'p50', 'max'], rows: [['total ms', total.p50, total.max], ['write pause ms', pause.p50, pause.max]] },
    ];
    result.targets = [checkTarget('max write pause', pause.max, '<=', 1_000, 'ms'), checkTarget('max total', total.max, '<=', 30_000, 'ms')];
    result.data = { totals, pauses };
  } finally {
    // A failure goes on to main, which records the failed result; here only the cleanup.
    removeCleanup();
    await fixture.release();
    result.durationMs = Date.now() - started;
  }
  return result;
}
