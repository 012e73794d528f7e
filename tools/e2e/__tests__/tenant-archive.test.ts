import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_ENTRY, PARTS } from '@tenantry/tenant-archive';
import { readArchiveEntries, writeArchiveEntries } from '@tenantry/tenant-archive/testing';
import { roleNameFor, schemaNameFor } from '@tenantry/tenant-schema';
import { waitFor } from '@tenantry/testing';
import pg from 'pg';
import { runCli } from '../run-cli.ts';
import { createActiveTenant, installationFootprint, seedTenantRows, startInvoiceWriter, tableContents } from '../archive/tenant-fixture.ts';
import { startStack, type Stack } from '../stack.ts';

// Export → purge → import of one tenant through the operator CLI, the three services running as
// processes: every row of every table comes back, the control rows too, the history opens again
// (the purge destroyed the key that sealed it), and dte-sync reaches the restored schema.
let stack: Stack;
let db: pg.Client;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tenantry-archive-e2e-'));
  stack = await startStack(undefined, { env: { EXPORT_DIR: join(work, 'api-exports') } });
  db = new pg.Client({ connectionString: stack.db.url });
  await db.connect();
}, 120_000);

afterAll(async () => {
  await db?.end();
  await stack?.stop();
  if (work) await rm(work, { recursive: true, force: true });
}, 60_000);

const cli = (args: string[]) => runCli([...args, '--json'], stack.env);

/** The real purge, forced: POST …/deactivate, POST …/purge, until the tombstone is written. */
async function purge(id: string): Promise<void> {
  const token = await stack.token();
  expect((await stack.request('POST', `/v1/tenants/${id}/deactivate`, {}, token)).status).toBe(200);
  expect((await stack.request('POST', `/v1/tenants/${id}/purge`, { force: true }, token)).status).toBe(202);
  await waitFor('tenant purged', async () => (await stack.request('GET', `/v1/tenants/${id}`, undefined, token)).body.status === 'purged', { timeoutMs: 60_000 });
}

/** GET /v1/tenants/{id}/events, oldest first: the history as the API serves it, opened with the subject keys. */
async function history(id: string): Promise<{ id: string; type: string; data: { tenant: Record<string, unknown>; member?: Record<string, unknown> } }[]> {
  const response = await stack.request('GET', `/v1/tenants/${id}/events?limit=100`, undefined, await stack.token());
  expect(response.status).toBe(200);
  return [...response.body.data].reverse();
}

/** Log rows of the tenant whose stored JSON holds `text` readable. */
async function logRowsHolding(id: string, text: string): Promise<number> {
  const [row] = await stack.query<{ n: number }>(`select count(*)::int as n from control.tenant_events where tenant_id = $1 and strpos(event::text, $2) > 0`, [id, text]);
  return row.n;
}

async function controlRows(id: string) {
  const [tenant] = await stack.query(`select to_jsonb(t) - 'version' - 'updated_at' as row from control.tenants t where id = $1`, [id]);
  const members = await stack.query(`select user_id::text, role, status, joined_at::text from control.memberships where tenant_id = $1 order by user_id`, [id]);
  const events = await stack.query<{ tenant_version: number; type: string; id: string }>(
    `select tenant_version, type, id::text from control.tenant_events where tenant_id = $1 order by tenant_version`,
    [id],
  );
  return { tenant: tenant?.row, members, events };
}

it('export, purge and import of the same tenant gives back every row, its control rows, a readable history and a working tenant', async () => {
  const token = await stack.token();
  const id = await createActiveTenant(stack, {
    name: 'Archivo Andes SpA', rut: '76.086.428-5', address: 'Av. Providencia 1234', commune: 'Providencia', city: 'Santiago', giro: 'Venta',
    economic_activities: [{ code: '479100', name: 'Venta al por menor por internet', category: '1ra', taxable: true }],
  });
  const schema = schemaNameFor(id);
  await seedTenantRows(db, id, 2_000);
  expect((await stack.request('PATCH', `/v1/tenants/${id}`, { city: 'Valparaíso' }, token)).status).toBe(200);
  await waitFor('issuer synced', async () => (await db.query(`select city from ${schema}.issuer`)).rows[0]?.city === 'Valparaíso', { timeoutMs: 30_000 });
  const before = await tableContents(db, schema);
  const controlBefore = await controlRows(id);
  const historyBefore = await history(id);
  expect(historyBefore.map((e) => e.data.tenant.name)).toEqual(historyBefore.map(() => 'Archivo Andes SpA'));
  const versionBefore = (await stack.request('GET', `/v1/tenants/${id}`, undefined, token)).body;

  const file = join(work, 'same-id.tar');
  const exported = await cli(['tenants', 'export', id, '--out', file]);
  expect(exported.stderr).toBe('');
  expect(exported.code).toBe(0);
  expect(exported.json.manifest.row_counts.invoices).toBe(2_000);
  expect(exported.json.manifest.row_counts.invoice_lines).toBe(6_000);
  expect(exported.json.manifest.schema_version).toBe(versionBefore.schema_version);
  // The archive holds the history opened, like the members' profiles: it outlives the key.
  const archivedEvents = JSON.parse((await readArchiveEntries(file)).find((e) => e.name === PARTS.events)!.data.toString('utf8'));
  expect(archivedEvents.map((e: { event: { data: { tenant: { name: string } } } }) => e.event.data.tenant.name)).toEqual(historyBefore.map(() => 'Archivo Andes SpA'));

  await purge(id);
  expect((await db.query('select 1 from pg_namespace where nspname = $1', [schema])).rowCount).toBe(0);
  expect((await history(id)).map((e) => e.data.tenant.name)).toEqual([...historyBefore.map(() => null), null, null]);

  // dte-sync stopped meanwhile: it would re-apply the imported tenant's snapshot (same values, new
  // activity ids and timestamps) before the rows could be compared as restored.
  await stack.services.get('dte-sync')!.stop();
  const imported = await cli(['tenants', 'import', file]);
  expect(imported.stderr).toBe('');
  expect(imported.code).toBe(0);
  expect(imported.json.tenant.id).toBe(id);

  // Every table, row by row; the schema version; the control rows.
  expect(await tableContents(db, schema)).toEqual(before);
  const after = (await stack.request('GET', `/v1/tenants/${id}`, undefined, token)).body;
  expect(after.schema_version).toBe(versionBefore.schema_version);
  expect(after.status).toBe('active');
  const controlAfter = await controlRows(id);
  expect(controlAfter.tenant).toEqual(controlBefore.tenant);
  expect(controlAfter.members).toEqual(controlBefore.members);
  // The history comes back, then the former life's deactivation and purge, then the events of a
  // newly created tenant.
  expect(controlAfter.events.slice(0, controlBefore.events.length)).toEqual(controlBefore.events);
  expect(controlAfter.events.slice(controlBefore.events.length).map((e) => [e.tenant_version, e.type])).toEqual([
    [versionBefore.version + 1, 'TenantDeactivated'],
    [versionBefore.version + 2, 'TenantPurged'],
    [versionBefore.version + 3, 'TenantCreated'],
    [versionBefore.version + 4, 'TenantProvisioned'],
  ]);
  // Readable again through the API (sealed anew with the tenant's new key), and sealed in the log.
  const historyAfter = await history(id);
  expect(historyAfter.slice(0, historyBefore.length)).toEqual(historyBefore);
  expect(historyAfter.slice(historyBefore.length).map((e) => [e.type, e.data.tenant.name])).toEqual([
    ['TenantDeactivated', null], ['TenantPurged', null], ['TenantCreated', 'Archivo Andes SpA'], ['TenantProvisioned', 'Archivo Andes SpA'],
  ]);
  expect(await logRowsHolding(id, 'Archivo Andes SpA')).toBe(0);
  expect((await db.query('select rolcanlogin from pg_roles where rolname = $1', [roleNameFor(id)])).rows[0]?.rolcanlogin).toBe(true);

  // The tenant works: a PATCH reaches its issuer row through dte-sync.
  stack.start('dte-sync');
  expect((await stack.request('PATCH', `/v1/tenants/${id}`, { address: 'Av. Restaurada 42' }, token)).status).toBe(200);
  await waitFor('issuer follows after the import', async () => (await db.query(`select address from ${schema}.issuer`)).rows[0]?.address === 'Av. Restaurada 42', { timeoutMs: 30_000 });
}, 180_000);

it('a member erased after the export stays erased when the archive is imported', async () => {
  const token = await stack.token();
  const id = await createActiveTenant(stack, { name: 'Archivo Olvido SpA', address: 'Calle 5', commune: 'Ñuñoa', city: 'Santiago' });
  const email = `dev-${id.slice(-8)}@archive.test`;
  const [member] = await stack.query<{ user_id: string }>(`select u.id::text as user_id from control.users u where u.email = $1`, [email]);
  // The tenant's own copy of its member's profile, as its application keeps it.
  await db.query(`insert into ${schemaNameFor(id)}.users (user_id, email, first_name, last_name, role) values ($1, $2, 'Ana', 'Rojas', 'developer')`, [member.user_id, email]);
  const file = join(work, 'erased-member.tar');
  expect((await cli(['tenants', 'export', id, '--out', file])).code).toBe(0);
  await purge(id);
  expect((await stack.request('DELETE', `/v1/users/${member.user_id}?erase=true`, undefined, token)).status).toBe(204);

  const imported = await cli(['tenants', 'import', file]);
  expect(imported.stderr).toBe('');
  expect(imported.code).toBe(0);
  // Not a member again, no user with that e-mail, no profile copy in the schema; the tombstone stays.
  expect((await stack.query(`select user_id::text from control.memberships where tenant_id = $1 and user_id = $2`, [id, member.user_id]))).toEqual([]);
  expect(await stack.query(`select id from control.users where lower(email) = lower($1)`, [email])).toEqual([]);
  expect(await stack.query(`select status, email from control.users where id = $1`, [member.user_id])).toEqual([{ status: 'erased', email: null }]);
  expect((await db.query(`select count(*)::int as n from ${schemaNameFor(id)}.users where user_id = $1`, [member.user_id])).rows[0].n).toBe(0);
  // Its history: the tenant readable again, the erased member's fields null, nothing readable in the log.
  const added = (await history(id)).filter((e) => e.type === 'TenantMemberAdded' && e.data.member?.user_id === member.user_id);
  expect(added.map((e) => [e.data.tenant.name, e.data.member!.email, e.data.member!.first_name])).toEqual([['Archivo Olvido SpA', null, null]]);
  expect(await logRowsHolding(id, email)).toBe(0);
  // The other members came back.
  expect((await stack.request('GET', `/v1/tenants/${id}`, undefined, token)).body.members.length).toBeGreaterThan(0);
}, 180_000);

it('an export taken while the tenant writes holds whole transactions only, and its counts match its contents', async () => {
  const id = await createActiveTenant(stack, { name: 'Escritura Continua SpA', address: 'Calle 1', commune: 'Ñuñoa', city: 'Santiago' });
  await seedTenantRows(db, id, 5_000);
  const writer = startInvoiceWriter(stack.db.url, id, 1_000_000);
  let exported;
  try {
    await waitFor('writer going', async () => writer.committed() >= 20, { timeoutMs: 30_000 });
    const committedBefore = writer.committed();
    exported = await cli(['tenants', 'export', id, '--out', join(work, 'under-load.tar')]);
    const committedAfter = writer.committed();
    expect(exported.code).toBe(0);
    const counts = exported.json.manifest.row_counts;
    // Invoice and lines commit together: a snapshot never holds an invoice without its 3 lines.
    expect(counts.invoice_lines).toBe(3 * counts.invoices);
    expect(counts.invoices).toBeGreaterThanOrEqual(5_000 + committedBefore);
    expect(counts.invoices).toBeLessThanOrEqual(5_000 + committedAfter + 1);
    await waitFor('writer still going after the export', async () => writer.committed() >= committedAfter + 20, { timeoutMs: 30_000 });
  } finally {
    await writer.stop();
  }
  // Restored as a clone beside the original, the archive holds exactly what its manifest counted,
  // and the writer's invoices in it are a gap-free prefix of what it committed.
  const clone = await cli(['tenants', 'import', join(work, 'under-load.tar'), '--as-new']);
  expect(clone.stderr).toBe('');
  expect(clone.code).toBe(0);
  const cloneSchema = schemaNameFor(clone.json.tenant.id);
  const contents = await tableContents(db, cloneSchema);
  expect(Object.fromEntries(Object.entries(contents).map(([table, rows]) => [table, rows.length]))).toEqual(exported.json.manifest.row_counts);
  const { rows: [shape] } = await db.query(
    `select count(*)::int as written, max(folio)::int - 999999 as highest,
            (select count(*)::int from ${cloneSchema}.invoices i where (select count(*) from ${cloneSchema}.invoice_lines l where l.invoice_id = i.id) <> 3) as partial
       from ${cloneSchema}.invoices where folio >= 1000000`,
  );
  expect(shape).toEqual({ written: exported.json.manifest.row_counts.invoices - 5_000, highest: exported.json.manifest.row_counts.invoices - 5_000, partial: 0 });
}, 180_000);

it('refuses a tampered, partial or too new archive with its code and leaves no schema, role or control row', async () => {
  const id = await createActiveTenant(stack, { name: 'Archivo Alterado SpA', address: 'Calle 2', commune: 'Maipú', city: 'Santiago' });
  await seedTenantRows(db, id, 500);
  const file = join(work, 'to-tamper.tar');
  expect((await cli(['tenants', 'export', id, '--out', file])).code).toBe(0);
  await purge(id);
  const entries = await readArchiveEntries(file);
  const manifest = JSON.parse(entries.find((e) => e.name === MANIFEST_ENTRY)!.data.toString('utf8'));
  const withManifest = (change: (m: typeof manifest) => void) => {
    const copy = structuredClone(manifest);
    change(copy);
    return entries.map((e) => (e.name === MANIFEST_ENTRY ? { name: e.name, data: Buffer.from(JSON.stringify(copy)) } : e));
  };
  const oneByteChanged = entries.map((e) => {
    if (e.name !== PARTS.schema) return e;
    const data = Buffer.from(e.data);
    data[Math.floor(data.length / 2)] ^= 0x01;
    return { name: e.name, data };
  });
  const cases: [string, typeof entries, string, string[]][] = [
    ['one byte changed', oneByteChanged, 'TNT_ERR_ARCHIVE_CHECKSUM_MISMATCH', []],
    ['a part missing', entries.filter((e) => e.name !== PARTS.members), 'TNT_ERR_ARCHIVE_PART_MISSING', []],
    ['a newer migration version', withManifest((m) => (m.schema_version = 'Migration20991231000000_from_the_future')), 'TNT_ERR_ARCHIVE_SCHEMA_TOO_NEW', []],
    ['another format version', withManifest((m) => (m.format_version = 2)), 'TNT_ERR_ARCHIVE_FORMAT_UNSUPPORTED', []],
    // Checksums intact but the counts lie: found only once the schema is restored, which is then undone.
    ['counts that lie', withManifest((m) => (m.row_counts.invoices += 1)), 'TNT_ERR_ARCHIVE_CONTENT_MISMATCH', []],
    ['counts that lie, as a clone', withManifest((m) => (m.row_counts.invoices += 1)), 'TNT_ERR_ARCHIVE_CONTENT_MISMATCH', ['--as-new']],
  ];
  const footprint = await installationFootprint(db);
  for (const [what, altered, code, flags] of cases) {
    const alteredFile = join(work, `tampered-${cases.findIndex((c) => c[0] === what)}.tar`);
    await writeArchiveEntries(alteredFile, altered);
    const refused = await runCli(['tenants', 'import', alteredFile, ...flags], stack.env);
    expect({ what, code: refused.code, refusal: refused.stderr.includes(code) }).toEqual({ what, code: 2, refusal: true });
    expect(await installationFootprint(db)).toEqual(footprint);
  }
  // Not a tar file at all.
  const garbage = join(work, 'garbage.tar');
  await writeFile(garbage, 'not an archive');
  const refused = await runCli(['tenants', 'import', garbage], stack.env);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('TNT_ERR_ARCHIVE_INVALID');
  // The untouched archive imports.
  expect((await cli(['tenants', 'import', file])).code).toBe(0);
  const restored = await installationFootprint(db);
  expect(restored.tenants).toContain(id);
  // The footprint sees this installation's roles (so it would see one a refused import left).
  expect(restored.roles).toContain(roleNameFor(id));
}, 180_000);

it('--as-new gives an independent clone: its own id, slug, schema and role; writes to it never reach the original', async () => {
  const token = await stack.token();
  const id = await createActiveTenant(stack, { name: 'Plantilla Base SpA', rut: '96.790.240-3', address: 'Calle 3', commune: 'Ñuñoa', city: 'Santiago' });
  await seedTenantRows(db, id, 300);
  const file = join(work, 'template.tar');
  expect((await cli(['tenants', 'export', id, '--out', file])).code).toBe(0);
  const original = await tableContents(db, schemaNameFor(id));

  const imported = await cli(['tenants', 'import', file, '--as-new']);
  expect(imported.stderr).toBe('');
  expect(imported.code).toBe(0);
  const clone = imported.json.tenant;
  expect(clone.id).not.toBe(id);
  expect(clone.slug).not.toBe((await stack.request('GET', `/v1/tenants/${id}`, undefined, token)).body.slug);
  expect(clone.rut).toBeNull();
  expect(clone.version).toBe(2);
  const cloneSchema = schemaNameFor(clone.id);
  await waitFor('clone active with its members', async () => {
    const read = (await stack.request('GET', `/v1/tenants/${clone.id}`, undefined, token)).body;
    return read.status === 'active' && read.members.length === 2;
  }, { timeoutMs: 30_000 });
  const copied = await tableContents(db, cloneSchema);
  expect(copied.invoices).toEqual(original.invoices);
  expect(copied.invoice_lines).toEqual(original.invoice_lines);

  // The clone's own role writes in the clone only, and cannot read the original.
  const cloneRole = new URL(stack.db.url);
  cloneRole.username = roleNameFor(clone.id);
  const app = new pg.Client({ connectionString: cloneRole.toString() });
  await app.connect();
  try {
    await app.query(`insert into invoices (document_type, folio) values (33, 777777)`);
    await expect(app.query(`select 1 from ${schemaNameFor(id)}.invoices limit 1`)).rejects.toThrow(/permission denied/);
  } finally {
    await app.end();
  }
  expect((await db.query(`select count(*)::int as n from ${schemaNameFor(id)}.invoices where folio = 777777`)).rows[0].n).toBe(0);
  expect((await db.query(`select count(*)::int as n from ${cloneSchema}.invoices where folio = 777777`)).rows[0].n).toBe(1);

  // dte-sync serves the clone on its own versions; the original's issuer stays as it was.
  expect((await stack.request('PATCH', `/v1/tenants/${clone.id}`, { address: 'Av. Clonada 9' }, token)).status).toBe(200);
  await waitFor('clone issuer follows', async () => (await db.query(`select address from ${cloneSchema}.issuer`)).rows[0]?.address === 'Av. Clonada 9', { timeoutMs: 30_000 });
  expect((await db.query(`select address, rut from ${schemaNameFor(id)}.issuer`)).rows[0]).toEqual({ address: 'Calle 3', rut: '96790240-3' });
}, 180_000);

it('POST /v1/tenants/{id}/export answers 202 with where to download; the download is an archive that imports', async () => {
  const token = await stack.token();
  const id = await createActiveTenant(stack, { name: 'Exportada Por API SpA', address: 'Calle 4', commune: 'Recoleta', city: 'Santiago' });
  await seedTenantRows(db, id, 200);
  const started = await stack.request('POST', `/v1/tenants/${id}/export`, undefined, token);
  expect(started.status).toBe(202);
  expect(started.body).toMatchObject({ tenant_id: id, state: 'running', download: `/v1/tenants/${id}/exports/${started.body.id}` });
  expect(started.headers.get('location')).toBe(started.body.download);
  const download = await waitFor('archive ready', async () => {
    const response = await fetch(`${stack.baseUrl}${started.body.download}`, { headers: { authorization: `Bearer ${token}` } });
    if (response.status === 202) return undefined;
    return response;
  }, { timeoutMs: 60_000, intervalMs: 200 });
  expect(download.status).toBe(200);
  expect(download.headers.get('content-type')).toBe('application/x-tar');
  const file = join(work, 'from-api.tar');
  await writeFile(file, Buffer.from(await download.arrayBuffer()));
  const clone = await cli(['tenants', 'import', file, '--as-new']);
  expect(clone.code).toBe(0);
  expect((await db.query(`select count(*)::int as n from ${schemaNameFor(clone.json.tenant.id)}.invoices`)).rows[0].n).toBe(200);
  // An export id that was never issued for this tenant.
  expect((await stack.request('GET', `/v1/tenants/${id}/exports/0193a000-0000-7000-8000-000000000000`, undefined, token)).status).toBe(404);
}, 120_000);
