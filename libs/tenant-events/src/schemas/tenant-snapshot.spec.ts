import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { TENANT_SNAPSHOT_FIELDS } from '../tenant-snapshot.ts';
import { buildTenantSnapshot } from '../testing/fixtures.ts';
import { eventSchemas } from './envelope.ts';
import { tenantSnapshotSchema } from './tenant-snapshot.ts';

describe('tenantSnapshotSchema', () => {
  it('lists exactly the SPEC §2 fields without members, all required', () => {
    expect(Object.keys(tenantSnapshotSchema.properties)).toEqual([...TENANT_SNAPSHOT_FIELDS]);
    expect([...tenantSnapshotSchema.required]).toEqual([...TENANT_SNAPSHOT_FIELDS]);
    expect(TENANT_SNAPSHOT_FIELDS).not.toContain('members');
  });

  it('makes exactly the SPEC §2 nullable fields nullable', () => {
    const nullable = Object.entries(tenantSnapshotSchema.properties)
      .filter(([, schema]) => {
        const type: unknown = (schema as { type?: unknown }).type;
        return Array.isArray(type) && type.includes('null');
      })
      .map(([name]) => name);
    expect(nullable.sort()).toEqual(
      ['description', 'schema_version', 'rut', 'address', 'commune', 'city', 'post_code', 'giro', 'user_limit', 'max_users', 'group_id'].sort(),
    );
  });

  it('compiles in a plain strict ajv 8 (draft-07) instance, as Fastify would use it', () => {
    const ajv = new Ajv({ strict: true });
    addFormats.default(ajv);
    const validate = ajv.compile({ $id: 'TenantSnapshot', ...tenantSnapshotSchema });
    expect(validate(buildTenantSnapshot())).toBe(true);
    expect(validate(buildTenantSnapshot({ rut: '76.086.428-5' }))).toBe(false);
    for (const schema of Object.values(eventSchemas)) expect(() => ajv.compile(schema)).not.toThrow();
  });
});
