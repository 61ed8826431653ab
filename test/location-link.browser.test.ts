import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, signIn, type TestUser } from './support/auth.ts';
import { UI_WAIT_MS } from './support/browser.ts';
import { registerProvider } from './support/dispatch.ts';
import { buildCase, buildMembership } from './support/factories.ts';
import { CONSOLE_VIEWPORT, signInThroughStaffForm, staffUser } from './support/staff-web.ts';
import {
  fitsWidth,
  screenshot,
  seriousViolations,
  startWeb,
  VIEWPORTS,
  type WebHarness,
} from './support/web.ts';

/**
 * "Comparte tu ubicación" as the people do it: on the console's case page the agent asks for the
 * caller's location by SMS (no SMS channel here: the console says so and shows the link to read
 * aloud); on the caller's phone (390×844, geolocation granted at a point in Guadalajara with 25 m
 * accuracy) the page asks for the position with one tap and says "Listo"; the case's place is then
 * that point, exact, and the agent's page shows it without being reloaded. Opened again, the link
 * says it was used; a phone that refuses its location is told how to allow it.
 */
describe('the caller shares their location with a one-time link', () => {
  let web: WebHarness;
  let agent: TestUser;
  let agentApi: Session;
  let caseId: string;
  const contexts: BrowserContext[] = [];
  const PHONE = VIEWPORTS[0];
  const GUADALAJARA = { latitude: 20.6736, longitude: -103.344, accuracy: 25 };

  beforeAll(async () => {
    web = await startWeb();
    agent = await staffUser(web, 'agent');
    agentApi = await signIn(web.t, agent);
    await registerProvider(web.t, { capacity: 10 });
    const membership = await buildMembership(web.t, {
      by: agentApi.write,
      titular: { phone: '55 6120 4477' } as never,
    });
    caseId = (await buildCase(web.t, { membershipId: membership.id, by: agentApi.write })).id;
  }, 120_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await web?.close();
  });

  /** A browser of its own, with the errors its pages log. */
  async function browserFor(options: Parameters<WebHarness['browser']['newContext']>[0]) {
    const context = await web.browser.newContext({ locale: 'es-MX', ...options });
    context.setDefaultTimeout(UI_WAIT_MS);
    contexts.push(context);
    await context.clock.setFixedTime(web.t.clock.now());
    const failures: string[] = [];
    const open = async (path: string): Promise<Page> => {
      const page = await context.newPage();
      page.on('pageerror', (error) => failures.push(`${path}: ${error.message}`));
      page.on('console', (m) => m.type() === 'error' && failures.push(`${path}: ${m.text()}`));
      await page.goto(`${web.base}${path}`);
      return page;
    };
    return { context, failures, open };
  }

  const placeOf = async (id: string) =>
    (await web.t.app.inject({ method: 'GET', url: `/v1/cases/${id}`, headers: agentApi.read })).json().place;

  /** The path of the link's page, from the URL the API answered (its host is the configured one). */
  const pagePath = (url: string) => new URL(url).pathname;

  it('from the console’s request to "Listo" on the phone, and the place on the agent’s page', async () => {
    // The agent, on the case's page during the call.
    const desk = await browserFor({ viewport: CONSOLE_VIEWPORT });
    const board = await desk.open(`/console/casos/${caseId}`);
    await signInThroughStaffForm(board, agent);
    desk.failures.length = 0;
    await board.getByRole('heading', { level: 1, name: /^Caso LP-/ }).waitFor();
    await board.getByTestId('place-precision').filter({ hasText: 'punto como se capturó' }).waitFor();

    await board.getByRole('button', { name: 'Pedir ubicación por SMS' }).click();
    const dialog = board.getByRole('dialog', { name: 'Pedir la ubicación por SMS' });
    const phoneField = dialog.getByLabel('Celular al que se envía');
    // The titular's mobile to start with; the caller is someone else, at another number.
    await expect.poll(() => phoneField.inputValue()).toBe('55 6120 4477');
    await phoneField.fill('33 1234 5678');
    expect(await seriousViolations(board), 'the request dialog').toEqual([]);
    await dialog.getByRole('button', { name: 'Enviar enlace' }).click();
    const answer = dialog.getByTestId('location-link');
    await answer.getByText(/Los SMS no están configurados/).waitFor();
    await answer.getByText('Caduca a las 14:35.').waitFor();
    const url = await answer.getByLabel('Enlace').inputValue();
    expect(url).toMatch(/\/ubicacion\/[A-Za-z0-9_-]{22}$/);
    expect(await seriousViolations(board), 'the link to read aloud').toEqual([]);
    await screenshot(board, 'console-location-link', CONSOLE_VIEWPORT);
    await dialog.getByRole('button', { name: 'Listo' }).click();

    // The caller's phone, location allowed.
    const phone = await browserFor({
      viewport: PHONE,
      permissions: ['geolocation'],
      geolocation: GUADALAJARA,
    });
    const page = await phone.open(pagePath(url));
    await page.getByRole('heading', { level: 1, name: 'Comparte tu ubicación' }).waitFor();
    await page.getByText('El enlace funciona una vez y caduca a las 14:35.').waitFor();
    // Nothing of the case: no number, no name, no service.
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toMatch(/LP-|María|grúa/i);
    expect(await seriousViolations(page), 'the link page').toEqual([]);
    expect(await fitsWidth(page), 'the link page fits 390 px').toBe(true);
    await screenshot(page, 'location-link', PHONE);

    await page.getByRole('button', { name: 'Compartir mi ubicación' }).click();
    await page.getByText('Listo: ya tenemos tu ubicación.').waitFor();
    await page.getByText('Puedes cerrar esta página.').waitFor();
    expect(await seriousViolations(page), 'the page after sharing').toEqual([]);
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'location-link-done', PHONE);

    expect(await placeOf(caseId)).toMatchObject({
      lat: GUADALAJARA.latitude,
      lng: GUADALAJARA.longitude,
      precision: 'exact',
      accuracyM: 25,
    });

    // The agent's page follows: the new point and how precise it is, and the timeline says how.
    await board.getByText('20.67360, -103.34400').waitFor();
    await board.getByTestId('place-precision').filter({ hasText: 'ubicación exacta · a ±25 m' }).waitFor();
    await board.getByText(/Compartida desde el teléfono con el enlace/).waitFor();

    // Opened again: used.
    const again = await phone.open(pagePath(url));
    await again.getByRole('heading', { level: 2, name: 'Ya recibimos tu ubicación' }).waitFor();
    await again.getByText(/pide a tu agente un enlace nuevo/).waitFor();
    expect(await seriousViolations(again), 'a used link').toEqual([]);

    expect(desk.failures, 'console').toEqual([]);
    expect(phone.failures, 'phone').toEqual([]);
  });

  it('a phone that refuses its location is told how to allow it, in English too', async () => {
    const asked = await web.t.app.inject({
      method: 'POST',
      url: `/v1/cases/${caseId}/location-links`,
      headers: agentApi.write,
      payload: {},
    });
    expect(asked.statusCode, asked.body).toBe(201);
    // No permission granted: the browser refuses the page's request.
    const phone = await browserFor({ viewport: PHONE, locale: 'en' });
    const page = await phone.open(pagePath(asked.json().url));
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Share your location' }).waitFor();
    await page.getByRole('button', { name: 'Share my location' }).click();
    const alert = page.getByRole('alert');
    await alert.getByText('You did not allow your location').waitFor();
    await alert.getByText(/tell your agent the address where you are/).waitFor();
    await page.getByRole('button', { name: 'Try again' }).waitFor();
    expect(await seriousViolations(page), 'refused, in English').toEqual([]);
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'location-link-denied', PHONE);
    // Nothing was sent: the link is still open.
    const state = await web.t.app.inject({
      method: 'GET',
      url: `/v1/location-links/${new URL(asked.json().url).pathname.split('/').at(-1)}`,
    });
    expect(state.json().status).toBe('open');
    expect(phone.failures).toEqual([]);
  });

  it('an unknown link says so and what to do', async () => {
    const phone = await browserFor({ viewport: PHONE });
    const page = await phone.open('/ubicacion/AAAAAAAAAAAAAAAAAAAAAA');
    await page.getByRole('heading', { level: 2, name: 'Este enlace no es válido' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // The page's own read answered 404: the one console error a missing resource makes.
    expect(phone.failures.filter((f) => !/404/.test(f))).toEqual([]);
  });
});
