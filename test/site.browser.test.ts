import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanView } from '../src/domains/catalog/schemas.ts';
import { formatMoney } from '../src/web/i18n/format.ts';
import { hasChromium, INSTALL_CHROMIUM } from './support/browser.ts';
import {
  fitsWidth,
  onlineCustomer,
  screenshot,
  seriousViolations,
  signInThroughPage,
  startWeb,
  VIEWPORTS,
  type WebHarness,
} from './support/web.ts';

/**
 * The public site's way in and its own pages (issue 23): "Entrar" / "Mi cuenta" in the header,
 * every plan on sale on the plan page, our own Terms and Conditions at /terminos (the page
 * contracting links to), the sandbox's quiet notice on /contratar, and the designed 404 page for
 * an unknown URL, answered with status 404. Each page passes axe in Spanish and English.
 */
if (!hasChromium) process.stdout.write(`${INSTALL_CHROMIUM}\n`);

describe.skipIf(!hasChromium)('the public site', () => {
  let web: WebHarness;
  let plans: PlanView[];

  beforeAll(async () => {
    web = await startWeb();
    plans = (await web.t.app.inject({ method: 'GET', url: '/v1/plans' })).json().data;
  }, 120_000);
  afterAll(async () => web?.close());

  /** No serious axe violation in Spanish, then in English; nothing wider than the phone. */
  async function axeInBothLanguages(page: Page, name: string, ready: (page: Page) => Promise<unknown>) {
    await ready(page);
    expect(await seriousViolations(page), `${name} es`).toEqual([]);
    expect(await fitsWidth(page), `${name} fits`).toBe(true);
    await screenshot(page, name, VIEWPORTS[0]);
    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('html[lang="en"]').waitFor();
    expect(await seriousViolations(page), `${name} en`).toEqual([]);
    await page.getByRole('button', { name: 'Español' }).click();
    await page.locator('html[lang="es-MX"]').waitFor();
  }

  const account = (page: Page) => page.getByRole('navigation', { name: 'Tu cuenta' });

  it('offers "Entrar" on the plan page, and "Mi cuenta" once the customer has signed in', async () => {
    const customer = await onlineCustomer(web.t);
    const { page, failures } = await web.open('/');
    await page.getByTestId('benefits').waitFor();
    const signIn = account(page).getByRole('link', { name: 'Entrar' });
    await signIn.waitFor();
    expect(await account(page).getByRole('link', { name: 'Mi cuenta' }).count()).toBe(0);
    await axeInBothLanguages(page, 'site-plan-signed-out', (p) => p.getByTestId('benefits').waitFor());
    // The plan page asked nobody who is signed in: no 401 in its console.
    expect(failures).toEqual([]);

    await signIn.click();
    await page.waitForURL('**/entrar');
    await signInThroughPage(page, web.base, customer);
    await page.goto(`${web.base}/`);
    await page.getByTestId('benefits').waitFor();
    const mine = account(page).getByRole('link', { name: 'Mi cuenta' });
    await mine.waitFor();
    expect(await account(page).getByRole('link', { name: 'Entrar' }).count()).toBe(0);
    await page.getByRole('button', { name: 'English' }).click();
    await page
      .getByRole('navigation', { name: 'Your account' })
      .getByRole('link', { name: 'My account' })
      .waitFor();
    await page.getByRole('button', { name: 'Español' }).click();
    await mine.click();
    await page.getByRole('navigation', { name: 'Tu membresía' }).waitFor();
  }, 180_000);

  it('shows every plan on sale with its price, and contracts the one chosen', async () => {
    expect(plans.map((p) => p.code).sort()).toEqual(['libra-one', 'libra-plus']);
    const { page, failures } = await web.open('/');
    const choice = page.getByTestId('plan-choice');
    await choice.getByRole('heading', { level: 2, name: 'Elige tu plan' }).waitFor();
    for (const plan of plans) {
      const card = choice
        .getByRole('listitem')
        .filter({ has: page.getByRole('heading', { name: plan.name }) });
      await card.waitFor();
      expect(await card.innerText()).toContain(formatMoney(plan.price.totalCentavos));
      const hasLegal = plan.services.some((s) => s.category === 'legal');
      expect(await card.innerText()).toContain(hasLegal ? 'Con asesoría legal 24 h' : 'Sin asesoría legal');
    }
    await axeInBothLanguages(page, 'site-plan-choice', (p) =>
      p.getByTestId('plan-choice').getByRole('link', { name: 'Contratar Libra One' }).waitFor(),
    );
    await choice.getByRole('link', { name: 'Contratar Libra One' }).click();
    await page.waitForURL(
      (url) => url.pathname === '/contratar' && url.searchParams.get('plan') === 'libra-one',
    );
    await page.getByRole('radio', { name: /Libra One/ }).waitFor();
    expect(await page.getByRole('radio', { name: /Libra One/ }).isChecked()).toBe(true);
    // Contracting asks who is signed in (a newcomer's answer is 401); nothing else may fail.
    expect(failures.filter((f) => !f.includes('status of 401'))).toEqual([]);
  }, 180_000);

  it('serves our own Terms and Conditions at /terminos, the page contracting links to', async () => {
    const legal = (await web.t.app.inject({ method: 'GET', url: '/v1/legal' })).json();
    expect(legal.terms.url).toBe('/terminos');
    const { page, failures } = await web.open(legal.terms.url);
    await page.getByRole('heading', { level: 1, name: 'Términos y Condiciones' }).waitFor();
    await page.getByTestId('terms-version').getByText(`Versión ${legal.terms.version}`).waitFor();
    const text = await page.locator('main').innerText();
    expect(text).toContain('no un seguro');
    expect(text).toContain('menores de 21 años');
    expect(text).toContain('30 días naturales');
    // The tow's cap as the catalog has it.
    await page.getByText(/Grúa: cubierta hasta \$1,000\.00 por evento/).waitFor();
    await axeInBothLanguages(page, 'site-terms', (p) =>
      p.getByRole('heading', { level: 1, name: /^(Términos y Condiciones|Terms and Conditions)$/ }).waitFor(),
    );
    await page.getByRole('link', { name: 'Leer el Aviso de Privacidad' }).click();
    await page.getByRole('heading', { level: 1, name: 'Aviso de Privacidad' }).waitFor();
    expect(failures).toEqual([]);
  }, 180_000);

  it('says test cards only on /contratar while payments are the sandbox, and nothing when live', async () => {
    const { page, failures } = await web.open('/contratar');
    const notice = page.getByTestId('sandbox-notice');
    await notice.getByText(/Modo de pruebas: los pagos no son reales/).waitFor();
    expect(await notice.getAttribute('role')).toBeNull(); // quiet: not an alert
    await axeInBothLanguages(page, 'site-contract-sandbox', (p) => p.getByTestId('sandbox-notice').waitFor());
    expect(failures.filter((f) => !f.includes('status of 401'))).toEqual([]);

    // The same page where the processor is a real one: no notice.
    const live = await web.open('/');
    await live.page.route('**/v1/web-config', async (route) => {
      const real = await route.fetch();
      await route.fulfill({ response: real, json: { ...(await real.json()), paymentMode: 'live' } });
    });
    await live.page.goto(`${web.base}/contratar`);
    await live.page.locator('[data-payment-mode="live"]').waitFor();
    expect(await live.page.getByTestId('sandbox-notice').count()).toBe(0);
  }, 180_000);

  it('answers an unknown URL with the designed 404 page and status 404', async () => {
    const { page, failures } = await web.open('/');
    await page.getByTestId('benefits').waitFor();
    const answer = await page.goto(`${web.base}/no-existe`);
    expect(answer?.status()).toBe(404);
    expect(answer?.headers()['content-type']).toBe('text/html; charset=utf-8');
    await page.getByRole('heading', { level: 1, name: 'No encontramos esta página' }).waitFor();
    expect(await page.title()).toContain('No encontramos esta página');
    await axeInBothLanguages(page, 'site-not-found', (p) =>
      p.getByRole('link', { name: /^(Ir al inicio|Go home)$/ }).waitFor(),
    );
    await page.getByRole('link', { name: 'Ir al inicio' }).click();
    await page.getByTestId('benefits').waitFor();
    // Chromium logs the 404 of the document itself; nothing else may fail.
    expect(failures.filter((f) => !f.includes('status of 404'))).toEqual([]);
  }, 180_000);
});
