import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import { formatDate } from '../src/web/i18n/format.ts';
import { createUser, sessionsAt, signIn, type TestUser } from './support/auth.ts';
import { hasChromium, INSTALL_CHROMIUM } from './support/browser.ts';
import { createProviderUser, registerProvider, ZOCALO } from './support/dispatch.ts';
import { clearForDetails } from './support/members.ts';
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

/** The customer portal in Chromium: signing in, and each section of /app. */
if (!hasChromium) process.stdout.write(`${INSTALL_CHROMIUM}\n`);

interface Usage {
  serviceCode: string;
  name: { es: string; en: string };
  limit:
    | { kind: 'unlimited'; used: number }
    | { kind: 'count'; limit: number; used: number; remaining: number };
}

describe.skipIf(!hasChromium)('customer portal in Chromium', () => {
  let web: WebHarness;
  let customer: OnlineCustomer;
  let agentUser: TestUser;
  // Reads a membership's details as the back office does: a supervisor has no caller to verify.
  let supervisorUser: TestUser;
  let providerUser: TestUser;
  /** Sessions that stay valid while a test moves the clock (charges are billed two months on). */
  let sessionOf: ReturnType<typeof sessionsAt>;

  beforeAll(async () => {
    web = await startWeb();
    customer = await onlineCustomer(web.t);
    sessionOf = sessionsAt(web.t);
    agentUser = await createUser(web.t, 'agent');
    supervisorUser = await createUser(web.t, 'supervisor');
    // A clinic for the appointment services: a home nurse visit and specialist consultations.
    const clinic = await registerProvider(web.t, {
      name: 'Clínica de prueba del portal',
      services: ['home-nurse', 'specialist-consultation'],
      capacity: 20,
    });
    providerUser = await createProviderUser(web.t, clinic);
  }, 120_000);

  afterAll(async () => {
    await web?.close();
  });

  const signedIn = (who: { email: string; password: string }, path: string, viewport?: Viewport) =>
    openSignedIn(web, who, path, viewport);
  const checkPage = (
    name: string,
    who: { email: string; password: string },
    path: string,
    ready: (page: Page) => Promise<unknown>,
  ) => checkSignedInPage(web, who, path, name, ready);

  const api = async (method: 'GET' | 'POST', url: string, as: TestUser, payload?: object) => {
    const session = await sessionOf(as);
    const res = await web.t.app.inject({
      method,
      url,
      headers: method === 'GET' ? session.read : session.write,
      ...(payload ? { payload } : {}),
    });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };

  /** The agent checks the caller before reading the member's file, as the console makes them. */
  const clearAgent = async (membershipId: string) =>
    clearForDetails(web.t, (await sessionOf(agentUser)).write, membershipId);

  /** A booked appointment (home nurse, or a specialist of `specialty`): the use counts at booking. */
  async function bookAppointment(membershipId: string, serviceCode: string, specialty?: string) {
    const slot = await api('POST', '/v1/provider/slots', providerUser, {
      serviceCode,
      ...(specialty ? { specialty } : {}),
      startsAt: new Date(web.t.clock.now().getTime() + 48 * 3_600_000).toISOString(),
      durationMinutes: 60,
      capacity: 1,
    });
    const kase = await api('POST', '/v1/cases', agentUser, {
      membershipId,
      personId: 'titular',
      serviceCode,
      place: { address: 'Av. Insurgentes Sur 3700, Tlalpan, CDMX', ...ZOCALO, stateCode: 'CMX' },
      description: `Cita de ${serviceCode}`,
      details: specialty ? { specialty } : {},
    });
    await api('POST', `/v1/cases/${kase.id}/booking`, agentUser, { slotId: slot.id });
  }

  it('sends someone who is not signed in to /entrar, and back to the page they asked for', async () => {
    const { page } = await web.open('/app/cobros');
    await page.getByRole('heading', { level: 1, name: 'Entra a tu cuenta' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/entrar');
    await page.getByLabel('Correo electrónico').fill(customer.email);
    await page.getByLabel('Contraseña').fill(customer.password);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByRole('navigation', { name: 'Tu membresía' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/cobros');
  });

  it("says the API's words when the password is wrong, and stays on the page", async () => {
    const { page } = await web.open('/entrar');
    await page.getByLabel('Correo electrónico').fill(customer.email);
    await page.getByLabel('Contraseña').fill('not the password');
    await page.getByRole('button', { name: 'Entrar' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect((await alert.innerText()).length).toBeGreaterThan(10);
    expect(new URL(page.url()).pathname).toBe('/entrar');
  });

  it('signs out and the portal asks to sign in again', async () => {
    const { page } = await web.open('/entrar');
    await signInThroughPage(page, web.base, customer);
    await page.getByRole('button', { name: 'Cerrar sesión' }).click();
    await page.getByRole('heading', { level: 1, name: 'Entra a tu cuenta' }).waitFor();
    await page.goto(`${web.base}/app`);
    await page.getByRole('heading', { level: 1, name: 'Entra a tu cuenta' }).waitFor();
  });

  describe('Resumen', () => {
    let family: OnlineCustomer;
    beforeAll(async () => {
      family = await onlineCustomer(web.t);
      // The home nurse (1 a year) used up, and one of the four specialist consultations.
      await bookAppointment(family.membershipId, 'home-nurse');
      await bookAppointment(family.membershipId, 'specialist-consultation', 'Cardiología');
    }, 60_000);

    it("shows the state, the free months' end, the first charge and what is left, from the API", async () => {
      const membership = await api('GET', `/v1/memberships/${family.membershipId}`, supervisorUser);
      await clearAgent(family.membershipId);
      const usage = (await api('GET', `/v1/memberships/${family.membershipId}/usage`, agentUser))
        .services as Usage[];
      const { page, failures } = await signedIn(family, '/app');
      await page.getByRole('heading', { level: 1, name: 'Resumen de tu membresía' }).waitFor();

      expect(await page.getByTestId('membership-number').innerText()).toBe(family.number);
      expect(
        await page.evaluate<string>(
          'getComputedStyle(document.querySelector("[data-testid=membership-number]")).fontFamily',
        ),
      ).toMatch(/mono/i);
      expect(await page.getByText('Periodo gratis', { exact: true }).count()).toBe(1);
      expect(await page.getByText('Libra Plus, versión 1').count()).toBe(1);
      // The free months end the day before the first charge (trialEndsAt is exclusive).
      expect(membership.state).toBe('trial');
      const lastFreeDay = formatDate(new Date(Date.parse(membership.trialEndsAt) - 1).toISOString(), 'es');
      expect(await page.getByTestId('free-until').innerText()).toBe(lastFreeDay);
      const next = await page.getByTestId('next-charge').innerText();
      expect(next).toContain(formatDate(membership.nextChargeOn, 'es'));
      expect(next).toContain('$218.00');
      expect(next).toContain('IVA incluido');
      expect(await page.getByText('Visa de crédito terminada en 4242').count()).toBe(1);
      expect(
        await page
          .getByText(`Tus límites se renuevan el ${formatDate(membership.membershipYear.resetsOn, 'es')}.`)
          .count(),
      ).toBeGreaterThan(0);

      // One bar per counted limit, none for the unlimited ones.
      const usageList = page.getByTestId('usage');
      await usageList.waitFor();
      const counted = usage.filter((s) => s.limit.kind === 'count');
      expect(await usageList.getByRole('meter').count()).toBe(counted.length);
      const nurse = usage.find((s) => s.serviceCode === 'home-nurse');
      expect(nurse?.limit).toMatchObject({ kind: 'count', used: 1, limit: 1 });
      const nurseBar = usageList.getByRole('meter', { name: nurse?.name.es });
      expect(await nurseBar.getAttribute('aria-valuenow')).toBe('1');
      expect(await nurseBar.getAttribute('aria-valuemax')).toBe('1');
      expect(await nurseBar.getAttribute('aria-valuetext')).toBe('1 de 1 usado; Ya no te quedan este año');
      const nurseItem = usageList.locator('li[data-service="home-nurse"]');
      expect(await nurseItem.innerText()).toContain('1 de 1 usado');
      expect(await nurseItem.innerText()).toContain('Ya no te quedan este año');

      const specialists = usageList.locator('li[data-service="specialist-consultation"]');
      expect(await specialists.getByRole('meter').getAttribute('aria-valuenow')).toBe('1');
      expect(await specialists.getByRole('meter').getAttribute('aria-valuemax')).toBe('4');
      const specialistsText = await specialists.innerText();
      expect(specialistsText).toContain('1 de 4 usados');
      expect(specialistsText).toContain('Te quedan 3');
      expect(specialistsText).toContain('Ya usaste este año: cardiología. Máximo 1 por especialidad.');

      const tow = usageList.locator('li[data-service="tow-truck"]');
      expect(await tow.innerText()).toContain('Ilimitado; llevas 0 este año');
      expect(await tow.getByRole('meter').count()).toBe(0);

      expect(await page.getByRole('link', { name: 'Solicitar asistencia' }).last().getAttribute('href')).toBe(
        '/app/asistencia',
      );
      expect(await page.getByRole('link', { name: 'Cancelar membresía' }).getAttribute('href')).toBe(
        '/app/cancelar',
      );
      expect(failures).toEqual([]);
    });

    it('says the API\'s words when what is left cannot be read, and reads it again on "Reintentar"', async () => {
      const { page, context } = await signedIn(family, '/app/cuenta');
      let failing = true;
      await context.route('**/v1/memberships/*/usage', (route) =>
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
      await page.getByRole('link', { name: 'Resumen' }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'No pudimos cargar lo que te queda' });
      await alert.waitFor();
      expect(await alert.innerText()).toContain('Libra no responde ahora.');
      // The rest of the summary is there all the same.
      expect(await page.getByTestId('membership-number').innerText()).toBe(family.number);
      failing = false;
      await alert.getByRole('button', { name: 'Reintentar' }).click();
      await page.getByTestId('usage').waitFor();
    });

    it('reads well in English, at 390 and 1280 px, with no serious axe violation', async () => {
      await checkPage('portal-home', family, '/app', (page) => page.getByTestId('usage').waitFor());
    }, 90_000);
  });

  describe('Personas cubiertas', () => {
    it('adds a child, who is covered until the day before turning 21, and removes them after asking', async () => {
      const family = await onlineCustomer(web.t);
      const { page, failures } = await signedIn(family, '/app/personas');
      await page.getByRole('heading', { level: 1, name: 'Personas cubiertas' }).waitFor();
      expect(await page.getByTestId('people').locator('li').count()).toBe(1);

      await page.getByRole('radio', { name: 'Hijo o hija' }).check();
      await page.getByLabel('Nombre completo').fill('Sofía López Ruiz');
      await page.getByLabel('Fecha de nacimiento').fill('2015-06-10');
      await page.getByRole('button', { name: 'Agregar', exact: true }).click();
      await page.getByRole('status').getByText('Agregamos a Sofía López Ruiz.').waitFor();

      const card = page.getByTestId('people').locator('li', { hasText: 'Sofía López Ruiz' });
      await card.waitFor();
      expect(await card.innerText()).toContain('Cubierto hasta el 9 jun 2036');
      expect(await card.innerText()).toContain('Hijo o hija');
      // The API agrees: the day before the 21st birthday.
      const membership = await api('GET', `/v1/memberships/${family.membershipId}`, supervisorUser);
      const child = membership.people.find((p: { fullName: string }) => p.fullName === 'Sofía López Ruiz');
      expect(child).toMatchObject({ covered: true, coverage: { coveredUntil: '2036-06-09' } });
      expect(await card.innerText()).toContain(child.coverage.reason.es);

      // Removing asks first; "No" keeps them.
      await card.getByRole('button', { name: 'Dar de baja a Sofía López Ruiz' }).click();
      await card.getByText('¿Dar de baja a Sofía López Ruiz?').waitFor();
      await card.getByRole('button', { name: 'No, conservar' }).click();
      await card.getByRole('button', { name: 'Dar de baja a Sofía López Ruiz' }).click();
      await card.getByRole('button', { name: 'Sí, dar de baja' }).click();
      await page.getByRole('status').getByText('Dimos de baja a Sofía López Ruiz.').waitFor();
      await card.waitFor({ state: 'detached' });
      const after = await api('GET', `/v1/memberships/${family.membershipId}`, supervisorUser);
      expect(after.people.map((p: { fullName: string }) => p.fullName)).not.toContain('Sofía López Ruiz');
      expect(failures).toEqual([]);
    });

    it("shows the API's words at the birth date for a child aged 25 or without a birth date", async () => {
      const family = await onlineCustomer(web.t);
      const session = await signIn(web.t, family);
      const refused = async (payload: object) =>
        (
          await web.t.app.inject({
            method: 'POST',
            url: `/v1/memberships/${family.membershipId}/beneficiaries`,
            headers: { ...session.write, 'accept-language': 'es-MX' },
            payload,
          })
        ).json();
      const twentyFiveYearsAgo = `${Number(web.t.clock.now().toISOString().slice(0, 4)) - 25}-01-15`;
      const tooOld = await refused({
        kind: 'child',
        fullName: 'Diego López Ruiz',
        birthDate: twentyFiveYearsAgo,
      });
      expect(tooOld.code).toBe('BENEFICIARY_NOT_ELIGIBLE');
      const noDate = await refused({ kind: 'child', fullName: 'Diego López Ruiz' });
      expect(noDate.code).toBe('BENEFICIARY_DETAILS_MISSING');

      const { page } = await signedIn(family, '/app/personas');
      await page.getByLabel('Nombre completo').fill('Diego López Ruiz');
      const birthDate = page.getByLabel('Fecha de nacimiento');
      await birthDate.fill(twentyFiveYearsAgo);
      await page.getByRole('button', { name: 'Agregar', exact: true }).click();
      const error = page.locator('.field-error');
      await error.waitFor();
      expect(await error.innerText()).toBe(tooOld.reason.es);
      expect(await birthDate.getAttribute('aria-invalid')).toBe('true');
      expect(await birthDate.getAttribute('aria-describedby')).toContain(await error.getAttribute('id'));

      await birthDate.fill('');
      await page.getByRole('button', { name: 'Agregar', exact: true }).click();
      await page.locator('.field-error', { hasText: noDate.detail }).waitFor();
      expect(await page.locator('.field-error').innerText()).toBe(noDate.detail);
      // Nobody was added.
      expect(await page.getByTestId('people').locator('li').count()).toBe(1);
    });

    it('reads well in English, at 390 and 1280 px, with no serious axe violation', async () => {
      const family = await onlineCustomer(web.t);
      await web.t.services.beneficiaries.addBeneficiary(
        { principal: null, requestId: null, ip: null },
        family.membershipId,
        { kind: 'additional_cardholder', fullName: 'Jorge López Ruiz', cardLast4: '5454' },
      );
      await checkPage('portal-people', family, '/app/personas', (page) =>
        page.getByTestId('people').getByRole('heading', { name: 'Jorge López Ruiz' }).waitFor(),
      );
    }, 90_000);
  });

  describe('Cuenta', () => {
    it('changes the password: a wrong current one is said at its field; then only the new one signs in', async () => {
      const person = await onlineCustomer(web.t);
      const { page, failures } = await signedIn(person, '/app/cuenta');
      await page.getByRole('heading', { level: 1, name: 'Tu cuenta' }).waitFor();
      const current = page.getByLabel('Contraseña actual');
      const next = page.getByLabel('Contraseña nueva');

      await current.fill('no es mi contraseña');
      await next.fill('una frase nueva y larga de verdad');
      await page.getByRole('button', { name: 'Cambiar contraseña' }).click();
      await page.locator('.field-error', { hasText: 'Tu contraseña actual no es correcta.' }).waitFor();
      expect(await current.getAttribute('aria-invalid')).toBe('true');

      await current.fill(person.password);
      await next.fill('corta');
      await page.getByRole('button', { name: 'Cambiar contraseña' }).click();
      await page.locator('.field-error', { hasText: 'al menos 12 caracteres' }).waitFor();
      expect(await next.getAttribute('aria-invalid')).toBe('true');

      await next.fill('una frase nueva y larga de verdad');
      await page.getByRole('button', { name: 'Cambiar contraseña' }).click();
      await page.getByRole('status').getByText('Listo: cambiamos tu contraseña').waitFor();
      expect(await current.inputValue()).toBe('');

      await page.getByRole('button', { name: 'Cerrar sesión', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Entra a tu cuenta' }).waitFor();
      await page.getByLabel('Correo electrónico').fill(person.email);
      await page.getByLabel('Contraseña').fill(person.password);
      await page.getByRole('button', { name: 'Entrar' }).click();
      await page.getByRole('alert').waitFor();
      expect(new URL(page.url()).pathname).toBe('/entrar');
      await signInThroughPage(page, web.base, {
        email: person.email,
        password: 'una frase nueva y larga de verdad',
      });
      expect(failures.filter((f) => !/status of 4\d\d/.test(f))).toEqual([]);
    });

    it('lists the open sessions, marks this one, and ends another', async () => {
      const person = await onlineCustomer(web.t);
      const phone = await web.t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        headers: {
          'user-agent':
            'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
        },
        payload: { email: person.email, password: person.password },
      });
      expect(phone.statusCode).toBe(200);
      const phoneCookie = String([phone.headers['set-cookie']].flat()[0]).split(';')[0] as string;

      const { page, failures } = await signedIn(person, '/app/cuenta');
      const sessions = page.getByTestId('sessions');
      await sessions.waitFor();
      expect(await sessions.locator('li').count()).toBe(2);
      const mine = sessions.locator('li[data-current="true"]');
      expect(await mine.innerText()).toContain('Esta sesión');
      expect(await mine.innerText()).toContain('Chrome en Linux');
      expect(await mine.getByRole('button').count()).toBe(0);

      await sessions.getByRole('button', { name: /^Cerrar sesión en Safari en iPhone/ }).click();
      await page.getByRole('status').getByText('Cerramos la sesión en Safari en iPhone.').waitFor();
      await sessions.locator('li').nth(1).waitFor({ state: 'detached' });
      expect(await sessions.locator('li').count()).toBe(1);
      const ended = await web.t.app.inject({
        method: 'GET',
        url: '/v1/me',
        headers: { cookie: phoneCookie },
      });
      expect(ended.statusCode).toBe(401);
      expect(failures).toEqual([]);
    });

    it('reads well in English, at 390 and 1280 px, with no serious axe violation', async () => {
      const person = await onlineCustomer(web.t);
      await checkPage('portal-account', person, '/app/cuenta', (page) =>
        page.getByTestId('sessions').waitFor(),
      );
    }, 90_000);
  });

  // Last: billing moves the clock two months on, past the free months.
  describe('Cobros and Recibo', () => {
    let payer: OnlineCustomer;
    /** Contracted with a card the sandbox declines at every charge. */
    let decliner: OnlineCustomer;
    let chargeId: string;

    it('says when the first charge comes during the free months', async () => {
      payer = await onlineCustomer(web.t);
      decliner = await onlineCustomer(web.t, '4000000000000341');
      const membership = await api('GET', `/v1/memberships/${payer.membershipId}`, supervisorUser);
      const { page, failures } = await signedIn(payer, '/app/cobros');
      await page.getByRole('heading', { level: 2, name: 'Aún no tienes cobros' }).waitFor();
      await page.getByText(`Tu primer cobro será el ${formatDate(membership.nextChargeOn, 'es')}.`).waitFor();
      await page.getByText('$218.00').waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'portal-charges-empty', VIEWPORTS[0]);
      expect(failures).toEqual([]);
    });

    it('lists a paid charge with its receipt: base 187.93 + IVA 30.07 = 218.00, CFDI data, printable', async () => {
      // Bill the day the free months end, as the daily run does.
      const membership = await api('GET', `/v1/memberships/${payer.membershipId}`, supervisorUser);
      const at = mexicoCityTime(`${membership.nextChargeOn}T09:00`);
      (web.t.clock as ManualClock).set(at);
      await web.t.services.billing.run({ at, trigger: 'test' });
      await clearAgent(payer.membershipId);
      const charges = (await api('GET', `/v1/memberships/${payer.membershipId}/charges`, agentUser)).data;
      expect(charges).toHaveLength(1);
      expect(charges[0]).toMatchObject({
        status: 'succeeded',
        amount: { baseCentavos: 18793, ivaCentavos: 3007 },
      });
      chargeId = charges[0].id;

      const { page, failures } = await signedIn(payer, '/app/cobros');
      const table = page.getByTestId('charges');
      await table.waitFor();
      const row = table.locator('tbody tr');
      expect(await row.count()).toBe(1);
      const text = await row.innerText();
      expect(text).toContain('Pagado');
      expect(text).toContain('$218.00');
      expect(text).toContain(`${formatDate(membership.nextChargeOn, 'es')} – `);

      await row.getByRole('link', { name: /^Ver recibo/ }).click();
      const receipt = page.getByTestId('receipt');
      await receipt.waitFor();
      expect(new URL(page.url()).pathname).toBe(`/app/cobros/${chargeId}`);
      const amounts = await page.getByTestId('amounts').innerText();
      expect(amounts).toMatch(/Base\s+\$187\.93/);
      expect(amounts).toMatch(/IVA 16 %\s+\$30\.07/);
      expect(amounts).toMatch(/Total\s+\$218\.00 MXN/);
      const all = await receipt.innerText();
      expect(all).toContain(payer.number);
      expect(all).toContain(membership.titular.fullName);
      expect(all).toContain('Visa de crédito terminada en 4242');
      const cfdi = await page.getByTestId('cfdi').innerText();
      expect(cfdi).toContain('XAXX010101000');
      expect(cfdi).toContain('S01 · Sin efectos fiscales');
      expect(cfdi).toContain('04 · Tarjeta de crédito');
      expect(cfdi).toContain('PUE · Pago en una sola exhibición');

      // "Imprimir" prints; printed, only the receipt is on the page.
      await page.evaluate('window.printed = 0; window.print = () => { window.printed++; };');
      await page.getByRole('button', { name: 'Imprimir' }).click();
      expect(await page.evaluate<number>('window.printed')).toBe(1);
      await page.emulateMedia({ media: 'print' });
      for (const hidden of ['header', 'footer', 'nav', '.portal-head'])
        expect(await page.locator(hidden).first().isVisible(), hidden).toBe(false);
      expect(await page.getByRole('button', { name: 'Imprimir' }).isVisible()).toBe(false);
      expect(await receipt.isVisible()).toBe(true);
      await page.emulateMedia({ media: 'screen' });
      expect(failures).toEqual([]);
    });

    it('a declined charge: the home says "Pago pendiente" and what to do; the charge says why and when we retry', async () => {
      const membership = await api('GET', `/v1/memberships/${decliner.membershipId}`, supervisorUser);
      expect(membership.state).toBe('past_due');
      await clearAgent(decliner.membershipId);
      const [charge] = (await api('GET', `/v1/memberships/${decliner.membershipId}/charges`, agentUser)).data;
      expect(charge).toMatchObject({ status: 'failed', declineCode: 'card_declined' });

      const { page, failures } = await signedIn(decliner, '/app');
      await page.getByText('Pago pendiente', { exact: true }).waitFor();
      await page
        .getByText(/No pudimos hacer tu último cobro.*Actualiza tu tarjeta aquí o llámanos al 55 5480 0900/)
        .waitFor();
      expect(await page.locator('main a[href="tel:+525554800900"]').count()).toBe(1);
      expect(await page.getByRole('link', { name: 'Actualiza tu tarjeta' }).getAttribute('href')).toBe(
        '/app/tarjeta',
      );
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByRole('link', { name: 'Ver el cobro pendiente' }).click();
      const row = page.getByTestId('charges').locator('tbody tr');
      await row.waitFor();
      const text = await row.innerText();
      expect(text).toContain('Rechazado');
      expect(text).toContain(charge.declineLabel.es);
      expect(text).toContain(`Lo intentaremos de nuevo el ${formatDate(charge.retryAt, 'es')}.`);
      expect(text).toContain('Sin recibo');
      expect(failures).toEqual([]);
    });

    it("shows another customer's receipt as not found, with nothing of it", async () => {
      const stranger = await onlineCustomer(web.t);
      const { page } = await signedIn(stranger, `/app/cobros/${chargeId}`);
      await page.getByRole('heading', { level: 1, name: 'No encontramos este recibo' }).waitFor();
      const main = await page.locator('main').innerText();
      expect(main).not.toContain(payer.number);
      expect(main).not.toContain(chargeId);
      expect(main).not.toContain('$187.93');
      expect(await page.getByTestId('receipt').count()).toBe(0);
    });

    it('Cobros reads well in English, at 390 and 1280 px, with no serious axe violation', async () => {
      await checkPage('portal-charges', payer, '/app/cobros', (page) =>
        page.getByTestId('charges').waitFor(),
      );
    }, 90_000);

    it('Recibo reads well in English, at 390 and 1280 px, with no serious axe violation', async () => {
      await checkPage('portal-receipt', payer, `/app/cobros/${chargeId}`, (page) =>
        page.getByTestId('receipt').waitFor(),
      );
    }, 90_000);

    it('a cancelled membership: the home says until when the cover runs, and offers no cancelling', async () => {
      const session = await signIn(web.t, payer);
      const cancelled = await web.t.app.inject({
        method: 'POST',
        url: `/v1/memberships/${payer.membershipId}/cancellation`,
        headers: session.write,
        payload: {},
      });
      expect(cancelled.statusCode, cancelled.body).toBe(201);
      const { coverageEndsAt, cancelledAt } = cancelled.json();

      const { page, failures } = await signedIn(payer, '/app');
      await page.getByText('Cancelada', { exact: true }).waitFor();
      const lastDay = formatDate(new Date(Date.parse(coverageEndsAt) - 1).toISOString(), 'es');
      await page
        .getByText(
          `Cancelaste tu membresía el ${formatDate(cancelledAt, 'es')}. Tu cobertura llega hasta el ${lastDay} y no habrá más cobros.`,
        )
        .waitFor();
      expect(await page.getByTestId('next-charge').innerText()).toBe('Sin cobros programados');
      expect(await page.getByRole('link', { name: 'Cancelar membresía' }).count()).toBe(0);
      // Nobody can be added to a cancelled membership.
      await page.getByRole('link', { name: 'Personas cubiertas' }).click();
      await page.getByText('Tu membresía está cancelada').waitFor();
      expect(await page.getByRole('button', { name: 'Agregar', exact: true }).count()).toBe(0);
      expect(failures).toEqual([]);
    });
  });
});
