import { SEALED_MEMBER_FIELDS, SEALED_TENANT_FIELDS } from '../sealing/index.ts';
import { tenantMemberSchema } from './member.ts';
import { tenantSnapshotSchema } from './tenant-snapshot.ts';

/** JSON Schema of a sealed personal field (v2), see SealedValue. */
export const sealedValueSchema = {
  title: 'SealedValue',
  type: 'object',
  required: ['alg', 'kid', 'iv', 'ct'],
  properties: {
    alg: { const: 'A256GCM' },
    kid: { type: 'string', pattern: '^(tenant|user):[0-9a-f-]{36}$', description: "the subject whose key seals it; open it with openEvent and the subject's key" },
    iv: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', description: '12-byte nonce, base64url' },
    ct: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', description: 'ciphertext followed by the 16-byte GCM tag, base64url' },
  },
  description: 'v2: a personal field encrypted with its subject key (AES-256-GCM); once the key is destroyed it opens to null',
} as const;

type Properties = Record<string, object>;

/** `schema` with each of `fields` accepting its plain value OR a sealed one (what v2 events carry). */
function withSealedFields<S extends { properties: Properties }>(schema: S, fields: readonly string[]): S {
  const properties: Properties = { ...schema.properties };
  for (const field of fields) properties[field] = { anyOf: [properties[field], sealedValueSchema] };
  return { ...schema, properties } as S;
}

/** The snapshot as events carry it (v2): name, slug, description, rut and address may be sealed. */
export const wireTenantSnapshotSchema = withSealedFields(tenantSnapshotSchema, SEALED_TENANT_FIELDS);
/** The member as events carry it (v2): email and names may be sealed. */
export const wireTenantMemberSchema = withSealedFields(tenantMemberSchema, SEALED_MEMBER_FIELDS);
