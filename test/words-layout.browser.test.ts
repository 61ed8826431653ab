import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, INSTALL_CHROMIUM } from './support/browser.ts';
import {
  type OnlineCustomer,
  onlineCustomer,
  openSignedIn,
  seriousViolations,
  startWeb,
  VIEWPORTS,
  type WebHarness,
} from './support/web.ts';

/**
 * Issue 23's layout and states on a phone (390×844): the portal home leads with "Solicitar
 * asistencia", the help request asks who first and offers a short list by kind of help, and a
 * failing API shows its error state instead of "Cargando…" behind retries.
 */
if (!hasChromium) process.stdout.write(`${INSTALL_CHROMIUM}\n`);

const PHONE = VIEWPORTS[0];

/** Top of an element (CSS pixels; both compared at the same scroll). */
const top = async (page: Page, selector: string) =>
  (await page.locator(selector).first().boundingBox())?.y ?? 0;

describe.skipIf(!hasChromium)('layout and states on a phone', () => {
  let web: WebHarness;
  let customer: OnlineCustomer;

  beforeAll(async () => {
    web = await startWeb();
    customer = await onlineCustomer(web.t);
  }, 120_000);

  afterAll(async () => {
    await web?.close();
  });

  it('portal home: "Solicitar asistencia" is the first thing under the heading, full width; cancelling is a plain link at the end', async () => {
    const { page, failures } = await openSignedIn(web, customer, '/app', PHONE);
    const main = page.getByRole('main');
    await main.getByRole('heading', { level: 1 }).waitFor();
    // The page's own call to action (the section menu has its own link too).
    const request = page.locator('.portal-request').getByRole('link', { name: 'Solicitar asistencia' });
    await request.waitFor();
    // Above every card of the page, and inside the first screen of the phone.
    const requestBox = await request.boundingBox();
    const firstCard = await page.locator('.portal-cards .card').first().boundingBox();
    expect(requestBox && firstCard && requestBox.y < firstCard.y).toBe(true);
    expect((requestBox?.y ?? PHONE.height) + (requestBox?.height ?? 0)).toBeLessThan(PHONE.height);
    // Prominent: a primary button across the content's width.
    expect(await request.getAttribute('class')).toContain('button-primary');
    const content = await main.boundingBox();
    expect(requestBox?.width ?? 0).toBeGreaterThan((content?.width ?? 0) * 0.8);
    // Cancelling is a plain link (not a button), after the usage section.
    const cancel = main.getByRole('link', { name: 'Cancelar membresía' });
    expect(await cancel.getAttribute('class')).toBeNull();
    expect(await top(page, '.portal-cancel')).toBeGreaterThan(await top(page, '.portal-cards'));
    expect(await seriousViolations(page)).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('help request: who first, then the kind of help and only its services, then where', async () => {
    const { page, failures } = await openSignedIn(web, customer, '/app/asistencia', PHONE);
    const form = page.locator('form.request-form');
    const who = form.getByRole('group', { name: '¿Para quién?' });
    const what = form.getByRole('group', { name: '¿Qué necesitas?' });
    const where = form.getByRole('group', { name: '¿Dónde?' });
    await who.waitFor();
    const order = await Promise.all([who, what, where].map(async (g) => (await g.boundingBox())?.y ?? 0));
    expect(order[0]).toBeLessThan(order[1] ?? 0);
    expect(order[1]).toBeLessThan(order[2] ?? 0);
    // Before a kind is chosen: four kinds, no service cards.
    expect(await what.getByRole('radio').count()).toBe(4);
    expect(await form.locator('input[name="service"]').count()).toBe(0);
    // "¿Para quién?" is on the first screen of the phone.
    expect(order[0]).toBeLessThan(PHONE.height);
    // Choosing "Vial" lists only the roadside services.
    await what.getByRole('radio', { name: 'Vial', exact: true }).check();
    const services = form.locator('input[name="service"]');
    await services.first().waitFor();
    const count = await services.count();
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(13);
    await form.getByLabel('Envío de grúa').check();
    expect(await form.getByLabel('Envío de grúa').isChecked()).toBe(true);
    // Another kind drops the roadside service rather than keeping a choice that is not shown.
    await what.getByRole('radio', { name: 'Hogar', exact: true }).check();
    expect(await form.getByLabel('Envío de grúa').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('a failing API shows the error state with a retry, not a page stuck loading', async () => {
    const { page, context } = await openSignedIn(web, customer, '/app', PHONE);
    await page.getByRole('main').getByRole('heading', { level: 1 }).waitFor();
    // From here on the usage read fails as a broken server would (500, problem+json).
    let calls = 0;
    await context.route('**/v1/memberships/*/usage*', (route) => {
      calls++;
      return route.fulfill({
        status: 500,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Error', status: 500, code: 'INTERNAL_ERROR' }),
      });
    });
    await page.reload();
    const alert = page.getByRole('alert').filter({ hasText: 'No pudimos cargar lo que te queda' });
    await alert.waitFor();
    await alert.getByRole('button', { name: 'Reintentar' }).waitFor();
    // One quick retry for a server error, not TanStack's default three.
    expect(calls).toBe(2);
  });

  it('a refused read (4xx) is not retried at all', async () => {
    const { page, context } = await openSignedIn(web, customer, '/app', PHONE);
    await page.getByRole('main').getByRole('heading', { level: 1 }).waitFor();
    let calls = 0;
    await context.route('**/v1/memberships/*/usage*', (route) => {
      calls++;
      return route.fulfill({
        status: 403,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Forbidden', status: 403, code: 'FORBIDDEN' }),
      });
    });
    await page.reload();
    await page.getByRole('alert').filter({ hasText: 'No pudimos cargar lo que te queda' }).waitFor();
    expect(calls).toBe(1);
  });
});
