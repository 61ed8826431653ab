import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type Session, signIn, type TestUser } from './support/auth.ts';
import { UI_WAIT_MS } from './support/browser.ts';
import {
  contractByPhone,
  createProviderUser,
  registerProvider,
  towRequest,
  ZOCALO,
} from './support/dispatch.ts';
import { checkStaffPage, PROVIDER_VIEWPORT, signInThroughStaffForm } from './support/staff-web.ts';
import { fitsWidth, screenshot, seriousViolations, startWeb, type WebHarness } from './support/web.ts';

/**
 * The provider app at 390×844, as a tow driver uses it: an offer arrives by itself, is accepted with
 * a quote, and the job goes en camino (the phone's position reaches the API) → en sitio → terminado
 * with the final cost, while the case read through the API follows each step. Declining with a
 * reason, a quote above the cap waiting for the customer, an offer that expires, and a provider
 * who never sees another's job.
 */
let web: WebHarness;
let agent: Session;
let membershipId: string;
let providerA: string;
let providerB: string;
let userA: TestUser;
let userB: TestUser;
const contexts: BrowserContext[] = [];
/** Where the tow driver's phone says it is: about 1.5 km north-west of the Zócalo. */
const TRUCK = { latitude: 19.4441, longitude: -99.1405 };

/** The server's clock (a test clock): the browser reads the offers' countdowns against it. */
const serverNow = () => web.t.clock.now();

beforeAll(async () => {
  web = await startWeb();
  agent = await signIn(web.t, await createUser(web.t, 'agent'));
  // A is the nearest tow provider to the Zócalo; B the next one.
  providerA = await registerProvider(web.t, { kmNorth: 1, capacity: 5 });
  providerB = await registerProvider(web.t, { kmNorth: 4, capacity: 5 });
  userA = await createProviderUser(web.t, providerA);
  userB = await createProviderUser(web.t, providerB);
  membershipId = await contractByPhone(web.t, agent.write);
}, 180_000);
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await web?.close();
});

/** A provider's phone: its own context, the server's time, its position when given, signed in. */
async function openPhone(
  who: TestUser,
  path: string,
  geolocation?: { latitude: number; longitude: number },
): Promise<{ page: Page; context: BrowserContext; failures: string[] }> {
  const context = await web.browser.newContext({
    viewport: PROVIDER_VIEWPORT,
    locale: 'es-MX',
    ...(geolocation ? { geolocation, permissions: ['geolocation'] } : {}),
  });
  context.setDefaultTimeout(UI_WAIT_MS);
  contexts.push(context);
  await context.clock.setFixedTime(serverNow());
  const page = await context.newPage();
  const failures: string[] = [];
  page.on('pageerror', (error) => failures.push(error.message));
  page.on('console', (m) => m.type() === 'error' && failures.push(m.text()));
  await page.goto(`${web.base}${path}`);
  await signInThroughStaffForm(page, who);
  failures.length = 0;
  return { page, context, failures };
}

async function openTow(): Promise<{ id: string; number: string }> {
  const res = await web.t.app.inject({
    method: 'POST',
    url: '/v1/cases',
    headers: agent.write,
    payload: towRequest(membershipId),
  });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id, number: res.json().number };
}

async function caseOf(id: string) {
  const res = await web.t.app.inject({ method: 'GET', url: `/v1/cases/${id}`, headers: agent.read });
  expect(res.statusCode).toBe(200);
  return res.json();
}
const stateOf = async (id: string) => (await caseOf(id)).state as string;

async function providerRecord(id: string) {
  const res = await web.t.app.inject({ method: 'GET', url: `/v1/providers/${id}`, headers: agent.read });
  return res.json() as { location: { lat: number; lng: number }; available: boolean };
}

const offerCard = (page: Page, number: string) => page.getByRole('article').filter({ hasText: number });

/** Taps a step button and confirms it in its dialog. */
async function step(page: Page, name: string, finalCost?: string) {
  await page.getByRole('button', { name, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  if (finalCost !== undefined) await dialog.getByLabel('Costo final, en pesos').fill(finalCost);
  await dialog.getByRole('button', { name: 'Sí, confirmar' }).click();
  await dialog.waitFor({ state: 'detached' });
}

describe('the provider app', () => {
  it('takes a tow from the offer to completed, sharing the position while on the way', async () => {
    const { page, failures } = await openPhone(userA, '/proveedor', TRUCK);
    await page.getByRole('heading', { name: 'Ofertas', level: 2, exact: true }).waitFor();
    await page.getByText('Estás recibiendo ofertas.').waitFor();
    await page.getByText('No tienes ofertas por ahora').waitFor();

    // The offer appears without reloading, with its countdown, place, distance and the quote asked.
    const tow = await openTow();
    const card = offerCard(page, tow.number);
    await card.waitFor({ timeout: UI_WAIT_MS });
    await expect.poll(() => card.getByRole('heading', { level: 3 }).textContent()).toBe('Envío de grúa');
    expect(await card.textContent()).toContain('Vence en 2:00');
    expect(await card.textContent()).toContain('Plaza de la Constitución');
    expect(await card.textContent()).toMatch(/A 1\.0 km · llegas en ~\d+ min/);
    expect(await card.textContent()).toContain('Nissan · Versa · 2019 · ABC-123-D');
    expect(await page.getByText(/Actualizado hace \d+ s/).count()).toBe(1);

    // A quote that is not an amount is said at the field; a good one is confirmed, then accepted.
    const quote = card.getByLabel('Tu cotización, en pesos');
    await quote.fill('mil');
    await card.getByRole('button', { name: 'Aceptar' }).click();
    await card.getByText('Escribe tu cotización en pesos').waitFor();
    await quote.fill('850');
    await card.getByRole('button', { name: 'Aceptar' }).click();
    const confirm = page.getByRole('dialog', { name: '¿Aceptas este servicio de Envío de grúa?' });
    await confirm.getByText('$850.00').waitFor();
    await confirm.getByRole('button', { name: 'Sí, acepto' }).click();

    // The job: first name only, the place with a maps link, the case number, the next step.
    await page.waitForURL(`**/proveedor/trabajos/${tow.id}`);
    await page.getByRole('heading', { name: 'Envío de grúa', level: 1 }).waitFor();
    expect(await page.locator('.mono', { hasText: tow.number }).count()).toBe(1);
    const customer = page.locator('dt', { hasText: 'Cliente' }).locator('xpath=following-sibling::dd');
    expect(await customer.textContent()).toBe('María');
    expect(await page.locator('main').textContent()).not.toContain('López');
    const maps = page.getByRole('link', { name: 'Abrir en mapas' });
    expect(await maps.getAttribute('href')).toBe(
      `https://www.google.com/maps/search/?api=1&query=${ZOCALO.lat.toFixed(6)},${ZOCALO.lng.toFixed(6)}`,
    );
    expect(await caseOf(tow.id)).toMatchObject({ state: 'dispatched', cost: { quoteCentavos: 85_000 } });
    await page.getByText('Al marcar «En camino» compartimos tu ubicación hasta que llegues.').waitFor();

    // En camino: the position is shared, reaches the API, and can be stopped and started again.
    await step(page, 'En camino');
    await page.getByText('Compartiendo tu ubicación: el cliente ve cuándo llegas.').waitFor();
    expect(await stateOf(tow.id)).toBe('en_route');
    await expect
      .poll(async () => (await providerRecord(providerA)).location, { timeout: UI_WAIT_MS })
      .toMatchObject({ lat: TRUCK.latitude, lng: TRUCK.longitude });
    await page.getByRole('button', { name: 'Dejar de compartir' }).click();
    await page.getByText('No estás compartiendo tu ubicación.').waitFor();
    await page.getByRole('button', { name: 'Compartir mi ubicación' }).click();
    await page.getByText('Compartiendo tu ubicación: el cliente ve cuándo llegas.').waitFor();
    await screenshot(page, 'provider-job-en-route', PROVIDER_VIEWPORT);

    // En sitio: sharing ends.
    await step(page, 'En sitio');
    await page.locator('.status-badge', { hasText: 'En sitio' }).waitFor();
    expect(await stateOf(tow.id)).toBe('on_site');
    expect(await page.getByText('Compartiendo tu ubicación').count()).toBe(0);

    // Terminado with the final cost, typed in pesos, kept in centavos.
    await page.getByRole('button', { name: 'Terminado', exact: true }).click();
    const done = page.getByRole('dialog', { name: '¿Terminaste el servicio?' });
    expect(await done.getByLabel('Costo final, en pesos').inputValue()).toBe('850.00');
    await done.getByLabel('Costo final, en pesos').fill('uno');
    await done.getByRole('button', { name: 'Sí, confirmar' }).click();
    await done.getByText('Escribe el costo final en pesos').waitFor();
    await done.getByLabel('Costo final, en pesos').fill('1,250.50');
    await done.getByRole('button', { name: 'Sí, confirmar' }).click();
    await page.getByText('Trabajo terminado. Gracias.').waitFor();
    await page.locator('dd', { hasText: '$1,250.50' }).waitFor();
    expect(await caseOf(tow.id)).toMatchObject({ state: 'completed', cost: { finalCostCentavos: 125_050 } });
    expect(await page.getByRole('button', { name: 'Terminado', exact: true }).count()).toBe(0);

    await page.getByRole('link', { name: '← Ofertas y trabajos' }).click();
    await page.getByText('No tienes trabajos en curso').waitFor();
    expect(failures).toEqual([]);
  }, 90_000);

  it('waits for the customer on a quote above the cap, and a provider never sees another one’s job', async () => {
    const tow = await openTow();
    const a = await openPhone(userA, '/proveedor');
    const card = offerCard(a.page, tow.number);
    await card.waitFor({ timeout: UI_WAIT_MS });
    await card.getByLabel('Tu cotización, en pesos').fill('1400');
    await card.getByRole('button', { name: 'Aceptar' }).click();
    const confirm = a.page.getByRole('dialog');
    await confirm.getByText('el cliente debe aceptar un excedente de $400.00').waitFor();
    await confirm.getByRole('button', { name: 'Sí, acepto' }).click();
    await a.page.waitForURL(`**/proveedor/trabajos/${tow.id}`);
    await a.page.getByText('Espera antes de salir').waitFor();
    await a.page.getByText('El cliente debe aceptar el excedente de $400.00').waitFor();
    expect(await a.page.getByRole('button', { name: 'En camino', exact: true }).count()).toBe(0);
    expect(await stateOf(tow.id)).toBe('awaiting_excess_acceptance');

    // The customer accepts on the phone with the agent: the provider's page moves on by itself.
    const answer = await web.t.app.inject({
      method: 'POST',
      url: `/v1/cases/${tow.id}/excess-acceptance`,
      headers: agent.write,
      payload: { accept: true },
    });
    expect(answer.statusCode).toBe(200);
    await a.page.getByRole('button', { name: 'En camino', exact: true }).waitFor({ timeout: UI_WAIT_MS });
    await a.page.getByText('El cliente aceptó pagar el excedente de $400.00').waitFor();

    // B: not in its list (as the API says), and its address answers as not theirs.
    const b = await openPhone(userB, '/proveedor');
    await b.page.getByText('No tienes trabajos en curso').waitFor();
    expect(await b.page.getByText(tow.number).count()).toBe(0);
    const bSession = await signIn(web.t, userB);
    const bJobs = await web.t.app.inject({ method: 'GET', url: '/v1/provider/jobs', headers: bSession.read });
    expect(bJobs.json().data).toEqual([]);
    await b.page.goto(`${web.base}/proveedor/trabajos/${tow.id}`);
    await b.page.getByRole('heading', { name: 'Este trabajo no está entre los tuyos' }).waitFor();
    expect(await b.page.getByText('No encontramos ese caso entre tus trabajos.').count()).toBe(1);
    expect(await b.page.locator('main').textContent()).not.toContain('María');
  }, 90_000);

  it('declines with a reason; the offer goes to the next provider, who sees it arrive', async () => {
    const b = await openPhone(userB, '/proveedor');
    await b.page.getByText('No tienes ofertas por ahora').waitFor();
    const tow = await openTow();
    const a = await openPhone(userA, '/proveedor');
    const card = offerCard(a.page, tow.number);
    await card.waitFor({ timeout: UI_WAIT_MS });
    await card.getByRole('button', { name: 'Rechazar' }).click();
    const dialog = a.page.getByRole('dialog', { name: '¿Por qué rechazas el servicio de Envío de grúa?' });
    await dialog.getByLabel('No tengo unidad libre').check();
    await dialog.getByRole('button', { name: 'Rechazar la oferta' }).click();
    await a.page.getByText(`Rechazaste la oferta ${tow.number}.`).waitFor();
    await card.waitFor({ state: 'detached' });
    const declined = (await caseOf(tow.id)).timeline.find(
      (e: { type: string }) => e.type === 'offer_declined',
    );
    expect(declined?.note).toBe('No tengo unidad libre');
    // B had the page open: the offer arrives without reloading.
    await offerCard(b.page, tow.number).waitFor({ timeout: UI_WAIT_MS });
    // Leave it to B: decline it through the API so it is not in the next tests' way.
    const bSession = await signIn(web.t, userB);
    const offers = await web.t.app.inject({
      method: 'GET',
      url: '/v1/provider/offers',
      headers: bSession.read,
    });
    const offer = offers.json().data.find((o: { caseId: string }) => o.caseId === tow.id);
    await web.t.app.inject({
      method: 'POST',
      url: `/v1/offers/${offer.id}/decline`,
      headers: bSession.write,
      payload: { reason: 'prueba' },
    });
  }, 90_000);

  it('passes axe in Spanish and English at 390 and 1280, for the offers and a job', async () => {
    const tow = await openTow();
    const jobs = await signIn(web.t, userA);
    const current = (
      await web.t.app.inject({ method: 'GET', url: '/v1/provider/jobs', headers: jobs.read })
    ).json().data[0];
    expect(current, 'the job of the previous test').toBeDefined();
    await checkStaffPage(web, userA, '/proveedor', 'provider-offers', async (page) => {
      await page.context().clock.setFixedTime(serverNow());
      await offerCard(page, tow.number).waitFor({ timeout: UI_WAIT_MS });
      await page.locator('.provider-job', { hasText: current.number }).waitFor();
    });
    await checkStaffPage(web, userA, `/proveedor/trabajos/${current.id}`, 'provider-job', async (page) => {
      await page.locator('.mono', { hasText: current.number }).waitFor();
      await page.locator('.provider-steps .button').first().waitFor();
    });
  }, 240_000);

  it('says why an offer went away when its time ran out', async () => {
    const tow = await openTow();
    const { page, context } = await openPhone(userA, '/proveedor');
    const card = offerCard(page, tow.number);
    await card.waitFor({ timeout: UI_WAIT_MS });
    const expiresAt = (await caseOf(tow.id)).offers.find((o: { status: string }) => o.status === 'pending')
      .expiresAt as string;
    await context.clock.setFixedTime(new Date(Date.parse(expiresAt) + 1_000));
    await card.waitFor({ state: 'detached' });
    await page
      .getByText(`La oferta ${tow.number} venció sin respuesta: se ofreció a otro proveedor.`)
      .waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  }, 90_000);

  it('switches offers off and on, as the API records it', async () => {
    const { page } = await openPhone(userB, '/proveedor');
    const toggle = page.getByRole('button', { name: 'Recibir ofertas' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await toggle.click();
    await page.getByText('No estás recibiendo ofertas.').waitFor();
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect((await providerRecord(providerB)).available).toBe(false);
    expect(await fitsWidth(page)).toBe(true);
    await toggle.click();
    await page.getByText('Estás recibiendo ofertas.').waitFor();
    expect((await providerRecord(providerB)).available).toBe(true);
  }, 90_000);
});
