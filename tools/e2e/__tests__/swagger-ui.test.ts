import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { startStack, type Stack } from '../stack.ts';

/**
 * /docs as a person at a browser uses it: Debian's chromium (installed by .ci/run, never
 * downloaded), headless, on a fresh profile. Every operation renders its parameters; Try it out
 * on GET /v1/tenants/{id} with a bearer token answers 200 with the tenant.
 */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let stack: Stack;
let browser: BrowserContext;
let profile: string;

beforeAll(async () => {
  stack = await startStack(['tenant-api'], { readyPath: '/healthz' });
  profile = mkdtempSync(join(tmpdir(), 'tenantry-chromium-'));
  // launchPersistentContext is how playwright takes a --user-data-dir of our choosing (a fresh one).
  browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await stack?.stop();
}, 60_000);

test('every operation renders its parameters in Swagger UI', async () => {
  const page = await browser.newPage();
  await page.goto(`${stack.baseUrl}/docs`);
  const summaries = page.locator('.opblock .opblock-summary-control');
  await summaries.first().waitFor({ timeout: 30_000 });
  const count = await summaries.count();
  expect(count).toBeGreaterThanOrEqual(26);
  const broken: string[] = [];
  // One at a time (expand, look, collapse): all 26 open at once is slow to render on a busy machine.
  for (let i = 0; i < count; i++) {
    const block = page.locator('.opblock').nth(i);
    await summaries.nth(i).click();
    await block.locator('.parameters-container').waitFor({ timeout: 30_000 });
    if ((await block.getByText('Could not render').count()) > 0) broken.push((await block.getAttribute('id')) ?? String(i));
    await summaries.nth(i).click();
  }
  expect(broken).toEqual([]);
  await page.close();
}, 300_000);

test('Try it out: authorize with a token, GET /v1/tenants/{id} with the id filled in, 200', async () => {
  const created = await stack.api.POST('/v1/tenants', { body: { name: 'Swagger UI Tenant SpA' } });
  const id = created.data!.id;
  const token = await stack.token();

  const page = await browser.newPage();
  await page.goto(`${stack.baseUrl}/docs`);
  await page.locator('.auth-wrapper .authorize').click();
  await page.locator('.modal-ux input').first().fill(token);
  await page.locator('.modal-ux .auth-btn-wrapper .authorize').click();
  await page.locator('.modal-ux .btn-done').click();

  // Swagger UI names each operation block `operations-<tag>-<operationId>`.
  const operation = page.locator('#operations-tenants-getTenant');
  await operation.locator('.opblock-summary-control').click();
  await operation.locator('.try-out__btn').click();
  await operation.locator('tr[data-param-name="id"] input').fill(id);
  await operation.locator('.execute').click();

  const status = operation.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor({ timeout: 30_000 });
  expect((await status.textContent())?.trim()).toBe('200');
  const body = await operation.locator('.live-responses-table .response-col_description pre').first().textContent();
  expect(JSON.parse(body ?? '{}')).toMatchObject({ id, name: 'Swagger UI Tenant SpA' });
  await page.close();
}, 120_000);
