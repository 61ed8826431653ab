import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../src/lib/clock.ts';
import { createUser, type Session, signIn, type TestUser } from './support/auth.ts';
import { UI_WAIT_MS } from './support/browser.ts';
import { createProviderUser, signedInProvider, towRequest } from './support/dispatch.ts';
import { buildMembership } from './support/factories.ts';
import { openAsStaff, PROVIDER_VIEWPORT, staffUser } from './support/staff-web.ts';
import {
  onlineCustomer,
  openSignedIn,
  screenshot,
  seriousViolations,
  startWeb,
  VIEWPORTS,
  type WebHarness,
} from './support/web.ts';

/**
 * Issue 23 in the browser: finance filters charges and downloads the CSV of what is filtered; the
 * customer sees the unit on its way, then rates the completed case; the supervisor's dashboard
 * shows the provider's average.
 */
describe('finance and ratings', () => {
  let web: WebHarness;
  let clock: ManualClock;
  let agent: TestUser;
  const agentApi = (): Promise<Session> => signIn(web.t, agent);

  beforeAll(async () => {
    web = await startWeb();
    clock = web.t.clock as ManualClock;
    clock.set(new Date());
    agent = await createUser(web.t, 'agent');
  }, 120_000);
  afterAll(async () => web?.close());

  it('filters charges by membership number and days, shows the totals and downloads the CSV', async () => {
    const paid = await buildMembership(web.t, { by: (await agentApi()).write });
    await buildMembership(web.t, { by: (await agentApi()).write });
    await web.t.services.billing.run({ at: clock.now(), trigger: 'test' });
    const finance = await staffUser(web, 'finance');
    const { page, failures } = await openAsStaff(web, finance, '/console/cobros');
    const totals = page.getByRole('region', { name: 'Totales de lo filtrado' });
    await totals.waitFor();
    expect(await totals.textContent()).toContain('Cobros: 2');

    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Mexico_City' }).format(clock.now());
    await page.getByLabel('Número de membresía').fill(paid.number.toLowerCase());
    await page.getByLabel('Desde el día').fill(today);
    await page.getByLabel('Hasta el día').fill(today);
    await page.getByRole('button', { name: 'Filtrar' }).click();
    await expect.poll(async () => totals.textContent()).toContain('Cobros: 1');
    expect(new URL(page.url()).searchParams.get('numero')).toBe(paid.number);
    const rows = page.getByRole('row').filter({ hasText: 'Pagado' });
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(paid.number);

    // The receipt shows its readable folio, not the charge's id.
    await rows.first().getByRole('button', { name: 'Recibo' }).click();
    const receipt = page.getByRole('dialog');
    expect(await receipt.textContent()).toMatch(/REC-\d{4}-\d{6}/);
    await receipt.getByRole('button', { name: 'Cerrar' }).click();

    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: UI_WAIT_MS }),
      page.getByRole('link', { name: 'Descargar CSV de lo filtrado' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^cobros-\d{4}-\d{2}-\d{2}\.csv$/);
    const bytes = await readFile((await download.path()) as string);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n').filter(Boolean);
    expect(lines[0]).toMatch(/^Folio de recibo,Membresía,/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(paid.number);
    expect(lines[1]).toMatch(/^REC-\d{4}-\d{6},/);

    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'console-charges-filtered', { width: 1280, height: 800 });
    expect(failures).toEqual([]);
  }, 240_000);

  it('shows the unit on its way, then rates the completed case; the dashboard shows the average', async () => {
    const customer = await onlineCustomer(web.t);
    const provider = await signedInProvider(web.t, { kmNorth: 1, name: 'Grúas del Valle', capacity: 10 });
    const opened = await web.t.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: (await agentApi()).write,
      payload: towRequest(customer.membershipId),
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const caseId = opened.json().id as string;
    const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
      web.t.app.inject({ method, url, headers: provider.session.write, ...(payload ? { payload } : {}) });
    const offer = (await call('GET', '/v1/provider/offers'))
      .json()
      .data.find((o: { caseId: string }) => o.caseId === caseId);
    expect((await call('POST', `/v1/offers/${offer.id}/accept`, { quoteCentavos: 80_000 })).statusCode).toBe(
      200,
    );
    // The provider tells the unit from its app's job page.
    const providerUser = await createProviderUser(web.t, provider.id);
    const app = await openAsStaff(web, providerUser, `/proveedor/trabajos/${caseId}`, PROVIDER_VIEWPORT);
    const unitForm = app.page.getByRole('region', { name: 'Unidad que va' });
    await unitForm.getByLabel('Nombre del conductor').fill('Juan Pérez Soto');
    await unitForm.getByLabel('Unidad', { exact: true }).fill('Grúa plataforma blanca');
    await unitForm.getByLabel('Placas').fill('nla-12-34');
    await unitForm.getByRole('button', { name: 'Guardar unidad' }).click();
    await app.page.getByText('Unidad guardada: el cliente ya la ve.').waitFor();
    await unitForm.getByRole('button', { name: 'Actualizar unidad' }).waitFor();
    expect(await seriousViolations(app.page)).toEqual([]);
    expect(app.failures).toEqual([]);
    expect((await call('POST', `/v1/cases/${caseId}/status`, { status: 'en_route' })).statusCode).toBe(200);

    const { page, failures } = await openSignedIn(web, customer, `/app/casos/${caseId}`, VIEWPORTS[0]);
    const unitShown = page.getByTestId('provider-unit');
    await unitShown.waitFor();
    expect(await unitShown.textContent()).toContain('Juan P.');
    expect(await unitShown.textContent()).toContain('NLA-12-34');
    expect(await page.textContent('body')).not.toContain('Pérez');

    // The provider arrives and finishes: the page follows live and asks for a rating.
    for (const status of ['on_site', 'completed'])
      expect((await call('POST', `/v1/cases/${caseId}/status`, { status })).statusCode).toBe(200);
    const form = page.getByRole('region', { name: 'Califica el servicio' });
    await form.getByRole('group', { name: '¿Cómo te atendieron?' }).waitFor({ timeout: UI_WAIT_MS });
    expect(await unitShown.count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Enviar calificación' }).click();
    await form.getByText('Elige una calificación del 1 al 5.').waitFor();
    await form.getByLabel('4 · Bien').check();
    await form.getByLabel('Comentario (opcional)').fill('Amable, pero tardó en llegar.');
    await form.getByRole('button', { name: 'Enviar calificación' }).click();
    await page.getByTestId('rating-given').getByText('Calificaste este servicio con 4 de 5.').waitFor();
    expect(await page.getByTestId('rating-given').textContent()).toContain('Amable, pero tardó en llegar.');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'portal-case-rated', VIEWPORTS[0]);
    expect(failures).toEqual([]);

    // Read again later, the rating stays as given.
    await page.reload();
    await page.getByTestId('rating-given').waitFor();
    expect(await page.getByRole('button', { name: 'Enviar calificación' }).count()).toBe(0);

    // The dashboard's window ends now: the test clock moves a minute on past the rating.
    clock.set(new Date(clock.now().getTime() + 60_000));
    const supervisor = await staffUser(web, 'supervisor');
    const dashboard = await openAsStaff(web, supervisor, '/console/tablero');
    const ratings = dashboard.page.getByRole('region', { name: 'Calificaciones de los clientes' });
    const row = ratings.getByRole('row').filter({ hasText: 'Grúas del Valle' });
    await row.waitFor();
    expect(await row.getByTestId('provider-average').textContent()).toBe('4.0');
    expect(await seriousViolations(dashboard.page)).toEqual([]);
    expect(dashboard.failures).toEqual([]);

    // Staff read the case with the unit whole and the customer's rating.
    await dashboard.page.goto(`${web.base}/console/casos/${caseId}`);
    await dashboard.page.getByText('Juan Pérez Soto · Grúa plataforma blanca · placas NLA-12-34').waitFor();
    await dashboard.page.getByText('4 de 5').waitFor();
  }, 300_000);
});
