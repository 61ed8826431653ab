import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect, vi } from 'vitest';
import { ensureWebBuild } from '../../src/platform/web-build.ts';
import { buildTestApp, type TestApp } from './app.ts';
import { TEST_PASSWORD } from './auth.ts';
import { launchChromium, UI_WAIT_MS } from './browser.ts';
import { contractBody, tokenize } from './factories.ts';

/** Where the browser tests save their screenshots (CI keeps reports/ as artifacts). */
export const SCREENSHOTS = 'reports/screenshots';
export const VIEWPORTS = [
  { name: 'mobile', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;
export type Viewport = { width: number; height: number };

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  /** Uncaught errors and console errors the page logged. */
  failures: string[];
}

export interface WebHarness {
  t: TestApp;
  base: string;
  browser: Browser;
  /** A new browser context (its own cookies) with one page at `path`. */
  open(path: string, options?: { viewport?: Viewport; lang?: 'es-MX' | 'en' }): Promise<OpenedPage>;
  close(): Promise<void>;
}

/**
 * The built customer web (built here when dist/web is missing or stale) served by the whole app on
 * a random port, and Debian's Chromium to drive it. Contexts opened here are closed by close().
 */
export async function startWeb(options: { env?: Record<string, string> } = {}): Promise<WebHarness> {
  // One step of a browser test may wait UI_WAIT_MS on a loaded machine; the test's own budget must
  // hold a few such steps, or it ends mid-wait (the default 30 s is for API tests). Per file.
  vi.setConfig({ testTimeout: 4 * UI_WAIT_MS });
  await ensureWebBuild({ quiet: true });
  const t = await buildTestApp({
    // A browser test is one person clicking fast on a live page: no budget of ours should end it.
    env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '100000', USER_RATE_LIMIT_PER_MINUTE: '100000', ...options.env },
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  await mkdir(SCREENSHOTS, { recursive: true });
  const contexts: BrowserContext[] = [];
  return {
    t,
    base,
    browser,
    async open(path, { viewport = VIEWPORTS[0], lang = 'es-MX' } = {}) {
      const context = await browser.newContext({ viewport, locale: lang });
      contexts.push(context);
      context.setDefaultTimeout(UI_WAIT_MS);
      const page = await context.newPage();
      const failures: string[] = [];
      page.on('pageerror', (error) => failures.push(error.message));
      page.on('console', (m) => m.type() === 'error' && failures.push(m.text()));
      await page.goto(`${base}${path}`);
      return { page, context, failures };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
      await t.close();
    },
  };
}

/** axe's serious and critical violations on the page as it is now, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A full-page screenshot named after the page and the viewport, e.g. `portal-390x844.png`. */
export async function screenshot(page: Page, name: string, viewport: Viewport): Promise<void> {
  await page.screenshot({
    path: `${SCREENSHOTS}/${name}-${viewport.width}x${viewport.height}.png`,
    fullPage: true,
  });
}

/** True when nothing on the page scrolls sideways at its viewport's width. */
export async function fitsWidth(page: Page): Promise<boolean> {
  const width = page.viewportSize()?.width ?? 0;
  return (await page.evaluate<number>('document.documentElement.scrollWidth')) <= width;
}

export interface OnlineCustomer {
  email: string;
  password: string;
  membershipId: string;
  number: string;
}

/** A customer who contracted Libra Plus online, with an account (as the portal's contracting does). */
export async function onlineCustomer(t: TestApp, card = '4242424242424242'): Promise<OnlineCustomer> {
  const body = contractBody(await tokenize(t, card), { account: { password: TEST_PASSWORD } });
  const res = await t.app.inject({ method: 'POST', url: '/v1/memberships', payload: body });
  if (res.statusCode !== 201) throw new Error(`contracting failed: ${res.statusCode} ${res.body}`);
  const membership = res.json();
  return {
    email: body.titular.email,
    password: TEST_PASSWORD,
    membershipId: membership.id,
    number: membership.number,
  };
}

/** Signs in through /entrar as a person would, and waits for the portal. */
export async function signInThroughPage(page: Page, base: string, who: { email: string; password: string }) {
  await page.goto(`${base}/entrar`);
  await page.getByLabel('Correo electrónico').fill(who.email);
  await page.getByLabel('Contraseña').fill(who.password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('navigation', { name: 'Tu membresía' }).waitFor();
}

/** Signs in through /entrar in a new context, then opens `path` (the portal's pages). */
export async function openSignedIn(
  web: WebHarness,
  who: { email: string; password: string },
  path: string,
  viewport: Viewport = VIEWPORTS[0],
): Promise<OpenedPage> {
  const opened = await web.open('/entrar', { viewport });
  await signInThroughPage(opened.page, web.base, who);
  // /entrar first asks who is signed in and is told 401: not a failure of the page under test.
  opened.failures.length = 0;
  await opened.page.goto(`${web.base}${path}`);
  return opened;
}

/**
 * A signed-in page at both viewports: no serious axe violation in Spanish nor in English, nothing
 * wider than the screen, a screenshot of each, and no error in the console. `ready` waits for the
 * page's content.
 */
export async function checkSignedInPage(
  web: WebHarness,
  who: { email: string; password: string },
  path: string,
  name: string,
  ready: (page: Page) => Promise<unknown>,
): Promise<void> {
  for (const viewport of VIEWPORTS) {
    const { page, context, failures } = await openSignedIn(web, who, path, viewport);
    await ready(page);
    expect(await seriousViolations(page), `${name} es ${viewport.name}`).toEqual([]);
    expect(await fitsWidth(page), `${name} fits ${viewport.name}`).toBe(true);
    await screenshot(page, name, viewport);
    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('html[lang="en"]').waitFor();
    await page.getByRole('navigation', { name: 'Your membership' }).waitFor();
    expect(await seriousViolations(page), `${name} en ${viewport.name}`).toEqual([]);
    expect(await fitsWidth(page), `${name} fits ${viewport.name} in English`).toBe(true);
    await page.getByRole('button', { name: 'Español' }).click();
    expect(failures, name).toEqual([]);
    await context.close();
  }
}
