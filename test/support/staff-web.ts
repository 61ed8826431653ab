import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { UserRole } from '../../src/platform/principal.ts';
import { createUser, type TestUser } from './auth.ts';
import {
  fitsWidth,
  type OpenedPage,
  screenshot,
  seriousViolations,
  VIEWPORTS,
  type Viewport,
  type WebHarness,
} from './web.ts';

/** The console is desktop first; the provider app is used on a phone. */
export const CONSOLE_VIEWPORT = VIEWPORTS[1];
export const PROVIDER_VIEWPORT = VIEWPORTS[0];

export async function staffUser(web: WebHarness, role: UserRole): Promise<TestUser> {
  return createUser(web.t, role);
}

/**
 * Opens a staff app's page in a new context and signs in through the form the app shows in its
 * place, as a person would; waits until the form is gone. The page asked for stays open.
 */
export async function openAsStaff(
  web: WebHarness,
  who: { email: string; password: string },
  path: string,
  viewport: Viewport = path.startsWith('/proveedor') ? PROVIDER_VIEWPORT : CONSOLE_VIEWPORT,
  lang: 'es-MX' | 'en' = 'es-MX',
): Promise<OpenedPage> {
  const opened = await web.open(path, { viewport, lang });
  await signInThroughStaffForm(opened.page, who);
  // Before signing in the app asks who is signed in and is told 401: not a failure of the page.
  opened.failures.length = 0;
  return opened;
}

export async function signInThroughStaffForm(page: Page, who: { email: string; password: string }) {
  const form = page.locator('.staff-signin form');
  await form.waitFor();
  await form.getByLabel('Correo').fill(who.email);
  await form.getByLabel('Contraseña').fill(who.password);
  await form.getByRole('button', { name: 'Entrar' }).click();
  await form.waitFor({ state: 'detached' });
}

/**
 * A staff page checked the way the customer pages are: no serious axe violation in Spanish nor in
 * English, nothing wider than the screen, a screenshot, and no error in the console. `ready`
 * waits for the page's content (in either language).
 */
export async function checkStaffPage(
  web: WebHarness,
  who: { email: string; password: string },
  path: string,
  name: string,
  ready: (page: Page) => Promise<unknown>,
  viewports: readonly Viewport[] = path.startsWith('/proveedor') ? VIEWPORTS : [CONSOLE_VIEWPORT],
): Promise<void> {
  for (const viewport of viewports) {
    const { page, context, failures } = await openAsStaff(web, who, path, viewport);
    await ready(page);
    expect(await seriousViolations(page), `${name} es ${viewport.width}`).toEqual([]);
    expect(await fitsWidth(page), `${name} fits ${viewport.width}`).toBe(true);
    await screenshot(page, name, viewport);
    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('html[lang="en"]').waitFor();
    await ready(page);
    expect(await seriousViolations(page), `${name} en ${viewport.width}`).toEqual([]);
    await page.getByRole('button', { name: 'Español' }).click();
    expect(failures, name).toEqual([]);
    await context.close();
  }
}

/** The facts of a membership contracted with support/factories.ts's defaults (Visa 4242). */
export const DEFAULT_FACTS = { birthDate: '1985-03-15', cardLast4: '4242' } as const;

/**
 * The console's identity check before a member's details, passed as an agent does on a call: the
 * caller's birth date and card's last 4, then "Verificar"; waits until the check is gone.
 */
export async function passVerification(
  page: Page,
  facts: { birthDate: string; cardLast4: string } = DEFAULT_FACTS,
): Promise<void> {
  const step = page.locator('.agent-verify');
  await step.getByRole('heading', { level: 1, name: 'Verifica la identidad de quien llama' }).waitFor();
  await step.getByLabel('Fecha de nacimiento', { exact: true }).fill(facts.birthDate);
  await step.getByLabel('Últimos 4 dígitos de la tarjeta').fill(facts.cardLast4);
  await step.getByRole('button', { name: 'Verificar' }).click();
  await step.waitFor({ state: 'detached' });
}
