export const userSchema = {
  $id: 'User',
  type: 'object',
  required: ['id', 'email', 'superuser', 'permissions', 'status'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    email: { type: 'string' },
    first_name: { type: ['string', 'null'] },
    last_name: { type: ['string', 'null'] },
    superuser: { type: 'boolean' },
    permissions: { type: 'array', items: { type: 'string' } },
    status: { type: 'string', enum: ['active', 'invited', 'disabled'] },
  },
} as const;

export const createUserBodySchema = {
  type: 'object',
  required: ['email'],
  additionalProperties: false,
  properties: {
    email: { type: 'string', format: 'email', maxLength: 254 },
    password: { type: 'string', minLength: 8, maxLength: 200 },
    first_name: { type: 'string', maxLength: 100 },
    last_name: { type: 'string', maxLength: 100 },
    superuser: { type: 'boolean' },
    permissions: { type: 'array', maxItems: 20, uniqueItems: true, items: { type: 'string', enum: ['CREATE_TENANT'] } },
  },
} as const;

export const membershipSchema = {
  type: 'object',
  required: ['tenant_id', 'tenant_name', 'tenant_slug', 'tenant_status', 'role', 'status', 'joined_at'],
  properties: {
    tenant_id: { type: 'string' },
    tenant_name: { type: 'string' },
    tenant_slug: { type: 'string' },
    tenant_status: { type: 'string' },
    role: { type: 'string' },
    status: { type: 'string' },
    joined_at: { type: 'string' },
  },
} as const;
