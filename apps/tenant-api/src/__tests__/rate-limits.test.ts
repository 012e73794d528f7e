import type { InjectOptions } from 'fastify';
import { createUser } from '@tenantry/control-db';
import { expectProblem } from '../testing/http-helpers.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let sequence = 0;
const unique = () => `${Date.now().toString(36)}-${++sequence}`;

beforeAll(async () => {
  t = await createTestApp({ RATE_LIMIT_MAX: '3' });
});
afterAll(async () => {
  await t?.close();
});

/** A superuser and two distinct tokens of it, signed directly (logging in would spend the address's budget). */
async function superuserWithTwoTokens() {
  const user = await createUser(t.orm, { email: `limited-${unique()}@limit.test`, passwordHash: null, superuser: true });
  const claims = { sub: user.id, email: user.email, superuser: true, permissions: [] };
  return [await t.app.jwt.sign(claims), await t.app.jwt.sign({ ...claims, permissions: ['CREATE_TENANT'] })];
}

const createGroup = (headers: InjectOptions['headers'], remoteAddress = '127.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/v1/tenant-groups', headers, remoteAddress, payload: { name: `Group ${unique()}` } });

const login = (email: string, remoteAddress: string, headers: InjectOptions['headers'] = {}, app = t.app) =>
  app.inject({ method: 'POST', url: '/v1/auth/token', remoteAddress, headers, payload: { email, password: 'not-the-password' } });

function expectRateLimited(response: Awaited<ReturnType<typeof login>>) {
  expect(expectProblem(response, 429).code).toBe('TNT_ERR_RATE_LIMITED');
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
}

describe('writes (RATE_LIMIT_MAX=3)', () => {
  it("count against the verified token's subject: two tokens of one user, however `Bearer` is spelled and whatever X-Forwarded-For says, share one budget", async () => {
    const [first, second] = await superuserWithTwoTokens();
    const tries = [`Bearer ${first}`, `bearer ${second}`, `BEARER ${first}`, `bearer ${second}`];
    const statuses: number[] = [];
    for (const [i, authorization] of tries.entries()) {
      const response = await createGroup({ authorization, 'x-forwarded-for': `198.51.100.${i + 1}` });
      statuses.push(response.statusCode);
      if (i === 3) expectRateLimited(response);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
    // Another user has a budget of its own.
    const [other] = await superuserWithTwoTokens();
    expect((await createGroup({ authorization: `Bearer ${other}` })).statusCode).toBe(201);
  });

  it('without a valid token on a route that needs one: 401 every time, never 429 (authentication comes first)', async () => {
    for (let i = 0; i < 6; i++) {
      expectProblem(await createGroup({}, '10.6.0.1'), 401);
      expectProblem(await createGroup({ authorization: `Bearer junk.${unique()}.junk` }, '10.6.0.1'), 401);
    }
  });

  it("made-up tokens on the login route share the peer address's budget; X-Forwarded-For is not believed without TRUST_PROXY", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await login(`nobody-${i}@limit.test`, '10.5.0.1', {
        authorization: `Bearer junk.${unique()}.junk`,
        'x-forwarded-for': `203.0.113.${i + 1}`,
      });
      statuses.push(response.statusCode);
      if (i === 3) expectRateLimited(response);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('with TRUST_PROXY naming the proxy, the client address comes from its X-Forwarded-For, and only from it', async () => {
    const proxied = await t.restartedApp({ TRUST_PROXY: '10.8.0.1' });
    try {
      const attempt = (remoteAddress: string, forwardedFor: string) =>
        proxied.app.inject({
          method: 'POST',
          url: '/v1/auth/token',
          remoteAddress,
          headers: { 'x-forwarded-for': forwardedFor },
          payload: { email: 'nobody@limit.test', password: 'not-the-password' },
        });
      // Through the proxy: each client its own budget.
      for (let i = 1; i <= 4; i++) expect((await attempt('10.8.0.1', `203.0.113.${i}`)).statusCode).toBe(401);
      // The same client through the proxy: its 4th is refused.
      for (let i = 0; i < 3; i++) expect((await attempt('10.8.0.1', '203.0.113.99')).statusCode).toBe(401);
      expect((await attempt('10.8.0.1', '203.0.113.99')).statusCode).toBe(429);
      // Straight from a peer that is not the proxy, X-Forwarded-For is ignored.
      for (let i = 1; i <= 3; i++) expect((await attempt('10.9.0.1', `203.0.113.${i + 10}`)).statusCode).toBe(401);
      expect((await attempt('10.9.0.1', '203.0.113.50')).statusCode).toBe(429);
    } finally {
      await proxied.close();
    }
  });
});

describe('login (LOGIN_RATE_LIMIT_MAX=5 per address, LOGIN_ACCOUNT_RATE_LIMIT_MAX=3 per account)', () => {
  let logins: Awaited<ReturnType<TestApp['restartedApp']>>;
  beforeAll(async () => {
    logins = await t.restartedApp({ RATE_LIMIT_MAX: '0', LOGIN_RATE_LIMIT_MAX: '5', LOGIN_ACCOUNT_RATE_LIMIT_MAX: '3' });
  });
  afterAll(async () => {
    await logins?.close();
  });

  it('guesses at one account from many addresses are refused after the account limit, with Retry-After; other accounts are not affected', async () => {
    const statuses: number[] = [];
    const variants = ['victim@limit.test', 'Victim@Limit.test', ' victim@limit.test', 'VICTIM@LIMIT.TEST'];
    for (const [i, email] of variants.entries()) {
      const response = await login(email, `10.20.0.${i + 1}`, {}, logins.app);
      statuses.push(response.statusCode);
      if (i === 3) expectRateLimited(response);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    expectProblem(await login('bystander@limit.test', '10.20.0.4', {}, logins.app), 401);
  });

  it('guesses at many accounts from one address are refused after the address limit, with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await login(`spray-${i}@limit.test`, '10.21.0.1', {}, logins.app);
      statuses.push(response.statusCode);
      if (i === 5) expectRateLimited(response);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
