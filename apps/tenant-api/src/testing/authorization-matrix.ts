/**
 * The authorization matrix of SPEC §3, written once: route × caller → expected status. The HTTP test
 * (`__tests__/authorization-matrix.test.ts`) generates one case per cell, and docs/authorization.md
 * carries the same table rendered by `renderAuthorizationTable()` (a test keeps them equal).
 *
 * Fixtures per case: a fresh tenant (plan enterprise) whose first admin is a separate `owner` user,
 * plus a `target` member (developer); member callers are added with their role. The superuser,
 * the plain user and the CREATE_TENANT user are not members of it.
 */
export const CALLERS = ['anonymous', 'plain', 'admin', 'developer', 'readonly', 'auditor', 'creator', 'superuser'] as const;
export type Caller = (typeof CALLERS)[number];

export const CALLER_LABELS: Record<Caller, string> = {
  anonymous: 'anonymous',
  plain: 'plain user',
  admin: 'admin',
  developer: 'developer',
  readonly: 'readonly',
  auditor: 'auditor',
  creator: 'CREATE_TENANT',
  superuser: 'superuser',
};

export interface MatrixRow {
  /** `METHOD /path`, with an optional qualifier in parentheses naming the case. */
  route: string;
  /** Expected status per caller, in CALLERS order. */
  statuses: readonly number[];
}

// prettier-ignore
export const AUTHORIZATION_MATRIX: readonly MatrixRow[] = [
  //                                                                anon plain admin dev   ro   aud creator super
  { route: 'POST /v1/auth/token',                         statuses: [200, 200, 200, 200, 200, 200, 200, 200] },
  { route: 'GET /v1/users/me',                            statuses: [401, 200, 200, 200, 200, 200, 200, 200] },
  { route: 'POST /v1/users',                              statuses: [401, 403, 403, 403, 403, 403, 403, 201] },
  { route: 'DELETE /v1/users/{id}',                       statuses: [401, 403, 403, 403, 403, 403, 403, 204] },
  { route: 'GET /v1/plans',                               statuses: [401, 200, 200, 200, 200, 200, 200, 200] },
  { route: 'POST /v1/tenants',                            statuses: [401, 403, 403, 403, 403, 403, 201, 201] },
  { route: 'POST /v1/tenants (plan_id, user_limit)',      statuses: [401, 403, 403, 403, 403, 403, 403, 201] },
  { route: 'POST /v1/tenants (naming its database)',      statuses: [401, 403, 403, 403, 403, 403, 403, 201] },
  { route: 'GET /v1/tenants',                             statuses: [401, 200, 200, 200, 200, 200, 200, 200] },
  { route: 'GET /v1/tenants/count',                       statuses: [401, 200, 200, 200, 200, 200, 200, 200] },
  { route: 'GET /v1/tenants/{id}',                        statuses: [401, 404, 200, 200, 200, 200, 404, 200] },
  { route: 'PATCH /v1/tenants/{id}',                      statuses: [401, 404, 200, 403, 403, 403, 404, 200] },
  { route: 'PUT /v1/tenants/{id}',                        statuses: [401, 404, 200, 403, 403, 403, 404, 200] },
  { route: 'PATCH /v1/tenants/{id} (plan_id, user_limit)', statuses: [401, 404, 403, 403, 403, 403, 404, 200] },
  { route: 'DELETE /v1/tenants/{id}',                     statuses: [401, 404, 403, 403, 403, 403, 404, 204] },
  { route: 'POST /v1/tenants/{id}/deactivate',            statuses: [401, 404, 403, 403, 403, 403, 404, 200] },
  { route: 'POST /v1/tenants/{id}/activate',              statuses: [401, 404, 403, 403, 403, 403, 404, 200] },
  { route: 'POST /v1/tenants/{id}/suspend',               statuses: [401, 404, 403, 403, 403, 403, 404, 200] },
  { route: 'POST /v1/tenants/{id}/provision',             statuses: [401, 404, 403, 403, 403, 403, 404, 202] },
  // The fixture tenant is not provisioned: a superuser's move is refused (409), after authorization.
  { route: 'POST /v1/tenants/{id}/move',                  statuses: [401, 404, 403, 403, 403, 403, 404, 409] },
  // The fixture tenant is not provisioned: nothing to export yet (409), after authorization.
  { route: 'POST /v1/tenants/{id}/export',                statuses: [401, 404, 409, 403, 403, 403, 404, 409] },
  { route: 'GET /v1/tenants/{id}/exports/{export_id}',    statuses: [401, 404, 404, 403, 403, 403, 404, 404] },
  // The fixture tenant is active: a superuser's purge is refused (409, not deactivated), after authorization.
  { route: 'POST /v1/tenants/{id}/purge',                 statuses: [401, 404, 403, 403, 403, 403, 404, 409] },
  { route: 'POST /v1/tenants/{id}/switch',                statuses: [401, 404, 200, 200, 200, 200, 404, 403] },
  { route: 'GET /v1/tenants/{id}/statistics',             statuses: [401, 404, 200, 200, 200, 200, 404, 200] },
  { route: 'GET /v1/tenants/{id}/events',                 statuses: [401, 404, 200, 403, 403, 200, 404, 200] },
  { route: 'GET /v1/tenants/{id}/members',                statuses: [401, 404, 200, 200, 200, 200, 404, 200] },
  { route: 'POST /v1/tenants/{id}/members',               statuses: [401, 404, 201, 403, 403, 403, 404, 201] },
  { route: 'PATCH /v1/tenants/{id}/members/{user_id}',    statuses: [401, 404, 200, 403, 403, 403, 404, 200] },
  { route: 'DELETE /v1/tenants/{id}/members/{user_id}',   statuses: [401, 404, 204, 403, 403, 403, 404, 204] },
  { route: 'DELETE /v1/tenants/{id}/members/{user_id} (self)', statuses: [401, 404, 204, 204, 204, 204, 404, 404] },
  { route: 'POST /v1/tenant-groups',                      statuses: [401, 403, 403, 403, 403, 403, 403, 201] },
  { route: 'GET /v1/tenant-groups',                       statuses: [401, 403, 403, 403, 403, 403, 403, 200] },
  { route: 'GET /v1/usage',                               statuses: [401, 403, 403, 403, 403, 403, 403, 200] },
];

export function expectedStatus(row: MatrixRow, caller: Caller): number {
  return row.statuses[CALLERS.indexOf(caller)];
}

/** The matrix as a Markdown table, as published in docs/authorization.md. */
export function renderAuthorizationTable(): string {
  const header = `| route | ${CALLERS.map((c) => CALLER_LABELS[c]).join(' | ')} |`;
  const rule = `| --- | ${CALLERS.map(() => '---').join(' | ')} |`;
  const rows = AUTHORIZATION_MATRIX.map((row) => {
    const [, route, qualifier = ''] = /^(.*?)( \(.*\))?$/.exec(row.route)!;
    return `| \`${route}\`${qualifier} | ${row.statuses.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}

export const MATRIX_START = '<!-- authorization-matrix:start (generated from apps/tenant-api/src/testing/authorization-matrix.ts) -->';
export const MATRIX_END = '<!-- authorization-matrix:end -->';
