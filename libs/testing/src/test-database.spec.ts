import { isStale, uniqueName } from './test-database.ts';

const HOUR = 60 * 60 * 1000;

describe('isStale: which tenantry_* databases a later run sweeps', () => {
  it('takes a test database made more than 12 hours ago, not one of a run still going', () => {
    const name = uniqueName('tenantry_api');
    expect(isStale(name, Date.now() + 13 * HOUR)).toBe(true);
    expect(isStale(name, Date.now() + 11 * HOUR)).toBe(false);
  });

  it('never takes a name uniqueName() did not make', () => {
    const later = Date.now() + 1000 * HOUR;
    expect(isStale('tenantry', later)).toBe(false);
    expect(isStale('tenantry_my_database_x', later)).toBe(false);
    expect(isStale('postgres', later)).toBe(false);
    expect(isStale(uniqueName('other_api'), later)).toBe(false);
  });
});
