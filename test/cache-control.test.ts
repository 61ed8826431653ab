import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_ASSETS, WEB_PAGES } from '../src/platform/web.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, signIn, type TestUser } from './support/auth.ts';
import { buildCharge } from './support/factories.ts';

/**
 * `Cache-Control: no-store` on every answer that is not public content (issue 19): whatever route,
 * caller or outcome, unless the answer is a public route's successful read, which keeps the caching
 * its route chose. test/access-matrix.test.ts checks the same on every route's successful answers.
 */
let t: TestApp;
let dir: string;
let admin: TestUser;

/** Routes whose successful reads are the same for everyone. A new one is added here on purpose. */
const PUBLIC_CONTENT = new Set<string>([
  '/v1/plans',
  '/v1/plans/:code',
  '/v1/legal',
  // The web's run-time settings (the map's style): the same for everyone, cached five minutes.
  '/v1/web-config',
  '/health',
  '/health/live',
  '/health/ready',
  '/openapi.json',
  '/problems',
  '/problems/:slug',
  ...WEB_PAGES,
  WEB_ASSETS,
]);
const isPublicContent = (url: string) => PUBLIC_CONTENT.has(url) || url.startsWith('/docs');

beforeAll(async () => {
  // A stand-in web build, so the pages and assets answer as they do in production.
  dir = await mkdtemp(path.join(tmpdir(), 'libra-cache-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  await writeFile(path.join(dir, 'assets', 'index-abc123.js'), 'console.log("libra")');
  t = await buildTestApp({ webDir: dir, env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' } });
  admin = await createUser(t, 'admin');
});
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

const noStore = (res: { headers: Record<string, unknown> }) =>
  /\bno-store\b/.test(String(res.headers['cache-control'] ?? ''));

describe('Cache-Control', () => {
  it('is no-store on every answer of every route but public content, for anonymous callers and an admin', async () => {
    const wrong: string[] = [];
    for (const route of t.app.registeredRoutes) {
      if (route.method === 'HEAD') continue;
      const url = route.url
        .replace(/:(\w+)/g, (_, name) =>
          name === 'code' ? 'libra-one' : '01a211f5-0000-7000-8000-000000000000',
        )
        .replace(/\*$/, 'index-abc123.js');
      // A fresh session for each request: some routes end the session they are called with.
      for (const headers of [{}, (await signIn(t, admin)).write]) {
        const res = await t.app.inject({
          method: route.method as 'GET',
          url,
          headers,
          // Live streams never end: their headers are enough.
          payloadAsStream: true,
        });
        res.stream().destroy();
        const expected = !(isPublicContent(route.url) && res.statusCode < 400);
        if (noStore(res) !== expected)
          wrong.push(`${route.method} ${route.url} ${res.statusCode}: ${res.headers['cache-control']}`);
      }
    }
    expect(t.app.registeredRoutes.length).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
  });

  it('keeps public content cacheable as its route chose', async () => {
    const plans = await t.app.inject({ method: 'GET', url: '/v1/plans' });
    expect(plans.statusCode).toBe(200);
    expect(plans.headers['cache-control']).toBeUndefined();
    const asset = await t.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.headers['cache-control']).toContain('immutable');
    const page = await t.app.inject({ method: 'GET', url: '/contratar' });
    expect(page.headers['cache-control']).toBe('no-cache');
    // Signed in or not, the catalog is the same for everyone.
    const signedIn = await t.app.inject({
      method: 'GET',
      url: '/v1/plans',
      headers: (await signIn(t, admin)).read,
    });
    expect(signedIn.headers['cache-control']).toBeUndefined();
  });

  it('is no-store on public routes whose answers are personal: signing in, contracting, a card token', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: admin.email, password: admin.password },
    });
    expect(login.statusCode).toBe(200);
    expect(login.headers['cache-control']).toBe('no-store');
    const token = await t.app.inject({
      method: 'POST',
      url: '/v1/sandbox/card-tokens',
      payload: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvv: '123' },
    });
    expect(token.statusCode).toBe(201);
    expect(token.headers['cache-control']).toBe('no-store');
  });

  it('is no-store on personal downloads: a paid charge’s receipt PDF', async () => {
    const { charge } = await buildCharge(t);
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/charges/${charge.id}/receipt.pdf`,
      headers: (await signIn(t, admin)).read,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('is no-store on problem+json answers, public routes and unknown paths included', async () => {
    for (const [url, status] of [
      ['/v1/plans/no-such-plan', 404],
      ['/v1/nothing-here', 404],
      ['/assets/missing.js', 404],
      ['/v1/me', 401],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('is no-store on a rate-limited answer', async () => {
    const limited = await buildTestApp({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '1' } });
    try {
      await limited.app.inject({ method: 'GET', url: '/v1/plans', remoteAddress: '203.0.113.90' });
      const res = await limited.app.inject({
        method: 'GET',
        url: '/v1/plans',
        remoteAddress: '203.0.113.90',
      });
      expect(res.statusCode).toBe(429);
      expect(res.headers['cache-control']).toBe('no-store');
    } finally {
      await limited.close();
    }
  });
});
