import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, signIn, type TestUser } from './support/auth.ts';
import { UI_WAIT_MS } from './support/browser.ts';
import { createProviderUser, registerProvider } from './support/dispatch.ts';
import { contractBody, tokenize } from './support/factories.ts';
import {
  CONSOLE_VIEWPORT,
  PROVIDER_VIEWPORT,
  passVerification,
  signInThroughStaffForm,
  staffUser,
} from './support/staff-web.ts';
import { screenshot, startWeb, type WebHarness } from './support/web.ts';

/**
 * Issue 11's call from start to finish, as the people do it: an agent finds the caller by phone
 * number, asks for a tow, and sees the offer go to the nearest tow company; on the tow driver's
 * phone (another browser) the offer is accepted and the job moved en camino → en sitio →
 * terminado; meanwhile the agent's case board and the member's page, open in other tabs, follow
 * each step without being reloaded.
 */
describe('a call taken from start to finish: the agent and the tow driver', () => {
  let web: WebHarness;
  let agent: TestUser;
  let driver: TestUser;
  let agentApi: Session;
  let membershipId: string;
  const PHONE = '55 6120 4477';
  const NAME = 'Leticia Arellano Domínguez';
  const PROVIDER = 'Grúas Centro Histórico';
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    web = await startWeb();
    agent = await staffUser(web, 'agent');
    agentApi = await signIn(web.t, agent);
    const near = await registerProvider(web.t, { name: PROVIDER, kmNorth: 1, capacity: 3 });
    await registerProvider(web.t, { name: 'Grúas Lejanas del Norte', kmNorth: 12, capacity: 3 });
    driver = await createProviderUser(web.t, near);
    const body = contractBody(await tokenize(web.t), { titular: { fullName: NAME, phone: PHONE } as never });
    // Sold earlier by another agent: this call starts by verifying who is calling.
    const seller = await signIn(web.t, await staffUser(web, 'agent'));
    const contracted = await web.t.app.inject({
      method: 'POST',
      url: '/v1/memberships',
      headers: seller.write,
      payload: body,
    });
    expect(contracted.statusCode, contracted.body).toBe(201);
    membershipId = contracted.json().id;
  }, 120_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await web?.close();
  });

  /** A browser of its own (its own cookies), on the platform's clock, with the errors it logs. */
  async function browserFor(
    viewport: { width: number; height: number },
    position?: { latitude: number; longitude: number },
  ) {
    const context = await web.browser.newContext({
      viewport,
      locale: 'es-MX',
      ...(position ? { geolocation: position, permissions: ['geolocation'] } : {}),
    });
    context.setDefaultTimeout(UI_WAIT_MS);
    contexts.push(context);
    // The test app's clock stands still; countdowns and "hace X s" read the same time.
    await context.clock.setFixedTime(web.t.clock.now());
    const failures: string[] = [];
    const open = async (path: string) => {
      const page = await context.newPage();
      page.on('pageerror', (error) => failures.push(`${path}: ${error.message}`));
      page.on('console', (m) => m.type() === 'error' && failures.push(`${path}: ${m.text()}`));
      await page.goto(`${web.base}${path}`);
      return page;
    };
    return { context, failures, open };
  }

  const caseState = async (id: string) =>
    (await web.t.app.inject({ method: 'GET', url: `/v1/cases/${id}`, headers: agentApi.read })).json()
      .state as string;

  it('goes from the phone number to a completed tow, every screen following by itself', async () => {
    const desk = await browserFor(CONSOLE_VIEWPORT);

    // The agent's case board is open before the call (signing in there opens the console).
    const board = await desk.open('/console/casos');
    await signInThroughStaffForm(board, agent);
    // Before signing in the console asked who was signed in and was told 401: expected.
    desk.failures.length = 0;
    await board.getByRole('heading', { name: 'Casos', level: 1 }).waitFor();

    // The call: find the caller by the phone number they say, open their page.
    const call = await desk.open('/console/miembros');
    const box = call.getByRole('searchbox', { name: /teléfono/ });
    await box.fill('55 6120 4477');
    await call.getByRole('link', { name: NAME }).waitFor();
    await box.press('Enter');
    await call.waitForURL(`**/console/miembros/${membershipId}`);
    await passVerification(call);
    await call.getByRole('heading', { name: NAME, level: 1 }).waitFor();

    // "Nueva asistencia": a tow, quoted within the cap, with the answer before sending.
    await call.keyboard.press('n');
    await call.getByRole('heading', { name: 'Nueva asistencia', level: 1 }).waitFor();
    await call.getByRole('radio', { name: 'Vial', exact: true }).check();
    await call.getByRole('radio', { name: 'Envío de grúa' }).check();
    await call.getByLabel('Dirección', { exact: true }).fill('República de Brasil 12, Centro, CDMX');
    await call.getByLabel('Estado', { exact: true }).selectOption('CMX');
    await call.getByLabel('Cotización del servicio (MXN)').fill('800');
    await call.getByLabel('Marca').fill('Chevrolet');
    await call.getByLabel('Qué pasa').fill('El auto se apagó en un crucero y no vuelve a encender.');
    const answer = call.getByTestId('eligibility');
    await answer.filter({ hasText: 'Procede' }).waitFor();
    await call.getByRole('button', { name: 'Abrir caso' }).click();

    // The dispatch board: the offer went to the nearest tow company.
    await call.waitForURL('**/console/casos/*');
    const caseId = new URL(call.url()).pathname.split('/').pop() as string;
    const heading = call.getByRole('heading', { level: 1, name: /^Caso LP-/ });
    await heading.waitFor();
    const number = ((await heading.textContent()) ?? '').replace(/^Caso /, '').trim();
    const now = call.getByTestId('dispatch-now');
    await now.getByText(PROVIDER).waitFor();
    await now.getByText(/La oferta vence en \d:\d\d/).waitFor();

    // The case appeared on the board by itself; the member's page shows it too.
    const boardRow = board.getByRole('row').filter({ hasText: number });
    await boardRow.waitFor({ timeout: UI_WAIT_MS });
    const member = await desk.open(`/console/miembros/${membershipId}`);
    const memberRow = member.getByTestId('member-cases').getByRole('row').filter({ hasText: number });
    await memberRow.waitFor();

    // The tow driver's phone, in another browser: the offer arrives, is accepted with its quote.
    const phone = await browserFor(PROVIDER_VIEWPORT, { latitude: 19.4421, longitude: -99.1338 });
    const app = await phone.open('/proveedor');
    await signInThroughStaffForm(app, driver);
    phone.failures.length = 0;
    const offer = app.getByRole('article').filter({ hasText: number });
    await offer.waitFor({ timeout: UI_WAIT_MS });
    await offer.getByLabel('Tu cotización, en pesos').fill('800');
    await offer.getByRole('button', { name: 'Aceptar' }).click();
    await app.getByRole('dialog').getByRole('button', { name: 'Sí, acepto' }).click();
    await app.waitForURL(`**/proveedor/trabajos/${caseId}`);

    // Each step on the phone reaches the agent's three tabs without a reload.
    const stepOnPhone = async (name: string, finalCost?: string) => {
      await app.getByRole('button', { name, exact: true }).click();
      const dialog = app.getByRole('dialog');
      if (finalCost !== undefined) await dialog.getByLabel('Costo final, en pesos').fill(finalCost);
      await dialog.getByRole('button', { name: 'Sí, confirmar' }).click();
      await dialog.waitFor({ state: 'detached' });
    };
    const followed = async (label: string) => {
      await memberRow.filter({ hasText: label }).waitFor({ timeout: UI_WAIT_MS });
      // The dispatch board's own state badge, not only its timeline.
      await call.locator('.status-badge', { hasText: label }).first().waitFor({ timeout: UI_WAIT_MS });
    };

    await followed('Proveedor asignado');
    await boardRow.filter({ hasText: PROVIDER }).waitFor({ timeout: UI_WAIT_MS });

    await stepOnPhone('En camino');
    expect(await caseState(caseId)).toBe('en_route');
    await followed('Proveedor en camino');
    await boardRow.filter({ hasText: 'Proveedor en camino' }).waitFor({ timeout: UI_WAIT_MS });
    await screenshot(board, 'console-call-board-en-route', CONSOLE_VIEWPORT);

    await stepOnPhone('En sitio');
    await followed('Proveedor en el lugar');
    await boardRow.filter({ hasText: 'Proveedor en el lugar' }).waitFor({ timeout: UI_WAIT_MS });

    await stepOnPhone('Terminado', '800');
    expect(await caseState(caseId)).toBe('completed');
    await followed('Servicio concluido');
    // A completed case leaves the board of open cases, by itself.
    await boardRow.waitFor({ state: 'detached', timeout: UI_WAIT_MS });
    await screenshot(call, 'console-call-completed', CONSOLE_VIEWPORT);
    await screenshot(app, 'provider-call-completed', PROVIDER_VIEWPORT);

    expect(desk.failures).toEqual([]);
    expect(phone.failures).toEqual([]);
  }, 180_000);
});
