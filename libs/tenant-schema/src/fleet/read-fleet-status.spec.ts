import { Migration } from '@mikro-orm/migrations';
import type { TenantMigration } from '@tenantry/tenant-migrations';
import { compareFleet } from './read-fleet-status.ts';

class Noop extends Migration {
  override up(): void {
    // compareFleet only reads names.
  }
}
const list: TenantMigration[] = [
  { name: 'M1', class: Noop },
  { name: 'M2', class: Noop },
];
const entry = (n: number, status = 'active', schemaVersion: string | null = 'M1') => ({
  tenantId: `t${n}`,
  schemaName: `tenant_${n}`,
  status,
  schemaVersion,
});

describe('compareFleet', () => {
  it('derives pending from the list and drift from the ledger', () => {
    const [pending, upToDate, behind] = compareFleet(
      [entry(1), entry(2, 'active', 'M2'), entry(3, 'suspended', 'M1')],
      [1, 2, 3].map((n) => ({ schemaName: `tenant_${n}`, tracked: true })),
      new Map([
        ['tenant_1', ['M1']],
        ['tenant_2', ['M1', 'M2']],
        ['tenant_3', ['M1', 'M2']],
      ]),
      list,
    );
    expect(pending).toMatchObject({ state: 'pending', pending: ['M2'], appliedVersion: 'M1', drift: [] });
    expect(upToDate).toMatchObject({ state: 'up-to-date', pending: [], appliedCount: 2, drift: [] });
    expect(behind).toMatchObject({ state: 'up-to-date', ledgerVersion: 'M1', appliedVersion: 'M2', drift: ['ledger-mismatch'] });
  });

  it('tells a missing schema from one not provisioned yet', () => {
    const statuses = compareFleet(
      [entry(1, 'deactivated', 'M1'), entry(2, 'pending_setup', null), entry(3, 'setup_failed', null), entry(4, 'active', null)],
      [],
      new Map(),
      list,
    );
    expect(statuses.map((s) => [s.state, s.drift])).toEqual([
      ['missing', ['schema-missing']],
      ['not-provisioned', []],
      ['not-provisioned', []],
      ['missing', ['schema-missing']],
    ]);
    expect(statuses.every((s) => s.pending.length === 0)).toBe(true);
  });

  it('reports orphans (unless filtered) and a schema without a tracking table as having everything pending', () => {
    const statuses = compareFleet([entry(1, 'active', null)], [{ schemaName: 'tenant_1', tracked: false }, { schemaName: 'tenant_9', tracked: true }], new Map([['tenant_9', ['M1', 'M0_hotfix']]]), list);
    expect(statuses[0]).toMatchObject({ state: 'pending', pending: ['M1', 'M2'], appliedVersion: null, drift: [] });
    expect(statuses[1]).toMatchObject({ tenantId: null, state: 'orphan', unknown: ['M0_hotfix'], drift: ['unknown-migrations', 'orphan-schema'] });
    expect(compareFleet([], [{ schemaName: 'tenant_9', tracked: true }], new Map(), list, { includeOrphans: false })).toEqual([]);
  });

  it('with a database name: a schema of a tenant placed elsewhere is drift, unless it is the target of its open move', () => {
    const placed = [
      { ...entry(1), database: 'main' },
      { ...entry(2), database: 'east' },
      { ...entry(3), database: 'east', moveTo: 'main' },
      { ...entry(4), database: 'main', moveTo: 'east' },
    ];
    const catalog = [1, 2, 3, 4].map((n) => ({ schemaName: `tenant_${n}`, tracked: true }));
    const applied = new Map([1, 2, 3, 4].map((n) => [`tenant_${n}`, ['M1']]));
    const statuses = compareFleet(placed, catalog, applied, list, { database: 'main' });
    expect(statuses.map((s) => [s.tenantId, s.state, s.drift, s.database, s.ledgerDatabase, s.moveTo])).toEqual([
      ['t1', 'pending', [], 'main', undefined, undefined],
      ['t4', 'pending', [], 'main', undefined, 'east'],
      ['t2', 'misplaced', ['wrong-database'], 'main', 'east', undefined],
      ['t3', 'moving', [], 'main', 'east', 'main'],
    ]);
    // The moving schema is the move engine's: nothing pending for migrate up.
    expect(statuses[3].pending).toEqual([]);
    // Without a name, every entry is placed here (one database).
    expect(compareFleet(placed, catalog, applied, list).map((s) => s.state)).toEqual(['pending', 'pending', 'pending', 'pending']);
  });

  it('a tenant placed here whose schema is on another database only is missing here', () => {
    const [status] = compareFleet([{ ...entry(1), database: 'east' }], [], new Map(), list, { database: 'east' });
    expect(status).toMatchObject({ tenantId: 't1', state: 'missing', drift: ['schema-missing'], database: 'east' });
  });
});
