import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../src/lib/clock.ts';
import { createUser, signIn, type TestUser } from './support/auth.ts';
import { contractByPhone, createProviderUser, registerProvider, towRequest } from './support/dispatch.ts';
import { contractBody, tokenize } from './support/factories.ts';
import { TEST_CARD } from './support/payments.ts';
import { checkStaffPage, openAsStaff, staffUser } from './support/staff-web.ts';
import { startWeb, type WebHarness } from './support/web.ts';

/**
 * The supervisor's dashboard and the admin's plan catalog, in Chromium, on data made through the
 * API: two phone memberships (one card approves, one is always declined), a billing run, two tow
 * cases and a complaint.
 */
describe('console: dashboard and plan catalog', () => {
  let web: WebHarness;
  let supervisor: TestUser;
  let admin: TestUser;

  const panel = (page: Page, name: string) => page.locator(`[data-panel="${name}"]`);

  beforeAll(async () => {
    web = await startWeb();
    const t = web.t;
    supervisor = await staffUser(web, 'supervisor');
    admin = await staffUser(web, 'admin');
    const agent = await signIn(t, await createUser(t, 'agent'));
    const finance = await signIn(t, await createUser(t, 'finance'));
    const provider = await signIn(t, await createProviderUser(t, await registerProvider(t, { capacity: 5 })));

    const ok = await contractByPhone(t, agent.write);
    const declined = await t.app.inject({
      method: 'POST',
      url: '/v1/memberships',
      headers: agent.write,
      payload: contractBody(await tokenize(t, TEST_CARD.alwaysDeclined)),
    });
    expect(declined.statusCode, declined.body).toBe(201);

    const run = await t.app.inject({
      method: 'POST',
      url: '/v1/billing/runs',
      headers: finance.write,
      payload: {},
    });
    expect(run.statusCode, run.body).toBe(202);
    await t.services.billing.drain();

    const tows: string[] = [];
    for (let i = 0; i < 2; i++) {
      const kase = await t.app.inject({
        method: 'POST',
        url: '/v1/cases',
        headers: agent.write,
        payload: towRequest(ok),
      });
      expect(kase.statusCode, kase.body).toBe(201);
      tows.push(kase.json().id);
    }
    // The provider takes the first tow at once: dispatched within its target.
    const offers = await t.app.inject({ method: 'GET', url: '/v1/provider/offers', headers: provider.read });
    const offer = offers.json().data.find((o: { caseId: string }) => o.caseId === tows[0]);
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/v1/offers/${offer.id}/accept`,
      headers: provider.write,
      payload: { quoteCentavos: 80_000 },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const complaint = await t.app.inject({
      method: 'POST',
      url: '/v1/complaints',
      headers: agent.write,
      payload: { membershipId: ok, category: 'service_quality', text: 'La grúa tardó demasiado en llegar.' },
    });
    expect(complaint.statusCode, complaint.body).toBe(201);
    // A minute goes by: the report's window ends at now, exclusive.
    (t.clock as ManualClock).advance({ minutes: 1 });
  }, 180_000);
  afterAll(async () => web?.close());

  it('shows the supervisor the charts with their figures written out', async () => {
    const { page, failures } = await openAsStaff(web, supervisor, '/console/tablero');
    await page.getByRole('heading', { name: 'Tablero', level: 1 }).waitFor();

    const cases = panel(page, 'cases');
    await cases.getByRole('heading', { name: 'Casos por hora y servicio' }).waitFor();
    await expect.poll(() => cases.locator('.recharts-bar-rectangle path').count()).toBe(1);
    expect(await cases.textContent()).toContain(
      'Casos en las últimas 24 horas: 2. Hora con más casos: 14:00 (2).',
    );
    await cases.getByText('Ver los datos en una tabla').click();
    const casesTable = cases.getByRole('table');
    expect(await casesTable.getByRole('columnheader').allTextContents()).toEqual([
      'Hora',
      'Envío de grúa',
      'Total',
    ]);
    expect(await casesTable.getByRole('row').nth(1).textContent()).toBe('14:0022');

    const charges = panel(page, 'charges');
    expect(await charges.textContent()).toContain(
      'Cobros intentados: 2 (aprobados: 1, rechazados: 1, sin respuesta: 0). Éxito: 50 %.',
    );
    await charges.getByText('50 % de éxito').waitFor();
    expect(await charges.locator('.recharts-pie-sector').count()).toBe(2);

    const complaints = panel(page, 'complaints');
    expect(await complaints.textContent()).toContain(
      'Pendientes: 1 (abiertas: 1, en atención: 0, escaladas: 0). Vencidas: 0.',
    );
    expect(await complaints.locator('.recharts-bar-rectangle path').count()).toBe(1);

    const memberships = panel(page, 'memberships');
    expect(await memberships.textContent()).toContain(
      'Membresías vigentes: 2 (en prueba: 0, activas: 1, con pago vencido: 1, suspendidas: 0).',
    );
    expect(await memberships.locator('.recharts-bar-rectangle path').count()).toBe(2);

    // One tow dispatched in time; the other still within its target, and neither on site yet.
    const sla = panel(page, 'sla');
    expect(await sla.textContent()).toContain('Despachados a tiempo: 100 % (1 de 1)');
    expect(await sla.textContent()).toContain('Llegaron a tiempo: sin casos medidos');
    expect(await sla.locator('.recharts-bar-rectangle path').count()).toBe(1);
    expect(failures).toEqual([]);
  });

  it('lets an admin publish a new version from the current one and see it current', async () => {
    const { page } = await openAsStaff(web, admin, '/console/admin/planes');
    const plus = page.locator('[data-plan="libra-plus"]');
    await plus.getByRole('heading', { name: /Libra Plus/ }).waitFor();
    expect(await plus.locator('tr[data-version="1"]').textContent()).toContain('Vigente');
    expect(await plus.locator('tr[data-version="1"]').textContent()).toContain('2 vigentes de 2');

    await plus.getByRole('button', { name: 'Publicar nueva versión' }).click();
    const form = plus.getByRole('form', { name: 'Nueva versión de Libra Plus' });
    // The API's own words at the field: a price below its minimum.
    await form.getByLabel('Precio al mes con IVA (MXN)').fill('0.50');
    await form.getByRole('button', { name: 'Publicar versión' }).click();
    await expect.poll(async () => form.locator('.field-error').first().textContent()).toMatch(/\S/);

    await form.getByLabel('Precio al mes con IVA (MXN)').fill('239.00');
    await form.getByLabel('Eventos al año de Enfermera a domicilio').fill('2');
    await form.getByRole('button', { name: 'Publicar versión' }).click();
    await page.getByRole('status').getByText('Publicaste la versión 2 de Libra Plus.').waitFor();

    const v2 = plus.locator('tr[data-version="2"]');
    await v2.waitFor();
    expect(await v2.textContent()).toContain('Vigente');
    expect(await v2.textContent()).toContain('$239.00');
    expect(await v2.textContent()).toContain('$206.03 + IVA $32.97');
    expect(await plus.locator('tr[data-version="1"]').textContent()).toContain('Anterior');
    expect(await plus.getByRole('row', { name: /Enfermera a domicilio/ }).textContent()).toContain(
      '2 eventos al año',
    );

    const api = await web.t.app.inject({ method: 'GET', url: '/v1/plans/libra-plus' });
    expect(api.json()).toMatchObject({ version: 2, price: { totalCentavos: 23_900 } });
  });

  it('does not show a supervisor the plans page', async () => {
    const { page } = await openAsStaff(web, supervisor, '/console/admin/planes');
    await page.getByRole('heading', { name: 'Esta sección no existe o tu cuenta no la tiene.' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Secciones' });
    expect(await nav.getByRole('link', { name: /Planes/ }).count()).toBe(0);
    expect(await page.locator('[data-plan]').count()).toBe(0);
  });

  it('passes the staff page checks on the dashboard', async () => {
    await checkStaffPage(web, supervisor, '/console/tablero', 'console-dashboard', (page) =>
      page.locator('[data-panel="charges"] .recharts-pie-sector').first().waitFor(),
    );
  }, 120_000);

  it('passes the staff page checks on the plans page', async () => {
    await checkStaffPage(web, admin, '/console/admin/planes', 'console-plans', (page) =>
      page.locator('[data-plan="libra-plus"] tr[data-version="1"]').waitFor(),
    );
  }, 120_000);
});
