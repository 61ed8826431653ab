import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES_BY_KIND } from '../src/domains/identity/api-keys.ts';
import { CURRENT_PRIVACY_NOTICE, CURRENT_TERMS } from '../src/domains/members/legal.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { DEMO_API_KEY_NAME, demoApiKeyFor } from '../src/seed.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { hasChromium, INSTALL_CHROMIUM, launchChromium, UI_WAIT_MS } from './support/browser.ts';
import { tokenize } from './support/factories.ts';
import { SCREENSHOTS } from './support/web.ts';

/**
 * The interactive docs (/docs, swagger-ui) in Chromium, as a bank's integrator uses them: an
 * operation tried without a key is refused; after pasting the demo partner key into Authorize, the
 * same call answers the membership. The page needs no web build.
 */
if (!hasChromium) process.stdout.write(`${INSTALL_CHROMIUM}\n`);

let t: TestApp;
let base: string;
let browser: Browser;
let key: string;
let membership: { id: string; number: string };

beforeAll(async () => {
  if (!hasChromium) return;
  t = await buildTestApp();
  // The demo's partner key, made as the demo seed makes it.
  key = demoApiKeyFor('libra-demo-2026');
  await t.services.apiKeys.createApiKey(SYSTEM_ACTOR, {
    name: DEMO_API_KEY_NAME,
    kind: 'partner',
    scopes: [...SCOPES_BY_KIND.partner],
    key,
  });
  const contracted = await t.app.inject({
    method: 'POST',
    url: '/v1/memberships',
    headers: { authorization: `Bearer ${key}` },
    payload: {
      planCode: 'libra-plus',
      titular: {
        fullName: 'Rosa Elena Martínez Soto',
        email: 'rosa.martinez@correo.example',
        phone: '55 2345 6789',
        birthDate: '1979-06-02',
      },
      cardToken: await tokenize(t),
      consent: { termsVersion: CURRENT_TERMS.version, privacyNoticeVersion: CURRENT_PRIVACY_NOTICE.version },
    },
  });
  expect(contracted.statusCode).toBe(201);
  membership = contracted.json();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  await mkdir(SCREENSHOTS, { recursive: true });
}, 4 * UI_WAIT_MS);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Runs the operation's "Execute" and waits for the status it answered. */
async function execute(operation: Locator, status: string): Promise<Locator> {
  await operation.getByRole('button', { name: 'Execute' }).click();
  const response = operation.locator('.live-responses-table .response');
  await response.locator('.response-col_status', { hasText: status }).waitFor();
  return response;
}

/**
 * swagger-ui (5.34) renders the operations as a virtual list: only those near the viewport are in
 * the page. The Authorize dialog moves the scroll, so the operation tried before it is no longer
 * rendered until the reader scrolls back to it, as this does.
 */
async function scrollTo(page: Page, operation: Locator): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  for (let step = 0; step < 200 && (await operation.count()) === 0; step += 1) {
    await page.mouse.wheel(0, 300);
    await page.waitForTimeout(20);
  }
  await operation.scrollIntoViewIfNeeded();
}

describe('the API docs page in Chromium', () => {
  it(
    'lets a partner paste the demo key in Authorize and call a partner operation',
    async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      context.setDefaultTimeout(UI_WAIT_MS);
      const page = await context.newPage();
      const failures: string[] = [];
      page.on('pageerror', (error) => failures.push(error.message));
      try {
        // A deep link opens the operation (the tag and operationId from the description).
        await page.goto(`${base}/docs/#/memberships/getMembership`);
        const operation = page.locator('#operations-memberships-getMembership');
        await operation.getByRole('button', { name: 'Try it out' }).click();
        await operation.locator('tr[data-param-name="id"] input').fill(membership.id);

        const refused = await execute(operation, '401');
        expect(await refused.textContent()).toContain('UNAUTHENTICATED');

        await page.locator('.scheme-container button.authorize').click();
        const dialog = page.locator('.modal-ux');
        const bearer = dialog.locator('.auth-container', {
          has: page.locator('h4', { hasText: 'http, Bearer' }),
        });
        await bearer.locator('#auth-bearer-value').fill(key);
        await bearer.getByRole('button', { name: 'Apply credentials' }).click();
        // Authorized: the key is kept, masked, until Logout.
        await bearer.locator('button', { hasText: 'Logout' }).waitFor();
        await bearer.locator('button', { hasText: 'Close' }).click();

        await scrollTo(page, operation);
        const answered = await execute(operation, '200');
        expect(await answered.textContent()).toContain(membership.number);
        expect(await operation.locator('.curl-command').textContent()).toContain(
          `Authorization: Bearer ${key}`,
        );
        await page.screenshot({ path: `${SCREENSHOTS}/api-docs-1280x800.png` });
        expect(failures).toEqual([]);
      } catch (error) {
        await page.screenshot({ path: `${SCREENSHOTS}/api-docs-failed-1280x800.png`, fullPage: true });
        throw error;
      } finally {
        await context.close();
      }
    },
    4 * UI_WAIT_MS,
  );
});
