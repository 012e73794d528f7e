import type { LightMyRequestResponse } from 'fastify';
import type { ControlOrm } from '@tenantry/control-db';

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface RowCounts {
  tenants: number;
  tenant_events: number;
  memberships: number;
  users: number;
  tenant_groups: number;
}

/** Row counts of every table a request could write, to prove that a refused request wrote nothing. */
export async function rowCounts(orm: ControlOrm): Promise<RowCounts> {
  const [row] = await orm.em.fork().execute<Record<keyof RowCounts, string>[]>(
    `select (select count(*) from tenants)::text as tenants, (select count(*) from tenant_events)::text as tenant_events,
            (select count(*) from memberships)::text as memberships, (select count(*) from users)::text as users,
            (select count(*) from tenant_groups)::text as tenant_groups`,
  );
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)])) as unknown as RowCounts;
}

/** A 4xx answer shaped as RFC 9457 problem+json (content type and the type/title/status fields). */
export function expectProblem(response: LightMyRequestResponse, status?: number): Record<string, unknown> {
  const context = `${response.statusCode} ${response.body.slice(0, 300)}`;
  if (status !== undefined) expect({ status: response.statusCode, context }).toEqual({ status, context });
  expect(response.statusCode).toBeGreaterThanOrEqual(400);
  expect(response.statusCode).toBeLessThan(500);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json();
  expect(problem).toEqual(
    expect.objectContaining({ type: expect.any(String), title: expect.any(String), status: response.statusCode }),
  );
  return problem;
}
