import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, INSTALL_CHROMIUM } from './support/browser.ts';
import {
  type OnlineCustomer,
  onlineCustomer,
  signInThroughPage,
  startWeb,
  type WebHarness,
} from './support/web.ts';

/** The customer portal in Chromium: signing in, and each section of /app. */
if (!hasChromium) process.stdout.write(`${INSTALL_CHROMIUM}\n`);

describe.skipIf(!hasChromium)('customer portal in Chromium', () => {
  let web: WebHarness;
  let customer: OnlineCustomer;

  beforeAll(async () => {
    web = await startWeb();
    customer = await onlineCustomer(web.t);
  }, 120_000);

  afterAll(async () => {
    await web?.close();
  });

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
});
