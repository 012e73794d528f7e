/** `usage` of GET /v1/tenants/{id}/statistics: the tenant's database work and its schema's size. */
export const tenantUsageSchema = {
  type: 'object',
  required: ['available', 'reason', 'calls', 'total_exec_time_ms', 'rows', 'table_bytes', 'index_bytes'],
  properties: {
    available: {
      type: 'boolean',
      description: "False when the tenant's server does not load pg_stat_statements: calls, time and rows are then null and `reason` says why",
    },
    reason: { type: ['string', 'null'] },
    calls: { type: ['integer', 'null'], description: "Statements run as the tenant's database role on its database (since the server's statistics were reset)" },
    total_exec_time_ms: { type: ['number', 'null'], description: 'Their total execution time, in milliseconds' },
    rows: { type: ['integer', 'null'], description: 'Rows they returned or affected' },
    table_bytes: { type: 'integer', description: "Tables of the tenant's schema, with TOAST" },
    index_bytes: { type: 'integer', description: "Indexes of the tenant's schema" },
  },
} as const;

export const USAGE_ORDERS = ['exec_time', 'calls', 'rows'] as const;

/** GET /v1/usage: the top tenants by database work, and what each tenant database could tell. */
export const usageReportSchema = {
  type: 'object',
  required: ['order', 'limit', 'databases', 'data'],
  properties: {
    order: { type: 'string', enum: USAGE_ORDERS },
    limit: { type: 'integer' },
    databases: {
      type: 'array',
      description: 'Each registered tenant database; `available: false` (with `reason`) when it does not load pg_stat_statements or could not be read',
      items: {
        type: 'object',
        required: ['name', 'available', 'reason'],
        properties: { name: { type: 'string' }, available: { type: 'boolean' }, reason: { type: ['string', 'null'] } },
      },
    },
    data: {
      type: 'array',
      items: {
        type: 'object',
        required: ['tenant_id', 'name', 'slug', 'database', 'calls', 'total_exec_time_ms', 'rows', 'table_bytes', 'index_bytes'],
        properties: {
          tenant_id: { type: 'string' },
          name: { type: 'string' },
          slug: { type: 'string' },
          database: { type: 'string' },
          calls: { type: 'integer' },
          total_exec_time_ms: { type: 'number' },
          rows: { type: 'integer' },
          table_bytes: { type: 'integer' },
          index_bytes: { type: 'integer' },
        },
      },
    },
  },
} as const;
