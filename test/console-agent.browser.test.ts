import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../src/lib/clock.ts';
import { type Session, signIn, type TestUser } from './support/auth.ts';
import { registerProvider, towRequest } from './support/dispatch.ts';
import { contractBody, tokenize } from './support/factories.ts';
import { checkStaffPage, openAsStaff, passVerification, staffUser } from './support/staff-web.ts';
import { startWeb, type WebHarness } from './support/web.ts';

/**
 * The agent on a call (issue 11, "Agent"): finds the member by phone, sees their whole picture,
 * requests a tow with a quote, reads the eligibility answer, opens the case and watches the offer
 * go to the nearest provider on the dispatch board; a supervisor assigns another case by hand with
 * a reason. Each screen passes axe in Spanish and English, with a screenshot.
 */
describe('console: the agent on a call', () => {
  let web: WebHarness;
  let agent: TestUser;
  let supervisor: TestUser;
  let agentApi: Session;
  const PHONE = '55 7788 1234';
  const NAME = 'Rosa Elena Quintero Salas';
  const SPOUSE = 'Joaquín Ibarra Montes';
  let membershipId: string;
  let number: string;
  let otherCaseId: string;

  beforeAll(async () => {
    web = await startWeb();
    agent = await staffUser(web, 'agent');
    supervisor = await staffUser(web, 'supervisor');
    agentApi = await signIn(web.t, agent);
    // Another agent sold the membership by phone: the one on this call must verify the caller.
    const seller = await signIn(web.t, await staffUser(web, 'agent'));
    // Two tow companies: one a kilometre north of the Zócalo, the other eight.
    await registerProvider(web.t, { name: 'Grúas Norte Cercanas', kmNorth: 1, capacity: 5 });
    await registerProvider(web.t, { name: 'Grúas del Sur Lejanas', kmNorth: 8, capacity: 5 });

    // A member contracted by phone, with a spouse covered.
    const body = contractBody(await tokenize(web.t), { titular: { fullName: NAME, phone: PHONE } as never });
    const contracted = await web.t.app.inject({
      method: 'POST',
      url: '/v1/memberships',
      headers: seller.write,
      payload: body,
    });
    expect(contracted.statusCode, contracted.body).toBe(201);
    membershipId = contracted.json().id;
    number = contracted.json().number;
    const spouse = await web.t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${membershipId}/beneficiaries`,
      headers: seller.write,
      payload: { kind: 'spouse', fullName: SPOUSE },
    });
    expect(spouse.statusCode, spouse.body).toBe(201);

    // Another case of the same member, for the supervisor's manual assignment.
    const other = await web.t.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: agentApi.write,
      payload: towRequest(membershipId),
    });
    expect(other.statusCode, other.body).toBe(201);
    otherCaseId = other.json().id;
  }, 120_000);

  afterAll(async () => web?.close());

  const h1 = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

  it('finds the member by phone, sees their picture, requests a tow with a quote and sees it offered', async () => {
    const { page, failures } = await openAsStaff(web, agent, '/console/miembros');
    await h1(page, 'Buscar miembro');

    // One box, focused on arrival; the phone as the caller says it.
    const box = page.getByRole('searchbox', { name: /teléfono/ });
    await expect
      .poll(() => page.evaluate<string | null>('document.activeElement?.getAttribute("data-shortcut")'))
      .toBe('search');
    await box.fill('5577881234');
    const result = page.getByRole('link', { name: NAME });
    await result.waitFor();
    expect(await page.getByRole('row').filter({ hasText: NAME }).textContent()).toContain(number);
    expect(new URL(page.url()).searchParams.get('q')).toBe('5577881234');
    await box.press('Enter');

    // Who is calling is checked first (birth date and card's last 4), then the member's whole picture.
    await page.waitForURL(`**/console/miembros/${membershipId}`);
    await passVerification(page);
    await h1(page, NAME);
    await page
      .getByRole('status')
      .filter({ hasText: /Identidad verificada hasta las \d\d:\d\d/ })
      .waitFor();
    await page.getByText(/Libra Plus, versión \d+/).waitFor();
    const people = page.getByRole('region', { name: 'Personas cubiertas' });
    await people.getByRole('cell', { name: SPOUSE }).waitFor();
    expect(await people.getByRole('cell', { name: 'Cónyuge', exact: true }).count()).toBe(1);
    const usage = page.getByRole('region', { name: 'Lo que le queda este año' });
    await usage.getByRole('meter').first().waitFor();
    expect(await usage.textContent()).toContain('Envío de grúa');
    const cases = page.getByRole('region', { name: 'Asistencias' });
    await cases.getByRole('link', { name: /^LP-/ }).first().waitFor();

    // `n` opens "Nueva asistencia".
    await page.keyboard.press('n');
    await page.waitForURL(`**/console/miembros/${membershipId}/asistencia`);
    await h1(page, 'Nueva asistencia');
    // The portal's order: who first, then the kind of help, then only that kind's services.
    const form = page.locator('form.agent-request');
    const who = form.getByRole('group', { name: 'Para quién' });
    const what = form.getByRole('group', { name: 'Qué necesita' });
    const where = form.getByRole('group', { name: 'Dónde' });
    const top = async (l: typeof who) => (await l.boundingBox())?.y ?? Number.NaN;
    expect(await top(who)).toBeLessThan(await top(what));
    expect(await top(what)).toBeLessThan(await top(where));
    expect(await what.getByRole('radio').count()).toBe(4);
    expect(await form.locator('input[name="service"]').count()).toBe(0);
    await what.getByRole('radio', { name: 'Vial', exact: true }).check();
    const roadside = what.getByRole('group', { name: 'Vial' }).getByRole('radio');
    await roadside.first().waitFor();
    expect(await roadside.count()).toBeLessThan(5);
    await what.getByRole('radio', { name: 'Envío de grúa' }).check();
    // Each service carries its summary, so the agent reads the cap before choosing.
    expect((await what.locator('#service-tow-truck').textContent())?.trim()).not.toBe('');
    // Another kind drops the tow rather than keeping a choice the agent no longer sees.
    await what.getByRole('radio', { name: 'Médica', exact: true }).check();
    expect(await what.getByRole('radio', { name: 'Envío de grúa' }).count()).toBe(0);
    await what.getByRole('radio', { name: 'Vial', exact: true }).check();
    await what.getByRole('radio', { name: 'Envío de grúa' }).check();
    // The address as the caller says it: postal code first, its colonia from the list, street and number.
    await page.getByLabel('Código postal', { exact: true }).fill('06000');
    const colonia = page.getByLabel('Colonia', { exact: true });
    await colonia.locator('option', { hasText: 'Centro (Área 1)' }).waitFor({ state: 'attached' });
    await colonia.selectOption('Centro (Área 1)');
    await page.getByLabel('Calle', { exact: true }).fill('Av. 20 de Noviembre');
    await page.getByLabel('Número', { exact: true }).fill('82');
    // The bundled data knows 06000 only to its municipality (docs/places-data.md), and says so.
    await page
      .getByTestId('address-precision')
      .getByText('Ubicación aproximada: municipio de Cuauhtémoc')
      .waitFor();
    await page.getByText('Códigos postales: GeoNames (geonames.org), CC BY 4.0').waitFor();
    await page.getByLabel('Estado', { exact: true }).selectOption('CMX');
    await page.getByLabel('Cotización del servicio (MXN)').fill('1,450.00');
    await page.getByLabel('Marca').fill('Mazda');
    await page.getByLabel('Qué pasa').fill('Se ponchó la llanta y no trae refacción.');

    // The answer, with its reasons and the excess, before sending.
    const answer = page.getByTestId('eligibility');
    await answer.filter({ hasText: '$450.00' }).waitFor();
    expect(await answer.textContent()).toContain('Procede');
    expect(await answer.textContent()).toContain('$1,000.00');
    await page.getByRole('button', { name: 'Abrir caso' }).click();

    // The dispatch board: the offer went to the nearest provider, with distance and ETA — the
    // place is known to its municipality only, so it says "aprox." and the distance is to 5 km.
    await page.waitForURL('**/console/casos/*');
    await h1(page, /^Caso LP-/);
    await page
      .getByTestId('place-approx')
      .getByText('aprox. · ubicación aproximada: municipio de Cuauhtémoc')
      .waitFor();
    const now = page.getByTestId('dispatch-now');
    await now.getByText('Grúas Norte Cercanas').waitFor();
    expect(await now.textContent()).toMatch(/a ~5 km · llegaría en ~\d+ min/);
    await now.getByText(/La oferta vence en \d:\d\d/).waitFor();
    const candidates = page.getByTestId('candidates');
    await candidates.getByRole('row').filter({ hasText: 'Grúas del Sur Lejanas' }).waitFor();
    expect(await candidates.getByRole('row').nth(1).textContent()).toContain('Grúas Norte Cercanas');
    expect(await candidates.getByRole('row').nth(1).textContent()).toContain('Esperando respuesta');
    const timeline = page.getByRole('list', { name: 'Lo que ha pasado' });
    await timeline.getByText(/Grúas Norte Cercanas · ~5 km/).waitFor();
    expect(failures).toEqual([]);
  });

  it('lets a supervisor assign another case by hand, with a reason, from the providers by distance', async () => {
    const { page, failures } = await openAsStaff(web, supervisor, `/console/casos/${otherCaseId}`);
    await h1(page, /^Caso LP-/);
    const candidates = page.getByTestId('candidates');
    const far = candidates.getByRole('row').filter({ hasText: 'Grúas del Sur Lejanas' });
    await far.getByRole('button', { name: /Asignar/ }).click();
    const dialog = page.getByRole('dialog', { name: /Asignar a mano/ });
    // The row's provider is the one chosen.
    expect(await dialog.getByLabel('Proveedor').locator('option:checked').textContent()).toContain(
      'Grúas del Sur Lejanas',
    );
    await dialog.getByLabel('Motivo').fill('La grúa cercana no contesta el radio');
    await dialog.getByLabel('Cotización del proveedor (MXN)').fill('900');
    await dialog.getByRole('button', { name: 'Asignar' }).click();
    await dialog.waitFor({ state: 'detached' });

    const now = page.getByTestId('dispatch-now');
    await now.getByText('Grúas del Sur Lejanas').waitFor();
    await page
      .getByRole('list', { name: 'Lo que ha pasado' })
      .getByText(/La grúa cercana no contesta el radio/)
      .waitFor();
    expect(await page.getByRole('button', { name: /Asignar a mano/ }).count()).toBe(0);

    // The member's page names the provider now going.
    await page.keyboard.press('m');
    const cases = page.getByRole('region', { name: 'Asistencias' });
    await cases.getByRole('row').filter({ hasText: 'Grúas del Sur Lejanas' }).waitFor();
    expect(failures).toEqual([]);
  });

  it('takes a complaint during the call and shows the phone cancellation with the refund decision and the line hours', async () => {
    const { page, failures } = await openAsStaff(web, agent, `/console/miembros/${membershipId}`);
    await h1(page, NAME);

    // `q` opens the complaint form; the number to read to the member comes back.
    await page.keyboard.press('q');
    const complaint = page.getByRole('dialog', { name: 'Registrar una queja' });
    await complaint.getByLabel('Sobre qué es').selectOption('provider_conduct');
    await complaint
      .getByLabel('Lo que dice el miembro')
      .fill('El operador de la grúa fue grosero al llegar.');
    await complaint.getByRole('button', { name: 'Registrar queja' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Queja registrada: LQ-/ })
      .waitFor();
    const complaints = page.getByRole('region', { name: 'Quejas' });
    await complaints.getByText('Trato del proveedor').waitFor();

    expect(failures).toEqual([]);

    // Wednesday 22:00 in Mexico City: the cancellation line is closed, and the dialog says so.
    // (Staff sessions end after 30 minutes idle on the platform's clock: sign in at that time.)
    const clock = web.t.clock as ManualClock;
    const before = clock.now();
    clock.set('2026-11-26T04:00:00Z');
    try {
      const late = await openAsStaff(web, agent, `/console/miembros/${membershipId}`);
      // Hours later, a new call: the caller is checked again.
      await passVerification(late.page);
      await h1(late.page, NAME);
      await late.page.getByRole('button', { name: 'Cancelar membresía' }).click();
      const cancel = late.page.getByRole('dialog', { name: 'Cancelación por teléfono' });
      await cancel.getByText(/Lunes a viernes de 08:00 a 21:00/).waitFor();
      await cancel.getByRole('alert').filter({ hasText: 'fuera de ese horario' }).waitFor();
      // An assistance was used: no 30-day refund, and why.
      await cancel.getByText('No aplica el reembolso de 30 días.').waitFor();
      expect(await cancel.getByRole('listitem').count()).toBeGreaterThan(0);
      await cancel.getByRole('button', { name: 'No cancelar' }).click();
      await cancel.waitFor({ state: 'detached' });
      expect(late.failures).toEqual([]);
    } finally {
      clock.set(before);
    }
  });

  it('passes axe in Spanish and English on the search, member, new case and case pages', async () => {
    await checkStaffPage(
      web,
      agent,
      `/console/miembros?q=${encodeURIComponent(PHONE)}`,
      'console-search',
      (p) => p.getByRole('link', { name: NAME }).waitFor(),
    );
    await checkStaffPage(web, agent, `/console/miembros/${membershipId}`, 'console-member', (p) =>
      p.getByRole('cell', { name: SPOUSE }).waitFor(),
    );
    await checkStaffPage(
      web,
      agent,
      `/console/miembros/${membershipId}/asistencia`,
      'console-new-case',
      async (p) => {
        await p.locator('select').first().waitFor();
        // Either language: the kind and the service by their values.
        await p.locator('input[name="category"][value="roadside"]').check();
        await p.locator('input[name="service"][value="tow-truck"]').check();
        await p.getByTestId('eligibility').waitFor();
      },
    );
    await checkStaffPage(web, agent, `/console/casos/${otherCaseId}`, 'console-case', (p) =>
      p.getByTestId('candidates').waitFor(),
    );
  }, 300_000);
});
