import { BUSINESS_TYPES } from '@tenantry/tenant-events';
import { bearer } from '../testing/http-helpers.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

const TOTAL = 250;

interface Fixture {
  id: string;
  index: number;
  name: string;
  slug: string;
  status: string;
  business_type: string;
  group_id: string | null;
  description: string | null;
  memberRole?: 'admin' | 'developer';
}

interface ListedTenant {
  id: string;
  created_at: string;
  user_role?: string;
}

let t: TestApp;
let member: { token: string; userId: string };
let groups: { a: string; b: string };
/** The 250 tenants in creation order (oldest first). */
const fixtures: Fixture[] = [];

const names = ['Alpha Comercio', 'Beta Servicios', 'alphabet Soup', 'Gamma'];

async function request(method: 'GET' | 'POST', url: string, token = t.superToken, payload?: object) {
  const response = await t.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** Every tenant the listing yields for `query`, following next_cursor (or offset) to the end. */
async function pageAll(query: string, { limit, token = t.superToken, by = 'cursor', between }: { limit: number; token?: string; by?: 'cursor' | 'offset'; between?: () => Promise<void> }) {
  const pages: ListedTenant[][] = [];
  let cursor: string | null = null;
  for (;;) {
    const position = by === 'cursor' ? (cursor ? `&cursor=${cursor}` : '') : `&offset=${pages.length * limit}`;
    const page = await request('GET', `/v1/tenants?limit=${limit}${query ? `&${query}` : ''}${position}`, token);
    expect(page.pagination.limit).toBe(limit);
    expect(page.data.length).toBeLessThanOrEqual(limit);
    pages.push(page.data);
    if (!page.pagination.has_more) {
      expect(page.pagination.next_cursor).toBeNull();
      break;
    }
    expect(page.data).toHaveLength(limit);
    cursor = page.pagination.next_cursor;
    await between?.();
  }
  return pages;
}

const ids = (tenants: { id: string }[]) => tenants.map((tenant) => tenant.id);
const newestFirst = (list: Fixture[]) => ids([...list].sort((a, b) => b.index - a.index));

/** Newest first by (created_at, id), both descending: the order the API promises. */
function expectNewestFirst(tenants: ListedTenant[]) {
  for (let i = 1; i < tenants.length; i++) {
    const [previous, current] = [tenants[i - 1], tenants[i]];
    const order = Date.parse(previous.created_at) - Date.parse(current.created_at) || (previous.id > current.id ? 1 : -1);
    expect(order).toBeGreaterThan(0);
  }
}

beforeAll(async () => {
  t = await createTestApp();
  member = await t.tokenFor('member@pagination.test');
  groups = {
    a: (await request('POST', '/v1/tenant-groups', t.superToken, { name: 'Group A' })).id,
    b: (await request('POST', '/v1/tenant-groups', t.superToken, { name: 'Group B' })).id,
  };
  for (let index = 0; index < TOTAL; index++) {
    const fixture: Omit<Fixture, 'id' | 'slug'> & { slug?: string } = {
      index,
      name: `${names[index % 4]} ${String(index).padStart(3, '0')}`,
      status: 'pending_setup',
      business_type: BUSINESS_TYPES[index % BUSINESS_TYPES.length],
      group_id: index % 3 === 0 ? groups.a : index % 3 === 1 ? groups.b : null,
      description: index % 7 === 0 ? `Contains the NeedleWord, number ${index}` : null,
      ...(index % 11 === 0 ? { slug: `special-slug-${index}` } : {}),
      ...(index % 10 === 0 ? { memberRole: 'admin' as const } : index % 10 === 5 ? { memberRole: 'developer' as const } : {}),
    };
    const tenant = await request('POST', '/v1/tenants', t.superToken, {
      name: fixture.name,
      business_type: fixture.business_type,
      group_id: fixture.group_id,
      description: fixture.description,
      ...(fixture.slug ? { slug: fixture.slug } : {}),
      ...(fixture.memberRole === 'admin' ? { admin: { email: 'member@pagination.test' } } : {}),
    });
    if (fixture.memberRole === 'developer') {
      await request('POST', `/v1/tenants/${tenant.id}/members`, t.superToken, { email: 'member@pagination.test', role: 'developer' });
    }
    if (index % 25 === 3) fixture.status = (await request('POST', `/v1/tenants/${tenant.id}/suspend`)).status;
    if (index % 25 === 7) fixture.status = (await request('POST', `/v1/tenants/${tenant.id}/deactivate`)).status;
    fixtures.push({ ...fixture, id: tenant.id, slug: tenant.slug });
  }
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('paging through 250 tenants, nothing else happening', () => {
  it.each([['cursor', 25], ['cursor', 100], ['cursor', 7], ['offset', 25], ['offset', 100]] as const)(
    'by %s, %i a page: each exactly once, newest first',
    async (by, limit) => {
      const pages = await pageAll('', { limit, by });
      expect(pages).toHaveLength(Math.ceil(TOTAL / limit));
      const all = pages.flat();
      expect(ids(all)).toEqual(newestFirst(fixtures));
      expectNewestFirst(all);
    },
  );

  it('the default page is 50', async () => {
    const page = await request('GET', '/v1/tenants');
    expect(page.pagination).toMatchObject({ limit: 50, has_more: true });
    expect(ids(page.data)).toEqual(newestFirst(fixtures).slice(0, 50));
  });

  it('an offset past the end is an empty last page', async () => {
    const page = await request('GET', `/v1/tenants?offset=${TOTAL}`);
    expect(page).toEqual({ data: [], pagination: { limit: 50, has_more: false, next_cursor: null } });
  });
});

describe('filters, on the list and on /count', () => {
  const cases: [string, (f: Fixture) => boolean][] = [
    ['status=suspended', (f) => f.status === 'suspended'],
    ['status=deactivated', (f) => f.status === 'deactivated'],
    ['status=pending_setup', (f) => f.status === 'pending_setup'],
    ['status=active', () => false],
    ['business_type=wallet', (f) => f.business_type === 'wallet'],
    ['business_type=payment_processor', (f) => f.business_type === 'payment_processor'],
    ['group_id=A', (f) => f.group_id === groups.a],
    ['group_id=B', (f) => f.group_id === groups.b],
    ['name=alpha', (f) => f.name.toLowerCase().startsWith('alpha')],
    ['name=ALPHA COMERCIO 1', (f) => f.name.toLowerCase().startsWith('alpha comercio 1')],
    ['name=Comercio', () => false],
    ['q=needleword', (f) => Boolean(f.description?.toLowerCase().includes('needleword'))],
    ['q=special-slug', (f) => f.slug.includes('special-slug')],
    ['q=gamma 1', (f) => f.name.toLowerCase().includes('gamma 1')],
    ['q=soup', (f) => f.name.includes('Soup')],
    ['business_type=lending&group_id=A&name=alpha', (f) => f.business_type === 'lending' && f.group_id === groups.a && f.name.toLowerCase().startsWith('alpha')],
    ['status=pending_setup&q=needleword&group_id=B', (f) => f.status === 'pending_setup' && Boolean(f.description) && f.group_id === groups.b],
  ];
  const query = (label: string) =>
    label
      .replace('group_id=A', `group_id=${groups.a}`)
      .replace('group_id=B', `group_id=${groups.b}`)
      .split('&')
      .map((pair) => pair.split('=').map(encodeURIComponent).join('='))
      .join('&');

  it.each(cases)('%s', async (label, matches) => {
    const expected = newestFirst(fixtures.filter(matches));
    const byCursor = (await pageAll(query(label), { limit: 7 })).flat();
    expect(ids(byCursor)).toEqual(expected);
    const byOffset = (await pageAll(query(label), { limit: 7, by: 'offset' })).flat();
    expect(ids(byOffset)).toEqual(expected);
    expect(await request('GET', `/v1/tenants/count?${query(label)}`)).toEqual({ count: expected.length });
  });

  it('counts everything without a filter', async () => {
    expect(await request('GET', '/v1/tenants/count')).toEqual({ count: TOTAL });
  });

  it('the filters really filter (the suite is not vacuous)', () => {
    for (const [label, matches] of cases.filter(([label]) => !['status=active', 'name=Comercio'].includes(label))) {
      const n = fixtures.filter(matches).length;
      expect({ label, some: n > 0, notAll: n < TOTAL }).toEqual({ label, some: true, notAll: true });
    }
  });
});

describe('what a non-superuser sees', () => {
  const mine = () => fixtures.filter((f) => f.memberRole);

  it('only its own tenants, each with user_role, by cursor and by offset', async () => {
    for (const by of ['cursor', 'offset'] as const) {
      const all = (await pageAll('', { limit: 9, token: member.token, by })).flat();
      expect(ids(all)).toEqual(newestFirst(mine()));
      const roles = Object.fromEntries(mine().map((f) => [f.id, f.memberRole]));
      for (const tenant of all) expect(tenant.user_role).toBe(roles[tenant.id]);
    }
    expect(await request('GET', '/v1/tenants/count', member.token)).toEqual({ count: mine().length });
  });

  it('filters inside its own tenants', async () => {
    const filtered = (await pageAll(`group_id=${groups.a}&name=alpha`, { limit: 5, token: member.token })).flat();
    const expected = newestFirst(mine().filter((f) => f.group_id === groups.a && f.name.toLowerCase().startsWith('alpha')));
    expect(expected.length).toBeGreaterThan(0);
    expect(ids(filtered)).toEqual(expected);
    expect(await request('GET', `/v1/tenants/count?group_id=${groups.a}&name=alpha`, member.token)).toEqual({ count: expected.length });
  });

  it('superusers get no user_role; a user with no tenant sees none', async () => {
    const page = await request('GET', '/v1/tenants?limit=100');
    expect(page.data.some((tenant: ListedTenant) => 'user_role' in tenant)).toBe(false);
    const nobody = await t.tokenFor('nobody@pagination.test');
    expect(await request('GET', '/v1/tenants', nobody.token)).toEqual({ data: [], pagination: { limit: 50, has_more: false, next_cursor: null } });
    expect(await request('GET', '/v1/tenants/count', nobody.token)).toEqual({ count: 0 });
  });

  it('a banned membership hides the tenant', async () => {
    const tenant = mine().find((f) => f.memberRole === 'developer')!;
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/v1/tenants/${tenant.id}/members/${member.userId}`,
      headers: bearer(t.superToken),
      payload: { status: 'banned' },
    });
    expect(response.statusCode).toBe(200);
    const all = (await pageAll('', { limit: 100, token: member.token })).flat();
    expect(ids(all)).not.toContain(tenant.id);
    expect(await request('GET', '/v1/tenants/count', member.token)).toEqual({ count: mine().length - 1 });
    tenant.memberRole = undefined;
  });
});

describe('paging while tenants are being created', () => {
  /** Creates tenants one after another until stopped, like other clients writing during a read. */
  function keepCreating() {
    const created: string[] = [];
    let stopped = false;
    const running = (async () => {
      while (!stopped) created.push((await request('POST', '/v1/tenants', t.superToken, { name: `Concurrent Newcomer ${created.length}` })).id);
    })();
    return {
      created,
      async stop() {
        stopped = true;
        await running;
      },
    };
  }
  const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

  it('by cursor: every original exactly once and in order; newcomers only on the first page, before all originals', async () => {
    const writer = keepCreating();
    while (writer.created.length < 2) await pause();
    const before = writer.created.length;
    const originals = new Set(ids(fixtures));
    const pages = await pageAll('', { limit: 20, between: pause });
    await writer.stop();
    expect(writer.created.length - before).toBeGreaterThanOrEqual(3);

    const all = pages.flat();
    expect(ids(all.filter((tenant) => originals.has(tenant.id)))).toEqual(newestFirst(fixtures));
    expect(new Set(ids(all)).size).toBe(all.length);
    const firstOriginal = all.findIndex((tenant) => originals.has(tenant.id));
    expect(all.slice(firstOriginal).every((tenant) => originals.has(tenant.id))).toBe(true);
    expect(pages.slice(1).flat().every((tenant) => originals.has(tenant.id))).toBe(true);
    expectNewestFirst(all);
  });

  it('by offset: no original is skipped and first sightings are in order; a newcomer may push a row onto the next page twice', async () => {
    const writer = keepCreating();
    while (writer.created.length < 2) await pause();
    const before = writer.created.length;
    const originals = new Set(ids(fixtures));
    const pages = await pageAll('', { limit: 20, by: 'offset', between: pause });
    await writer.stop();
    const createdMeanwhile = writer.created.length - before;
    expect(createdMeanwhile).toBeGreaterThanOrEqual(3);

    const seen = ids(pages.flat()).filter((id) => originals.has(id));
    const firstSightings = [...new Set(seen)];
    expect(firstSightings).toEqual(newestFirst(fixtures));
    // Each row created during the walk shifts the later pages by one: at most that many repeats.
    expect(seen.length - firstSightings.length).toBeLessThanOrEqual(createdMeanwhile);
  });
});
