import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { bearer, createApiKey, createUser, signIn } from './support/auth.ts';

/**
 * Whose budget a request spends (issue 19): an API key's own, wherever it calls from; a signed-in
 * person's own; an anonymous caller's address. Small budgets here so a few calls reach them:
 * 3 a minute per address, 8 per key by default, 5 per person.
 */
let t: TestApp;
const PUBLIC = 3;
const PARTNER = 8;
const USER = 5;
let address = 0;
/** A fresh client address per test: what one test spends never reaches the next. */
const freshAddress = () => `198.51.100.${++address}`;

beforeAll(async () => {
  t = await buildTestApp({
    env: {
      PUBLIC_RATE_LIMIT_PER_MINUTE: String(PUBLIC),
      PARTNER_RATE_LIMIT_PER_MINUTE: String(PARTNER),
      USER_RATE_LIMIT_PER_MINUTE: String(USER),
    },
  });
});
afterAll(async () => t?.close());

/** `n` reads of the plan catalog (a public route any caller may read) from one address. */
async function calls(n: number, remoteAddress: string, headers: Record<string, string> = {}) {
  const answers = [];
  for (let i = 0; i < n; i++) {
    answers.push(await t.app.inject({ method: 'GET', url: '/v1/plans', headers, remoteAddress }));
  }
  return answers;
}

const statuses = (answers: { statusCode: number }[]) => answers.map((a) => a.statusCode);
const times = (n: number, status: number) => Array.from({ length: n }, () => status);

function expectRateLimited(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) {
  expect(res.statusCode).toBe(429);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  expect(res.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
  expect(String(res.headers['retry-after'])).toMatch(/^\d+$/);
}

describe('rate limits', () => {
  it('limit anonymous callers per address', async () => {
    const here = freshAddress();
    const answers = await calls(PUBLIC + 1, here);
    expect(statuses(answers)).toEqual([...times(PUBLIC, 200), 429]);
    expectRateLimited(answers.at(-1) as never);
    expect(answers[0]?.headers['x-ratelimit-limit']).toBe(String(PUBLIC));
    // Another address has its own budget.
    expect(statuses(await calls(1, freshAddress()))).toEqual([200]);
  });

  it("let a partner key call past the per-address limit from one address, up to the key's own limit", async () => {
    const here = freshAddress();
    const partner = await createApiKey(t, 'partner', ['memberships:read']);
    const answers = await calls(PARTNER + 1, here, bearer(partner.key));
    expect(PARTNER).toBeGreaterThan(PUBLIC);
    expect(statuses(answers)).toEqual([...times(PARTNER, 200), 429]);
    expect(answers[0]?.headers['x-ratelimit-limit']).toBe(String(PARTNER));
    expectRateLimited(answers.at(-1) as never);
  });

  it('give two keys separate budgets, and the address its own, from the same address', async () => {
    const here = freshAddress();
    const first = await createApiKey(t, 'partner', ['memberships:read']);
    const second = await createApiKey(t, 'partner', ['memberships:read']);
    expect(statuses(await calls(PARTNER + 1, here, bearer(first.key))).at(-1)).toBe(429);
    // The first key spent its budget; the second has all of its own, and anonymous callers theirs.
    expect(statuses(await calls(PARTNER, here, bearer(second.key)))).toEqual(times(PARTNER, 200));
    expect(statuses(await calls(PUBLIC, here))).toEqual(times(PUBLIC, 200));
  });

  it('apply the limit an admin gave a key, through the API and in its view', async () => {
    const admin = await signIn(t, await createUser(t, 'admin'), freshAddress());
    const create = (payload: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/admin/api-keys',
        headers: admin.write,
        remoteAddress: freshAddress(),
        payload: { name: 'Banco — consultas', kind: 'partner', scopes: ['memberships:read'], ...payload },
      });
    const created = await create({ rateLimitPerMinute: 12 });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().apiKey.rateLimitPerMinute).toBe(12);

    const here = freshAddress();
    const answers = await calls(13, here, bearer(created.json().key));
    expect(statuses(answers)).toEqual([...times(12, 200), 429]);
    expect(answers[0]?.headers['x-ratelimit-limit']).toBe('12');

    // Without a figure the key follows PARTNER_RATE_LIMIT_PER_MINUTE, and says so with null.
    const plain = await create({});
    expect(plain.json().apiKey.rateLimitPerMinute).toBeNull();
    const first = await calls(1, freshAddress(), bearer(plain.json().key));
    expect(first[0]?.headers['x-ratelimit-limit']).toBe(String(PARTNER));

    for (const bad of [0, 1_000_001, 2.5]) {
      const refused = await create({ rateLimitPerMinute: bad });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().code).toBe('VALIDATION_FAILED');
      expect(refused.json().errors[0].field).toBe('body/rateLimitPerMinute');
    }
  });

  it("refuse a key's limit out of range in the service too (the CLI calls it without the schema)", async () => {
    await expect(
      t.services.apiKeys.createApiKey(SYSTEM_ACTOR, {
        name: 'Banco',
        kind: 'partner',
        scopes: ['memberships:read'],
        rateLimitPerMinute: 0,
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('give each signed-in person a budget of their own, apart from their address', async () => {
    const here = freshAddress();
    // Two agents in one call centre, behind one address; signing in spends the address's budget.
    const ana = await signIn(t, await createUser(t, 'agent'), here);
    const beto = await signIn(t, await createUser(t, 'agent'), here);
    const mine = await calls(USER + 1, here, ana.read);
    expect(statuses(mine)).toEqual([...times(USER, 200), 429]);
    expect(mine[0]?.headers['x-ratelimit-limit']).toBe(String(USER));
    expectRateLimited(mine.at(-1) as never);
    expect(statuses(await calls(USER, here, beto.read))).toEqual(times(USER, 200));
    // Ana's budget follows her to another address.
    expect(statuses(await calls(1, freshAddress(), ana.read))).toEqual([429]);
  });
});

/**
 * Behind a load balancer every connection comes from the balancer. With TRUST_PROXY naming it, the
 * client's address is read from its X-Forwarded-For, so each anonymous caller keeps a budget of its
 * own; a header from anyone else is ignored, so nobody picks their own address.
 */
describe('rate limits behind a load balancer', () => {
  const BALANCER = '192.0.2.10';
  let behind: TestApp;
  beforeAll(async () => {
    behind = await buildTestApp({
      env: { PUBLIC_RATE_LIMIT_PER_MINUTE: String(PUBLIC), TRUST_PROXY: '192.0.2.0/24' },
    });
  });
  afterAll(async () => behind?.close());

  async function through(app: TestApp, remoteAddress: string, client: string, n: number) {
    const answers = [];
    for (let i = 0; i < n; i++)
      answers.push(
        await app.app.inject({
          method: 'GET',
          url: '/v1/plans',
          headers: { 'x-forwarded-for': client },
          remoteAddress,
        }),
      );
    return statuses(answers);
  }

  it("counts each client forwarded by a trusted balancer on its own address, and ignores anyone else's header", async () => {
    expect(await through(behind, BALANCER, '203.0.113.1', PUBLIC + 1)).toEqual([...times(PUBLIC, 200), 429]);
    // Another client through the same balancer: a budget of its own.
    expect(await through(behind, BALANCER, '203.0.113.2', PUBLIC)).toEqual(times(PUBLIC, 200));
    // A caller that is not the balancer cannot claim a fresh address with the header.
    const direct = freshAddress();
    expect(await through(behind, direct, '203.0.113.3', PUBLIC + 1)).toEqual([...times(PUBLIC, 200), 429]);
    expect(await through(behind, direct, '203.0.113.4', 1)).toEqual([429]);
  });

  it('without TRUST_PROXY, ignores X-Forwarded-For: every client behind a balancer is the balancer', async () => {
    const balancer = freshAddress();
    expect(await through(t, balancer, '203.0.113.1', PUBLIC)).toEqual(times(PUBLIC, 200));
    expect(await through(t, balancer, '203.0.113.2', 1)).toEqual([429]);
  });
});
