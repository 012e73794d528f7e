/** The version of the archive layout this code writes and reads; a reader refuses any other. */
export const ARCHIVE_FORMAT_VERSION = 1;
export const ARCHIVE_FORMAT = 'tenantry-tenant-archive';

/** Entries of an archive, in the order they are written; the manifest comes first. */
export const MANIFEST_ENTRY = 'manifest.json';
export const PARTS = {
  schema: 'schema.dump',
  tenant: 'control/tenant.json',
  members: 'control/members.json',
  events: 'control/events.json',
} as const;
export type PartName = (typeof PARTS)[keyof typeof PARTS];
export const PART_NAMES: readonly PartName[] = Object.values(PARTS);

export interface ArchiveManifest {
  format: typeof ARCHIVE_FORMAT;
  format_version: number;
  tenant_id: string;
  schema_name: string;
  /** The last tenant migration applied to the dumped schema. */
  schema_version: string | null;
  /** The tenant database the schema was dumped from. */
  database: string;
  created_at: string;
  /** Rows of every table of the tenant schema, counted in the dump's snapshot. */
  row_counts: Record<string, number>;
  /** Rows of the control parts. */
  control_counts: { members: number; events: number };
  /** sha256 (hex) and size of every other entry. */
  parts: Record<PartName, { sha256: string; bytes: number }>;
}
