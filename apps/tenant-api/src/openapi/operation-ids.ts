/**
 * The stable `operationId` of each operation, by `METHOD /path` as published. Generated clients
 * name their methods after these, so a rename is a breaking change of the contract. A route may
 * also set `schema.operationId` itself; the lint test fails for an operation that has neither.
 */
export const OPERATION_IDS: Record<string, string> = {
  'GET /healthz': 'getHealth',
  'GET /readyz': 'getReadiness',
  'POST /v1/auth/token': 'createToken',
  'POST /v1/tenants': 'createTenant',
  'GET /v1/tenants': 'listTenants',
  'GET /v1/tenants/count': 'countTenants',
  'GET /v1/tenants/{id}': 'getTenant',
  'PATCH /v1/tenants/{id}': 'updateTenant',
  'PUT /v1/tenants/{id}': 'updateTenantByPut',
  'DELETE /v1/tenants/{id}': 'deleteTenant',
  'POST /v1/tenants/{id}/deactivate': 'deactivateTenant',
  'POST /v1/tenants/{id}/activate': 'activateTenant',
  'POST /v1/tenants/{id}/suspend': 'suspendTenant',
  'POST /v1/tenants/{id}/provision': 'provisionTenant',
  // Named ahead for the move route being added on main; unused until it exists.
  'POST /v1/tenants/{id}/move': 'moveTenant',
  'POST /v1/tenants/{id}/export': 'exportTenant',
  'GET /v1/tenants/{id}/exports/{export_id}': 'getTenantExport',
  'POST /v1/tenants/{id}/purge': 'purgeTenant',
  'POST /v1/tenants/{id}/switch': 'switchTenant',
  'GET /v1/tenants/{id}/statistics': 'getTenantStatistics',
  'GET /v1/tenants/{id}/events': 'listTenantEvents',
  'GET /v1/tenants/{id}/members': 'listMembers',
  'POST /v1/tenants/{id}/members': 'addMember',
  'PATCH /v1/tenants/{id}/members/{user_id}': 'updateMember',
  'DELETE /v1/tenants/{id}/members/{user_id}': 'removeMember',
  'GET /v1/users/me': 'getCurrentUser',
  'POST /v1/users': 'createUser',
  'DELETE /v1/users/{id}': 'eraseUser',
  'GET /v1/plans': 'listPlans',
  'POST /v1/tenant-groups': 'createTenantGroup',
  'GET /v1/tenant-groups': 'listTenantGroups',
  'GET /v1/usage': 'listTenantUsage',
};

/** Tags in the order Swagger UI shows them, each with what it groups. */
export const TAGS = [
  { name: 'auth', description: 'Bearer tokens for the API' },
  { name: 'tenants', description: 'Tenants (organizations), their life cycle, statistics and event history' },
  { name: 'members', description: 'Users who belong to a tenant, with their role' },
  { name: 'users', description: 'User accounts' },
  { name: 'plans', description: 'Plans and their user limits' },
  { name: 'tenant-groups', description: 'Groups of tenants (superusers)' },
  { name: 'health', description: 'Liveness and readiness for orchestrators' },
];
