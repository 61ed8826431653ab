import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanView } from '../src/domains/catalog/schemas.ts';
import { WEB_DIST_DIR } from '../src/platform/web-build.ts';
import { formatMoney } from '../src/web/i18n/format.ts';
import { createUser, signIn } from './support/auth.ts';
import { hasChromium, INSTALL_CHROMIUM, UI_WAIT_MS } from './support/browser.ts';
import { startWeb, type WebHarness } from './support/web.ts';

/**
 * The plan page is fast on a phone (issue 26): the server sends it rendered, so the price (the
 * catalog's), the benefits and "Contratar" are in the first HTML — read here over HTTP and in a
 * browser with JavaScript off — and the only JavaScript it loads is its small script, ≤ 50 KB
 * gzipped (a size, not a time: the build's own files, gzipped as they would travel).
 */
const JS_BUDGET_BYTES = 50 * 1024;

if (!hasChromium) process.stdout.write(`${INSTALL_CHROMIUM}\n`);

/** The same-origin scripts a page's HTML loads: module scripts and their modulepreloads. */
function scriptsOf(html: string): string[] {
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1] as string);
  const preloads = [...html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map(
    (m) => m[1] as string,
  );
  return [...scripts, ...preloads];
}

const gzippedBytes = (files: string[]) =>
  files.reduce((sum, file) => sum + gzipSync(readFileSync(path.join(WEB_DIST_DIR, file))).length, 0);

describe.skipIf(!hasChromium)('the plan page, pre-rendered', () => {
  let web: WebHarness;
  let plan: PlanView;

  beforeAll(async () => {
    web = await startWeb();
    plan = (await web.t.app.inject({ method: 'GET', url: '/v1/plans/libra-plus' })).json();
  }, 120_000);
  afterAll(async () => web?.close());

  it('sends the price, every benefit and "Contratar" in the first HTML, revalidated with an ETag', async () => {
    const answer = await fetch(`${web.base}/`, { headers: { accept: 'text/html' } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-cache');
    const html = await answer.text();
    expect(html).toContain('data-testid="price"');
    expect(html).toContain(formatMoney(plan.price.totalCentavos));
    expect(html).toContain('IVA incluido');
    for (const service of plan.services) expect(html).toContain(service.name.es);
    expect(html).toMatch(/<a [^>]*href="\/contratar"[^>]*>Contratar en línea<\/a>/);
    // English is in the page too, for the switch.
    expect(html).toContain('<template data-plan-lang="en"');
    expect(html).toContain('VAT (IVA) included');
    // No inline script (the Content-Security-Policy allows none).
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const etag = answer.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await fetch(`${web.base}/`, { headers: { 'if-none-match': etag as string } });
    expect(again.status).toBe(304);
  });

  it('shows a new price as soon as the catalog publishes it', async () => {
    const admin = await signIn(web.t, await createUser(web.t, 'admin'));
    const published = await web.t.app.inject({
      method: 'POST',
      url: '/v1/admin/plans/libra-plus/versions',
      headers: admin.write,
      payload: {
        priceTotalCentavos: 23_900,
        onlineTrialMonths: plan.onlineTrialMonths,
        illustrative: plan.illustrative,
        services: plan.services.map((s) => ({ service: s.code, rules: s.rules })),
      },
    });
    expect(published.statusCode, published.body).toBe(201);
    const html = await (await fetch(`${web.base}/`)).text();
    expect(html).toContain(formatMoney(23_900));
    expect(html).not.toContain(formatMoney(plan.price.totalCentavos));
    plan = (await web.t.app.inject({ method: 'GET', url: '/v1/plans/libra-plus' })).json();
  });

  it('shows the price, the benefits and "Contratar" with JavaScript disabled', async () => {
    const context = await web.browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
      locale: 'es-MX',
    });
    try {
      context.setDefaultTimeout(UI_WAIT_MS);
      const page = await context.newPage();
      await page.goto(`${web.base}/`);
      const price = page.getByTestId('price');
      expect(await price.isVisible()).toBe(true);
      expect(await price.innerText()).toContain(formatMoney(plan.price.totalCentavos));
      const rows = page.getByTestId('benefits').locator('tbody tr');
      expect(await rows.count()).toBe(plan.services.length);
      expect(await rows.first().isVisible()).toBe(true);
      const contract = page.getByRole('link', { name: 'Contratar en línea' }).first();
      expect(await contract.isVisible()).toBe(true);
      expect(await contract.getAttribute('href')).toBe('/contratar');
      // The English copy waits in its template: nothing of it shows.
      expect(await page.getByText('VAT (IVA) included').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('loads at most 50 KB of JavaScript gzipped, and none of the app', async () => {
    const html = await (await fetch(`${web.base}/`)).text();
    const scripts = scriptsOf(html);
    expect(scripts.length).toBeGreaterThan(0);
    const bytes = gzippedBytes(scripts);
    expect(bytes).toBeLessThanOrEqual(JS_BUDGET_BYTES);
    // The app's entry, what the other pages load, is not among them.
    const [appEntry] = scriptsOf(await (await fetch(`${web.base}/contratar`)).text());
    expect(appEntry).toMatch(/^\/assets\/index-/);
    expect(scripts).not.toContain(appEntry);
    // And in a browser: every script the page fetched is one of those.
    const { page } = await web.open('/');
    await page.getByTestId('benefits').waitFor();
    const fetched = (await page.evaluate(
      "performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)",
    )) as string[];
    expect(fetched.some((f) => f.endsWith('.js'))).toBe(true);
    expect(fetched.filter((f) => f.endsWith('.js')).every((f) => scripts.includes(f))).toBe(true);
  });
});
