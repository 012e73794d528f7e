import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { TENANT_SNAPSHOT_ADDED_FIELDS, TENANT_SNAPSHOT_FIELDS } from '../tenant-snapshot.ts';
import { buildTenantSnapshot } from '../testing/fixtures.ts';
import { eventSchemas } from './envelope.ts';
import { tenantSnapshotSchema } from './tenant-snapshot.ts';

describe('tenantSnapshotSchema', () => {
  it('lists exactly the SPEC §2 fields without members, the v1 ones required, the ones added within v1 optional', () => {
    expect(Object.keys(tenantSnapshotSchema.properties)).toEqual([...TENANT_SNAPSHOT_FIELDS, ...TENANT_SNAPSHOT_ADDED_FIELDS]);
    expect([...tenantSnapshotSchema.required]).toEqual([...TENANT_SNAPSHOT_FIELDS]);
    expect(TENANT_SNAPSHOT_ADDED_FIELDS).toEqual(['database', 'move']);
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
      // v2: name and slug are null on a purged tenant's tombstone.
      ['name', 'slug', 'description', 'schema_version', 'rut', 'address', 'commune', 'city', 'post_code', 'giro', 'user_limit', 'max_users', 'group_id', 'move'].sort(),
    );
  });

  it('compiles in a plain strict ajv 8 (draft-07) instance, as Fastify would use it', () => {
    const ajv = new Ajv({ strict: true });
    addFormats.default(ajv);
    const validate = ajv.compile({ $id: 'TenantSnapshot', ...tenantSnapshotSchema });
    expect(validate(buildTenantSnapshot())).toBe(true);
    expect(validate(buildTenantSnapshot({ rut: '76.086.428-5' }))).toBe(false);
    expect(validate(buildTenantSnapshot({ database: 'Not A Name' }))).toBe(false);
    expect(validate(buildTenantSnapshot({ move: { to: 'second', state: 'subscribed', started_at: '2026-12-02T10:00:00.000Z' } }))).toBe(true);
    const { database: _database, move: _move, ...before } = buildTenantSnapshot();
    expect(validate(before)).toBe(true);
    for (const schema of Object.values(eventSchemas)) expect(() => ajv.compile(schema)).not.toThrow();
  });
});
