import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRenderModule, webBuildIsStale } from '../src/platform/web-build.ts';
import { buildTestApp, type TestApp } from './support/app.ts';

/**
 * How the Fastify process serves the customer web, on a stand-in build (the real one is built and
 * driven in a browser by web.browser.test.ts): the app's pages get index.html, assets are files,
 * and every other unknown path stays an API problem+json 404.
 */
let t: TestApp;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'libra-web-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(
    path.join(dir, 'index.html'),
    '<!doctype html><html lang="es-MX"><div id="root"></div></html>',
  );
  await writeFile(path.join(dir, 'assets', 'index-abc123.js'), 'console.log("libra")');
  t = await buildTestApp({ webDir: dir });
});

afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the customer web', () => {
  it.each(['/', '/contratar', '/entrar', '/aviso-de-privacidad', '/terminos', '/app', '/app/casos/123'])(
    'GET %s answers the app, never cached',
    async (url) => {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root">');
    },
  );

  it('serves hashed assets for a year', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('libra');
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it.each(['/assets/missing.js', '/v1/nothing-here', '/contratar/otra', '/unknown'])(
    'GET %s is a problem+json 404, not the app',
    async (url) => {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    },
  );

  // What Chromium sends when a person opens a URL, and what API clients send.
  const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

  it.each(['/no-existe', '/contratar/otra', '/app-vieja'])(
    'GET %s from a browser answers the app (its 404 page) with status 404, never stored',
    async (url) => {
      const res = await t.app.inject({ method: 'GET', url, headers: { accept: BROWSER } });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.vary).toContain('Accept');
      expect(res.body).toContain('<div id="root">');
    },
  );

  it.each([
    ['an API client', 'application/json'],
    ['a problem+json client', 'application/problem+json'],
    ['curl', '*/*'],
    ['a client preferring JSON', 'application/json, text/html;q=0.5'],
    ['nobody saying', undefined],
  ])('GET /no-existe from %s is problem+json 404', async (_who, accept) => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/no-existe',
      headers: accept ? { accept } : {},
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
  });

  it.each(['/v1/nothing-here', '/assets/missing.js', '/docs/nothing', '/health/nothing'])(
    'GET %s stays problem+json even to a browser: the API’s paths are never pages',
    async (url) => {
      const res = await t.app.inject({ method: 'GET', url, headers: { accept: BROWSER } });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    },
  );

  it('a POST to an unknown URL is problem+json whatever it accepts', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/no-existe', headers: { accept: BROWSER } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('says how to build the web when it is not built', async () => {
    const unbuilt = await buildTestApp({ webDir: path.join(dir, 'missing') });
    try {
      const res = await unbuilt.app.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().detail).toContain('npm run build');
      // With no page to show, a browser's unknown URL is problem+json too (still a 404).
      const missing = await unbuilt.app.inject({
        method: 'GET',
        url: '/no-existe',
        headers: { accept: 'text/html' },
      });
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-type']).toContain('application/problem+json');
    } finally {
      await unbuilt.close();
    }
  });
});

/**
 * The plan page at `/`, rendered on the server from the catalog (issue 26), on a stand-in build
 * whose render module writes what it was given: the price is the catalog's, never the build's.
 */
describe('the pre-rendered plan page', () => {
  let built: string;
  let app: TestApp;

  beforeAll(async () => {
    built = await mkdtemp(path.join(tmpdir(), 'libra-web-plan-'));
    await mkdir(path.join(built, 'ssr'));
    await writeFile(path.join(built, 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(
      path.join(built, 'plan.html'),
      '<!doctype html><title><!--plan-title--></title><div id="root"><!--plan-page--></div><!--plan-other-languages-->',
    );
    await writeFile(
      planRenderModule(built),
      `export const PLAN_CODE = 'libra-plus';
       export function renderPlanPage({ plan, plans }) {
         const html = '<p data-testid="price">' + plan.price.totalCentavos + ' $& ' + plans.length + '</p>';
         return [{ lang: 'es', title: 'Plan', html }, { lang: 'en', title: 'Plan "en"', html: '<p>en</p>' }];
       }`,
    );
    app = await buildTestApp({ webDir: built });
  });

  afterAll(async () => {
    await app.close();
    await rm(built, { recursive: true, force: true });
  });

  it("fills the shell with the render of the catalog's plan, both languages, revalidated by ETag", async () => {
    const plan = (await app.app.inject({ method: 'GET', url: '/v1/plans/libra-plus' })).json();
    const plans = (await app.app.inject({ method: 'GET', url: '/v1/plans' })).json().data;
    const res = await app.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain(
      `<div id="root"><p data-testid="price">${plan.price.totalCentavos} $& ${plans.length}</p></div>`,
    );
    expect(res.body).toContain('<title>Plan</title>');
    expect(res.body).toContain(
      '<template data-plan-lang="en" data-title="Plan &quot;en&quot;"><p>en</p></template>',
    );
    const again = await app.app.inject({
      method: 'GET',
      url: '/',
      headers: { 'if-none-match': String(res.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    // Every other page is the app.
    const other = await app.app.inject({ method: 'GET', url: '/contratar' });
    expect(other.body).toBe('<!doctype html><div id="root"></div>');
  });

  it('is stale, and rebuilt by npm start, while the render is missing', async () => {
    expect(webBuildIsStale(built)).toBe(false);
    await rm(planRenderModule(built));
    expect(webBuildIsStale(built)).toBe(true);
    // Meanwhile `/` is the app, which fetches the plan itself.
    const res = await app.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('<!doctype html><div id="root"></div>');
  });
});
