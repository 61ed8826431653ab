import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../src/lib/errors.ts';
import { PUBLIC } from '../src/platform/principal.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, signIn } from './support/auth.ts';
import { expectProblem as expectProblemDocument } from './support/problems.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({
    env: { BODY_LIMIT_BYTES: '1024' },
    extend: (app) => {
      app.get('/test/boom', { config: { policy: PUBLIC } }, async () => {
        throw new Error('secret connection string postgres://admin:hunter2@db');
      });
      app.post('/test/echo', { config: { policy: PUBLIC } }, async (request) => request.body);
    },
  });
});
afterAll(async () => t?.close());

/** A problem document that also has its title and the request id in a header. */
function expectProblem(
  res: { headers: Record<string, unknown>; body: string },
  code: ErrorCode,
  status: number,
) {
  const body = expectProblemDocument(res, status, code);
  expect(typeof body.title).toBe('string');
  expect(res.headers['x-request-id']).toBe(body.requestId);
  return body;
}

describe('errors are problem+json with stable codes', () => {
  it('unknown route → 404 ROUTE_NOT_FOUND', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expectProblem(res, 'ROUTE_NOT_FOUND', 404);
  });

  it('malformed JSON → 400 MALFORMED_JSON', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"plan": "libra-plus",',
    });
    expect(res.statusCode).toBe(400);
    expectProblem(res, 'MALFORMED_JSON', 400);
  });

  it('oversize body → 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ text: 'x'.repeat(2048) }),
    });
    expect(res.statusCode).toBe(413);
    expectProblem(res, 'PAYLOAD_TOO_LARGE', 413);
  });

  it('unsupported content type → 415', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/x-yaml' },
      payload: 'a: 1',
    });
    expect(res.statusCode).toBe(415);
    expectProblem(res, 'UNSUPPORTED_MEDIA_TYPE', 415);
  });

  it('an unexpected failure → 500 INTERNAL_ERROR that leaks nothing', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/boom' });
    expect(res.statusCode).toBe(500);
    expectProblem(res, 'INTERNAL_ERROR', 500);
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('postgres://');
    expect(res.body).not.toMatch(/at .+\.ts:\d+/); // no stack frames
  });

  it('speaks Spanish by default and English when asked', async () => {
    const es = (await t.app.inject({ method: 'GET', url: '/v1/nothing' })).json();
    const en = (
      await t.app.inject({
        method: 'GET',
        url: '/v1/nothing',
        headers: { 'accept-language': 'en-US,en;q=0.9' },
      })
    ).json();
    expect(es.title).toMatch(/No encontramos/);
    expect(en.title).toMatch(/Nothing here/);
  });

  it('describes each problem type at its URI', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/problems/plan-not-found' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ code: 'PLAN_NOT_FOUND', status: 404 });
  });
});

describe('request ids', () => {
  it('are generated when absent and kept when a caller sends a valid one', async () => {
    const generated = await t.app.inject({ method: 'GET', url: '/health' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await t.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'bank-req-12345678' },
    });
    expect(kept.headers['x-request-id']).toBe('bank-req-12345678');
    const replaced = await t.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'a b<script>' },
    });
    expect(replaced.headers['x-request-id']).not.toBe('a b<script>');
  });
});

describe('platform endpoints', () => {
  it('GET /health checks the database', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: t.database.handle.kind });
  });

  it('GET /metrics is Prometheus text with request durations by route', async () => {
    await t.app.inject({ method: 'GET', url: '/v1/plans' });
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const supervisor = await signIn(t, await createUser(t, 'supervisor'));
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: supervisor.read });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(
      /libra_http_request_duration_seconds_count\{method="GET",route="\/v1\/plans",status_code="200"\} \d+/,
    );
    expect(res.body).toContain('libra_process_cpu_user_seconds_total');
  });

  it('GET /openapi.json describes the API as OpenAPI 3.1, from the route schemas', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/plans', '/v1/plans/{code}', '/health']),
    );
    const plan = doc.paths['/v1/plans/{code}'].get;
    expect(plan.responses['200'].content['application/json'].schema.properties.price).toBeDefined();
    expect(plan.responses['404'].content['application/problem+json']).toBeDefined();
  });

  it('GET /docs serves the interactive API docs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('swagger-ui');
  });

  it('sends security headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/plans' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeDefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS', () => {
  it('is closed by default and open only to the configured origins', async () => {
    const open = await buildTestApp({ env: { CORS_ORIGINS: 'https://banco.example' } });
    try {
      const preflight = (app: TestApp, origin: string) =>
        app.app.inject({
          method: 'OPTIONS',
          url: '/v1/plans',
          headers: { origin, 'access-control-request-method': 'GET' },
        });
      const allowed = await preflight(open, 'https://banco.example');
      expect(allowed.statusCode).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://banco.example');
      expect(
        (await preflight(open, 'https://evil.example')).headers['access-control-allow-origin'],
      ).toBeUndefined();
      const refused = await open.app.inject({
        method: 'GET',
        url: '/v1/me',
        headers: { origin: 'https://banco.example' },
      });
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['access-control-allow-origin']).toBe('https://banco.example');
      expect(
        (await preflight(t, 'https://banco.example')).headers['access-control-allow-origin'],
      ).toBeUndefined();
    } finally {
      await open.close();
    }
  });
});

describe('rate limits', () => {
  it('answer 429 RATE_LIMITED with Retry-After past the limit, per client address', async () => {
    const limited = await buildTestApp({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof limited.app.inject>> | undefined;
      for (let i = 0; i < 4; i++) {
        last = await limited.app.inject({ method: 'GET', url: '/v1/plans', remoteAddress: '203.0.113.7' });
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(last?.headers['retry-after']).toMatch(/^\d+$/);
      expectProblem(last as never, 'RATE_LIMITED', 429);
      // Health checks and metrics scrapes are never limited.
      for (let i = 0; i < 5; i++) {
        const health = await limited.app.inject({
          method: 'GET',
          url: '/health',
          remoteAddress: '203.0.113.7',
        });
        expect(health.statusCode).toBe(200);
      }
      // Another address is not affected.
      const other = await limited.app.inject({
        method: 'GET',
        url: '/v1/plans',
        remoteAddress: '203.0.113.8',
      });
      expect(other.statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
