import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PlanView } from '../src/domains/catalog/schemas.ts';
import { ensureWebBuild } from '../src/platform/web-build.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { hasChromium, INSTALL_CHROMIUM, launchChromium, UI_WAIT_MS } from './support/browser.ts';

/**
 * The customer web in a real browser: the built app (built here when dist/web is missing or stale)
 * served by the whole Fastify app on a random port, driven in Debian's Chromium.
 */
const SCREENSHOTS = 'reports/screenshots';
const VIEWPORTS = [
  { name: 'mobile', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;

if (!hasChromium) process.stdout.write(`${INSTALL_CHROMIUM}\n`);

describe.skipIf(!hasChromium)('customer web in Chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let plan: PlanView;

  beforeAll(async () => {
    await ensureWebBuild({ quiet: true });
    t = await buildTestApp({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    plan = (await t.app.inject({ method: 'GET', url: '/v1/plans/libra-plus' })).json();
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(path: string, viewport: { width: number; height: number } = VIEWPORTS[0]) {
    context = await browser.newContext({ viewport, locale: 'es-MX' });
    context.setDefaultTimeout(UI_WAIT_MS);
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    page.on('console', (m) => m.type() === 'error' && failures.push(m.text()));
    await page.goto(`${base}${path}`);
    return { page, failures };
  }

  afterEach(async () => {
    await context?.close();
  });

  const planLoaded = (page: Page) => page.getByTestId('benefits').waitFor();

  it('renders the plan from the API in Spanish', async () => {
    const { page, failures } = await open('/');
    await planLoaded(page);
    expect(await page.getAttribute('html', 'lang')).toBe('es-MX');
    await expect(page.title()).resolves.toBe('Asistencia Libra Plus');
    const price = await page.getByTestId('price').innerText();
    expect(price).toContain('$218.00');
    expect(price).toContain('IVA incluido');
    expect(await page.getByText('Contrata en línea y recibe gratis 2 meses de cobertura.').count()).toBe(1);
    for (const category of ['Médica', 'Hogar', 'Vial', 'Legal y gestoría'])
      expect(await page.getByRole('heading', { level: 3, name: category, exact: true }).count()).toBe(1);
    // One row per service the API lists, in the API's words.
    const rows = page.getByTestId('benefits').locator('tbody tr');
    expect(await rows.count()).toBe(plan.services.length);
    const tow = rows.filter({ hasText: 'Envío de grúa' });
    expect(await tow.innerText()).toContain('Ilimitado');
    expect(await tow.innerText()).toContain('Cubierto hasta $1,000.00');
    const specialists = rows.filter({ hasText: 'médicos especialistas' });
    expect(await specialists.innerText()).toContain('4 al año, 1 por especialidad');
    expect(await rows.filter({ hasText: 'Enfermera a domicilio' }).innerText()).toContain('1 al año');
    for (const s of ['Preguntas frecuentes', 'Cancelación y exclusiones', '¿Necesitas ayuda?'])
      expect(await page.getByRole('heading', { level: 2, name: s }).count()).toBe(1);
    expect(await page.locator('a[href="tel:+525554800900"]').count()).toBeGreaterThan(0);
    expect(await page.getByText('55 5480 0900').first().isVisible()).toBe(true);
    expect(await page.getByText(/lunes a viernes de 08:00 a 21:00 h/).count()).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  });

  it('switches to English and remembers it', async () => {
    const { page } = await open('/');
    await planLoaded(page);
    await page.getByRole('button', { name: 'English' }).click();
    // The plan's own price (every plan on sale below says it too).
    await page.getByTestId('price').getByText('VAT (IVA) included').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true');
    for (const category of ['Medical', 'Home', 'Roadside', 'Legal and paperwork'])
      expect(await page.getByRole('heading', { level: 3, name: category, exact: true }).count()).toBe(1);
    // Service names come from the API in English too.
    expect(await page.getByTestId('benefits').innerText()).toContain('Online doctor');
    await page.reload();
    await planLoaded(page);
    expect(await page.getByTestId('price').innerText()).toContain('VAT (IVA) included');
    await page.getByRole('button', { name: 'Español' }).click();
    await page.getByText('IVA incluido').first().waitFor();
  });

  // The plan page is the server's (test/plan-page.browser.test.ts): its link loads the app at /contratar.
  it('"Contratar en línea" leads to /contratar', async () => {
    const { page, failures } = await open('/');
    await planLoaded(page);
    await page.getByRole('link', { name: 'Contratar en línea' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Contratar en línea' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/contratar');
    // Contracting asks who is signed in (GET /v1/me): a newcomer's answer is 401, which Chromium
    // logs as a failed resource. Nothing else may fail.
    expect(failures.filter((f) => !f.includes('status of 401'))).toEqual([]);
  });

  /**
   * The plan page as the app draws it — going home from another page, or when the server could not
   * render it —, fetching the plan from the API: from /entrar, the brand's link.
   */
  async function openPlanInApp(page: Page) {
    await page.goto(`${base}/entrar`);
    await page.locator('.layout-brand').click();
    await page.waitForURL(`${base}/`);
  }

  it('shows the error state with the API words and a retry, then the plan', async () => {
    context = await browser.newContext({ viewport: VIEWPORTS[0] });
    context.setDefaultTimeout(UI_WAIT_MS);
    const page = await context.newPage();
    let failing = true;
    await page.route('**/v1/plans/libra-plus', (route) =>
      failing
        ? route.fulfill({
            status: 503,
            contentType: 'application/problem+json',
            body: JSON.stringify({
              status: 503,
              code: 'SERVICE_UNAVAILABLE',
              detail: 'Libra no responde ahora.',
            }),
          })
        : route.continue(),
    );
    await openPlanInApp(page);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('Libra no responde ahora.');
    failing = false;
    await alert.getByRole('button', { name: 'Reintentar' }).click();
    await planLoaded(page);
  });

  it('shows the empty state when the plan is not on sale', async () => {
    context = await browser.newContext({ viewport: VIEWPORTS[0] });
    context.setDefaultTimeout(UI_WAIT_MS);
    const page = await context.newPage();
    await page.route('**/v1/plans/libra-plus', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/problem+json',
        body: JSON.stringify({ status: 404, code: 'PLAN_NOT_FOUND' }),
      }),
    );
    await openPlanInApp(page);
    await page.getByRole('heading', { name: 'Este plan no está a la venta por ahora' }).waitFor();
  });

  it('opens the privacy notice the contracting form links to, with the version people accept', async () => {
    const legal = (await t.app.inject({ method: 'GET', url: '/v1/legal' })).json();
    const { page, failures } = await open(legal.privacyNotice.url);
    await page.getByRole('heading', { level: 1, name: 'Aviso de Privacidad' }).waitFor();
    await page.getByTestId('privacy-version').waitFor();
    expect(await page.getByTestId('privacy-version').innerText()).toBe(
      `Versión ${legal.privacyNotice.version}`,
    );
    expect(await page.getByRole('heading', { level: 2, name: 'Tus derechos ARCO' }).count()).toBe(1);
    expect(await page.locator('main').innerText()).toContain('20 días hábiles');
    expect(failures).toEqual([]);
  });

  for (const path of ['/', '/contratar', '/aviso-de-privacidad', '/entrar'])
    for (const lang of ['es', 'en'] as const)
      it(`has no serious or critical accessibility violations on ${path} (${lang})`, async () => {
        const { page } = await open(path);
        if (lang === 'en') await page.getByRole('button', { name: 'English' }).click();
        await page.locator('main h1').first().waitFor();
        if (path === '/') await planLoaded(page);
        const results = await new AxeBuilder({ page }).analyze();
        const serious = results.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        expect(serious).toEqual([]);
      });

  for (const viewport of VIEWPORTS)
    it(`saves screenshots at ${viewport.width}×${viewport.height}`, async () => {
      for (const [name, path] of [
        ['plan', '/'],
        ['contratar', '/contratar'],
        ['aviso-de-privacidad', '/aviso-de-privacidad'],
        ['entrar', '/entrar'],
      ] as const) {
        const { page } = await open(path, viewport);
        await page.locator('main h1').first().waitFor();
        if (path === '/') await planLoaded(page);
        // Nothing scrolls sideways, down to phone width.
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
          viewport.width,
        );
        await page.screenshot({
          path: `${SCREENSHOTS}/${name}-${viewport.width}x${viewport.height}.png`,
          fullPage: true,
        });
        await context.close();
      }
    });
});
