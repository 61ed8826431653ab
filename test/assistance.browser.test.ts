import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCoveredThrough, formatDateTime } from '../src/web/i18n/format.ts';
import { createUser, type Session, signIn, type TestUser } from './support/auth.ts';
import { hasChromium, INSTALL_CHROMIUM, UI_WAIT_MS } from './support/browser.ts';
import { contractByPhone, createProviderUser, registerProvider, ZOCALO } from './support/dispatch.ts';
import {
  checkSignedInPage,
  type OnlineCustomer,
  onlineCustomer,
  openSignedIn,
  screenshot,
  seriousViolations,
  signInThroughPage,
  startWeb,
  VIEWPORTS,
  type Viewport,
  type WebHarness,
} from './support/web.ts';

/**
 * The portal's help pages in Chromium, as one customer's story: a tow requested with the
 * eligibility answer first, its excess accepted and the provider followed live; a request refused
 * with its reasons before sending; a complaint about the tow; the cancellation with its refund
 * decision. And a phone customer, who is given the line instead of a dead end.
 */
if (!hasChromium) process.stdout.write(`${INSTALL_CHROMIUM}\n`);

/** Shorter than the case page's quiet refresh (30 s): what arrives in time came over the stream. */
const LIVE_MS = UI_WAIT_MS;
/** Run in the page on an element: does it have the focus? */
const IS_FOCUSED = (element: { ownerDocument: { activeElement: unknown } }) =>
  element === element.ownerDocument.activeElement;

describe.skipIf(!hasChromium)('getting help in the portal', () => {
  let web: WebHarness;
  let customer: OnlineCustomer;
  let customerApi: Session;
  let provider: Session;
  let caseId = '';
  let caseNumber = '';
  let claimId = '';

  beforeAll(async () => {
    web = await startWeb();
    customer = await onlineCustomer(web.t);
    customerApi = await signIn(web.t, customer);
    // The only provider in this database: tows around the Zócalo, a kilometre north of it.
    const providerId = await registerProvider(web.t, { kmNorth: 1, capacity: 5 });
    provider = await signIn(web.t, await createProviderUser(web.t, providerId));
  }, 120_000);

  afterAll(async () => {
    await web?.close();
  });

  const openAs = (who: { email: string; password: string }, path: string, viewport?: Viewport) =>
    openSignedIn(web, who, path, viewport);
  const checkPage = (
    who: { email: string; password: string },
    path: string,
    name: string,
    ready: (page: Page) => Promise<unknown>,
  ) => checkSignedInPage(web, who, path, name, ready);

  async function providerPost(url: string, payload: object) {
    const res = await web.t.app.inject({ method: 'POST', url, headers: provider.write, payload });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  const status = (page: Page, words: string) =>
    page.getByTestId('case-status').filter({ hasText: new RegExp(`^${words}$`) });

  it('requests a tow with the eligibility answer first, accepts its excess and follows it live', async () => {
    const { page, context, failures } = await web.open('/entrar');
    await context.grantPermissions(['geolocation'], { origin: web.base });
    await context.setGeolocation({ latitude: ZOCALO.lat, longitude: ZOCALO.lng, accuracy: 20 });
    await signInThroughPage(page, web.base, customer);
    failures.length = 0;
    await page
      .getByRole('navigation', { name: 'Tu membresía' })
      .getByRole('link', { name: 'Solicitar asistencia' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Solicitar asistencia' }).waitFor();
    // The kind of help first, then its services (a short list on a phone).
    await page.getByRole('radio', { name: 'Vial', exact: true }).check();
    await page.getByLabel('Envío de grúa').check();
    await page.getByLabel('Persona').selectOption('titular');
    await page.getByRole('button', { name: 'Usar mi ubicación' }).click();
    await page.getByText('Listo: usamos tu ubicación').waitFor();
    expect(await page.getByLabel('Estado').inputValue()).toBe('CMX');
    await page.getByLabel('Dirección').fill('Plaza de la Constitución s/n, frente a la Catedral');
    await page.getByLabel('Marca').fill('Nissan');
    await page.getByLabel('Placas').fill('ABC-123-D');
    await page.getByLabel('Describe lo que pasa').fill('Mi auto no arranca; necesito grúa al taller.');

    // Before sending: the API's answer, with its reasons and what is left.
    const answer = page.getByTestId('eligibility');
    await answer.getByRole('heading', { name: 'Sí procede' }).waitFor();
    const said = await answer.innerText();
    expect(said).toContain('María Fernanda López Ruiz');
    expect(said).toContain('Cubierto hasta $1,000.00 por evento');
    expect(said).toContain('Uso ilimitado; 0 usos este año de membresía');
    await screenshot(page, 'assistance-request-filled', VIEWPORTS[0]);

    await page.getByRole('button', { name: 'Enviar solicitud' }).click();
    await page.getByRole('heading', { level: 1, name: 'Envío de grúa' }).waitFor();
    caseId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    const stored = await web.t.app.inject({
      method: 'GET',
      url: `/v1/cases/${caseId}`,
      headers: customerApi.read,
    });
    expect(stored.statusCode).toBe(200);
    caseNumber = stored.json().number;
    expect(stored.json()).toMatchObject({
      channel: 'online',
      person: { id: 'titular' },
      place: { lat: ZOCALO.lat, lng: ZOCALO.lng, stateCode: 'CMX' },
      details: { vehicle: { make: 'Nissan', plates: 'ABC-123-D' } },
    });
    await page.getByText(caseNumber, { exact: true }).waitFor();
    await page.getByTestId('live').filter({ hasText: 'En vivo' }).waitFor({ timeout: LIVE_MS });

    // From here on the page is never loaded again: this survives only in the same document.
    await page.evaluate("window.libraMarker = 'same page'");

    // The provider takes it with a quote above the $1,000.00 cap: the customer sees the excess.
    const offers = await web.t.app.inject({
      method: 'GET',
      url: '/v1/provider/offers',
      headers: provider.read,
    });
    const offer = offers.json().data.find((o: { caseId: string }) => o.caseId === caseId);
    expect(offer, offers.body).toBeDefined();
    await providerPost(`/v1/offers/${offer.id}/accept`, { quoteCentavos: 140_000 });
    const excess = page.getByRole('region', { name: 'Acepta el excedente para enviar la grúa' });
    await excess.waitFor({ timeout: LIVE_MS });
    const excessText = await excess.innerText();
    expect(excessText).toContain('$1,400.00');
    expect(excessText).toContain('$1,000.00');
    expect(excessText).toContain('$400.00');
    expect(await status(page, 'Acepta el excedente').count()).toBe(1);
    expect(await seriousViolations(page), 'case page with the excess').toEqual([]);
    await screenshot(page, 'case-excess', VIEWPORTS[0]);

    await excess.getByRole('button', { name: 'Aceptar y enviar la grúa' }).click();
    await status(page, 'Proveedor asignado').waitFor({ timeout: LIVE_MS });
    const accepted = await web.t.app.inject({
      method: 'GET',
      url: `/v1/cases/${caseId}`,
      headers: customerApi.read,
    });
    expect(accepted.json()).toMatchObject({ state: 'dispatched', cost: { excessCentavos: 40_000 } });
    expect(accepted.json().cost.excessAcceptedAt).not.toBeNull();

    // The provider reports progress through the API; the open page follows by itself.
    await providerPost(`/v1/cases/${caseId}/status`, { status: 'en_route' });
    await status(page, 'En camino').waitFor({ timeout: LIVE_MS });
    expect(await page.getByTestId('eta').innerText()).toMatch(/Llega en ~\d+ min|Está por llegar/);
    await page.getByRole('status').filter({ hasText: 'Tu asistencia cambió: En camino.' }).waitFor();
    await providerPost(`/v1/cases/${caseId}/status`, { status: 'on_site' });
    await status(page, 'En sitio').waitFor({ timeout: LIVE_MS });

    const timeline = page.getByRole('list', { name: 'Seguimiento' });
    for (const label of [
      'Solicitud recibida',
      'Excedente aceptado',
      'Proveedor en camino',
      'El proveedor llegó',
    ])
      await timeline.getByText(label, { exact: true }).waitFor();
    expect(await page.evaluate('window.libraMarker')).toBe('same page');
    expect(new URL(page.url()).pathname).toBe(`/app/casos/${caseId}`);
    expect(failures).toEqual([]);
    await page.context().close();

    await checkPage(customer, `/app/casos/${caseId}`, 'case', async (p) => {
      await status(p, 'En sitio').waitFor();
    });
  }, 240_000);

  it('shows the reasons a request is refused before it can be sent', async () => {
    // This year's protected ATM withdrawal is already claimed (through the API).
    const claim = await web.t.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: customerApi.write,
      payload: {
        membershipId: customer.membershipId,
        personId: 'titular',
        serviceCode: 'atm-robbery-protection',
        place: { address: 'Av. Juárez 10, Centro, CDMX', ...ZOCALO, stateCode: 'CMX' },
        description: 'Me robaron al retirar en el cajero.',
        details: {
          withdrawal: { amountCentavos: 300_000, at: '2026-11-24T18:00:00.000Z', atm: 'BBVA, Av. Juárez 10' },
          cardDailyAtmMaximumCentavos: 900_000,
        },
      },
    });
    expect(claim.statusCode, claim.body).toBe(201);
    expect(claim.json().state).toBe('under_review');
    claimId = claim.json().id;

    const { page } = await openAs(customer, '/app/asistencia');
    // The kind of help first, then its services (a short list on a phone).
    await page.getByRole('radio', { name: 'Legal y gestoría', exact: true }).check();
    await page.getByLabel('Retiros protegidos en ATM por robo').check();
    const answer = page.getByTestId('eligibility');
    await answer.getByRole('heading', { name: 'No procede' }).waitFor();
    const said = await answer.innerText();
    expect(said).toContain('Ya se usaron 1 de 1');
    expect(said).toContain('te quedan 0 de 1');
    expect(await page.getByRole('button', { name: 'Enviar solicitud' }).isDisabled()).toBe(true);
    await screenshot(page, 'assistance-refused', VIEWPORTS[0]);
    expect(await seriousViolations(page), 'refusal').toEqual([]);
    await page.context().close();

    await checkPage(customer, '/app/asistencia', 'assistance', async (p) => {
      await p.getByTestId('my-cases').getByText(caseNumber).waitFor();
    });
  }, 240_000);

  it('files a complaint about the tow and lists it with its number and due date', async () => {
    const { page, failures } = await openAs(customer, `/app/casos/${caseId}`);
    await page.getByRole('link', { name: 'Presentar una queja' }).click();
    await page.getByRole('heading', { level: 1, name: 'Quejas' }).waitFor();
    await page.getByText('No tienes quejas').waitFor();
    expect(await page.getByLabel('Asistencia relacionada').inputValue()).toBe(caseId);
    await page.getByLabel('Tema').selectOption({ label: 'Trato del proveedor' });
    await page.getByLabel('¿Qué pasó?').fill('El operador de la grúa fue grosero al llegar.');
    await page.getByRole('button', { name: 'Enviar queja' }).click();
    const filed = page.getByTestId('complaint-filed');
    await filed.waitFor();

    const mine = await web.t.app.inject({ method: 'GET', url: '/v1/complaints', headers: customerApi.read });
    const [complaint] = mine.json().data;
    expect(complaint).toMatchObject({
      caseId,
      category: 'provider_conduct',
      channel: 'online',
      status: 'open',
    });
    expect(await filed.innerText()).toContain(complaint.number);
    const due = formatDateTime(complaint.dueAt, 'es');
    expect(await filed.innerText()).toContain(due);

    const card = page
      .getByTestId('my-complaints')
      .getByRole('listitem')
      .filter({ hasText: complaint.number });
    await card.waitFor();
    const cardText = await card.innerText();
    expect(cardText).toContain(due);
    expect(cardText).toContain(caseNumber);
    expect(cardText).toContain('Recibida');
    await card.getByRole('button', { name: /Ver seguimiento/ }).click();
    await card.getByText('Queja recibida', { exact: true }).waitFor();
    expect(failures).toEqual([]);
    await page.context().close();

    await checkPage(customer, '/app/quejas', 'complaints', async (p) => {
      await p
        .getByTestId('my-complaints')
        .getByRole('listitem')
        .filter({ hasText: complaint.number })
        .waitFor();
    });
  }, 240_000);

  it('cancels a request after a confirmation dialog that Escape closes', async () => {
    const { page, failures } = await openAs(customer, '/app/asistencia');
    await page
      .getByTestId('my-cases')
      .getByRole('link', { name: 'Retiros protegidos en ATM por robo' })
      .click();
    await status(page, 'En revisión').waitFor();
    const opener = page.getByRole('button', { name: 'Cancelar solicitud' });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: '¿Cancelar esta solicitud?' });
    await dialog.waitFor();
    expect(await dialog.getByRole('button', { name: 'No, mantenerla' }).evaluate(IS_FOCUSED)).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await opener.evaluate(IS_FOCUSED)).toBe(true);

    await opener.click();
    await dialog.getByLabel('Motivo').selectOption({ label: 'Ya lo resolví' });
    await dialog.getByLabel('Algo más que quieras decirnos').fill('Recuperé el dinero con el banco.');
    await dialog.getByRole('button', { name: 'Sí, cancelar' }).click();
    await status(page, 'Cancelada').waitFor();
    expect(await page.getByRole('button', { name: 'Cancelar solicitud' }).count()).toBe(0);
    const res = await web.t.app.inject({
      method: 'GET',
      url: `/v1/cases/${claimId}`,
      headers: customerApi.read,
    });
    expect(res.json().state).toBe('cancelled');
    expect(res.json().timeline.at(-1)).toMatchObject({
      type: 'cancelled',
      note: 'Ya lo resolví: Recuperé el dinero con el banco.',
    });
    expect(failures).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('shows what cancelling would do — no refund, with the reason — then confirms it with a number', async () => {
    await checkPage(customer, '/app/cancelar', 'cancel', async (p) => {
      await p.getByTestId('refund').waitFor();
    });

    const { page, failures } = await openAs(customer, '/app/cancelar');
    const refund = page.getByTestId('refund');
    await refund.waitFor();
    const refundText = await refund.innerText();
    expect(refundText).toContain('No aplica el reembolso.');
    expect(refundText).toContain('Ya usaste al menos una asistencia');
    expect(refundText).toContain('van 0 de los 30 días naturales');

    await page.getByLabel('¿Por qué cancelas?').fill('Ya no la necesito.');
    await page.getByRole('button', { name: 'Cancelar membresía' }).click();
    const dialog = page.getByRole('dialog', { name: '¿Cancelar tu membresía?' });
    await dialog.waitFor();
    // The safe choice has the focus; the page behind is inert.
    expect(await dialog.getByRole('button', { name: 'No, conservarla' }).evaluate(IS_FOCUSED)).toBe(true);
    expect(await seriousViolations(page), 'cancel dialog').toEqual([]);
    await screenshot(page, 'cancel-dialog', VIEWPORTS[0]);
    await dialog.getByRole('button', { name: 'Sí, cancelar' }).click();

    const done = page.getByTestId('cancel-done');
    await done.waitFor();
    const preview = await web.t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${customer.membershipId}/cancellation`,
      headers: customerApi.read,
    });
    const made = preview.json().cancellation;
    expect(made).toMatchObject({
      channel: 'online',
      reason: 'Ya no la necesito.',
      refund: { eligible: false },
    });
    expect(made.confirmationNumber).toMatch(/^LC-\d{2}-\d{6}$/);
    expect(await page.getByTestId('confirmation-number').innerText()).toBe(made.confirmationNumber);
    // The cover's end is said as its last covered day, as the portal home and the messages say it.
    expect(await done.innerText()).toContain(formatCoveredThrough(made.coverageEndsAt, 'es'));
    expect(await done.innerText()).not.toContain('00:00');
    await screenshot(page, 'cancel-done', VIEWPORTS[0]);
    expect(failures).toEqual([]);
    await page.context().close();

    // Coming back later: already cancelled, with its dates.
    const again = await openAs(customer, '/app/cancelar');
    await again.page.getByRole('heading', { name: 'Tu membresía está cancelada' }).waitFor();
    expect(await again.page.getByTestId('confirmation-number').innerText()).toBe(made.confirmationNumber);
    await again.page.context().close();
  }, 240_000);

  it('gives a phone-contracted customer the cancellation line, its hours and the international number', async () => {
    const agent = await signIn(web.t, await createUser(web.t, 'agent'));
    const membershipId = await contractByPhone(web.t, agent.write);
    // The titular has an account of their own (as test/cancellation.test.ts links one).
    const user: TestUser = await createUser(web.t, 'customer');
    await web.t.database.handle.db.execute(
      sql`update memberships set titular_user_id = ${user.id} where id = ${membershipId}`,
    );

    const { page, failures } = await openAs(user, '/app/cancelar');
    const byPhone = page.getByTestId('cancel-by-phone');
    await byPhone.getByRole('heading', { name: 'Cancela por teléfono' }).waitFor();
    const phone = byPhone.getByRole('link', { name: '55 5480 0900', exact: true });
    await phone.waitFor();
    expect(await phone.getAttribute('href')).toBe('tel:+525554800900');
    const text = await byPhone.innerText();
    expect(text).toContain('+52 55 5480 0900');
    expect(text).toMatch(/lunes a viernes/i);
    expect(await page.getByRole('button', { name: 'Cancelar membresía' }).count()).toBe(0);
    expect(failures).toEqual([]);
    await page.context().close();

    await checkPage(user, '/app/cancelar', 'cancel-by-phone', async (p) => {
      await p.getByTestId('cancel-by-phone').waitFor();
    });
  }, 240_000);
});
