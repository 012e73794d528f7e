export { createMoveFixture, MOVE_FIXTURE_SCHEMA, type MoveFixture } from './move-fixture.ts';
export { startTenantWriter, type TenantWriter, type TenantWriterOptions } from './tenant-writer.ts';
