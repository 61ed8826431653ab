import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from './support/auth.ts';
import { openAsStaff, staffUser } from './support/staff-web.ts';
import { onlineCustomer, seriousViolations, startWeb, type WebHarness } from './support/web.ts';

/** The staff apps' frame: sign-in in place, navigation by role, and the doors each role may not open. */
describe('staff apps: sign-in and what each role is shown', () => {
  let web: WebHarness;
  const users = {} as Record<'agent' | 'supervisor' | 'finance' | 'admin' | 'provider' | 'privacy', TestUser>;

  beforeAll(async () => {
    web = await startWeb();
    for (const role of ['agent', 'supervisor', 'finance', 'admin', 'provider', 'privacy'] as const)
      users[role] = await staffUser(web, role);
  }, 120_000);
  afterAll(async () => web?.close());

  const navLinks = async (page: import('playwright-core').Page) =>
    (await page.getByRole('navigation', { name: 'Secciones' }).getByRole('link').allTextContents()).map((s) =>
      s.replace(/Alt\+\w$/, '').trim(),
    );

  it('shows the console sign-in in place of the page asked for, and keeps that page after signing in', async () => {
    const { page, failures } = await openAsStaff(web, users.agent, '/console/casos');
    await page.getByRole('heading', { name: 'Casos', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/casos');
    expect(await seriousViolations(page)).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('tells a wrong password at the form, with the API own words', async () => {
    const opened = await web.open('/console', { viewport: { width: 1280, height: 800 } });
    const form = opened.page.locator('.staff-signin form');
    await form.getByLabel('Correo').fill(users.agent.email);
    await form.getByLabel('Contraseña').fill('not the password');
    await form.getByRole('button', { name: 'Entrar' }).click();
    await expect
      .poll(async () => (await opened.page.getByRole('alert').allTextContents()).join(' '))
      .toMatch(/\S/);
    expect(await opened.page.locator('.staff-signin form').count()).toBe(1);
  });

  it('shows each role only the sections its API allows', async () => {
    const expected = {
      agent: ['Buscar miembro', 'Casos', 'Quejas'],
      supervisor: ['Buscar miembro', 'Casos', 'Quejas', 'Derechos ARCO', 'Tablero', 'Auditoría'],
      finance: ['Buscar miembro', 'Cobros'],
      privacy: ['Derechos ARCO'],
      admin: [
        'Buscar miembro',
        'Quejas',
        'Cobros',
        'Tablero',
        'Auditoría',
        'Cuentas',
        'Llaves de API',
        'Planes',
      ],
    } as const;
    for (const [role, sections] of Object.entries(expected)) {
      const { page, context } = await openAsStaff(web, users[role as keyof typeof expected], '/console');
      await page.getByRole('navigation', { name: 'Secciones' }).waitFor();
      expect(await navLinks(page), role).toEqual(sections);
      await context.close();
    }
  });

  it('does not open an admin page for an agent, even by its address', async () => {
    const { page } = await openAsStaff(web, users.agent, '/console/admin/cuentas');
    await page.getByRole('heading', { name: 'Esta sección no existe o tu cuenta no la tiene.' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Cuentas', level: 1 }).count()).toBe(0);
  });

  it('keeps customers and providers out of the console, and staff out of the provider app', async () => {
    const customer = await onlineCustomer(web.t);
    const c = await openAsStaff(web, customer, '/console');
    await c.page.getByRole('heading', { name: 'Tu cuenta no tiene acceso aquí' }).waitFor();
    expect(await c.page.getByText('/app').count()).toBe(1);

    const p = await openAsStaff(web, users.provider, '/console');
    await p.page.getByRole('heading', { name: 'Tu cuenta no tiene acceso aquí' }).waitFor();

    const a = await openAsStaff(web, users.agent, '/proveedor');
    await a.page.getByRole('heading', { name: 'Tu cuenta no tiene acceso aquí' }).waitFor();
    await a.page.getByRole('button', { name: 'Salir' }).first().click();
    await a.page.locator('.staff-signin form').waitFor();
  });

  it('opens sections with Alt + their key', async () => {
    const { page } = await openAsStaff(web, users.supervisor, '/console/casos');
    await page.getByRole('heading', { name: 'Casos', level: 1 }).waitFor();
    await page.keyboard.press('Alt+t');
    await page.waitForURL('**/console/tablero');
    await page.keyboard.press('Alt+a');
    await page.waitForURL('**/console/auditoria');
  });
});
