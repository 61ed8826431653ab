import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type Session, signIn, type TestUser } from './support/auth.ts';
import { hasChromium, INSTALL_CHROMIUM, UI_WAIT_MS } from './support/browser.ts';
import { contractByPhone, createProviderUser, registerProvider, towRequest } from './support/dispatch.ts';
import { openAsStaff, PROVIDER_VIEWPORT, signInThroughStaffForm, staffUser } from './support/staff-web.ts';
import { seriousViolations, startWeb, type WebHarness } from './support/web.ts';

/**
 * No screen shows a distance finer than the point it is measured to (issue 22). A tow placed by
 * its postal code only (03940, Benito Juárez: the bundled data knows the code's area, not the
 * street) and one placed by its state only: the provider's offer card reads "~10 km" and "aprox."
 * (never "9.9 km"), and no distance at all for the state; the console's case board flags both rows
 * "aprox.", and not the row of a tow given by its exact coordinates.
 */
if (!hasChromium) process.stdout.write(`${INSTALL_CHROMIUM}\n`);

const SLOW = { timeout: 4 * UI_WAIT_MS };
let web: WebHarness;
let agent: Session;
let provider: TestUser;
let membershipId: string;
const contexts: BrowserContext[] = [];

type Opened = { id: string; number: string; place: { precision: string | null } };
async function openTow(place: Record<string, unknown>): Promise<Opened> {
  const res = await web.t.app.inject({
    method: 'POST',
    url: '/v1/cases',
    headers: agent.write,
    payload: towRequest(membershipId, { place }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** The provider's phone at 390×844, on the server's time (the offers count down against it). */
async function openPhone(who: TestUser): Promise<{ page: Page; failures: string[] }> {
  const context = await web.browser.newContext({ viewport: PROVIDER_VIEWPORT, locale: 'es-MX' });
  context.setDefaultTimeout(UI_WAIT_MS);
  contexts.push(context);
  await context.clock.setFixedTime(web.t.clock.now());
  const page = await context.newPage();
  const failures: string[] = [];
  page.on('pageerror', (error) => failures.push(error.message));
  page.on('console', (m) => m.type() === 'error' && failures.push(m.text()));
  await page.goto(`${web.base}/proveedor`);
  await signInThroughStaffForm(page, who);
  failures.length = 0;
  return { page, failures };
}

describe.skipIf(!hasChromium)('distances never finer than the point', SLOW, () => {
  let byPostalCode: Opened;
  let byState: Opened;
  let exact: Opened;

  beforeAll(async () => {
    web = await startWeb();
    agent = await signIn(web.t, await createUser(web.t, 'agent'));
    // The only tow provider, a km north of the Zócalo, covering all of Mexico City.
    const providerId = await registerProvider(web.t, { kmNorth: 1, capacity: 10 });
    provider = await createProviderUser(web.t, providerId);
    membershipId = await contractByPhone(web.t, agent.write);
    byPostalCode = await openTow({ address: 'Av. Insurgentes Sur 1602', postalCode: '03940' });
    byState = await openTow({ stateCode: 'CMX' });
    exact = await openTow(towRequest(membershipId).place);
  }, 180_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await web?.close();
  });

  it('the places are as coarse as the test needs', () => {
    expect(byPostalCode.place.precision).toBe('postal_code');
    expect(byState.place.precision).toBe('state');
    expect(exact.place.precision).toBeNull();
  });

  it("the provider's offers round the distance to the point and say aprox.", async () => {
    const { page, failures } = await openPhone(provider);
    const card = (number: string) => page.getByRole('article').filter({ hasText: number });

    const postal = card(byPostalCode.number);
    await postal.waitFor();
    const postalText = (await postal.textContent()) ?? '';
    expect(postalText).toMatch(/A ~\d+ km · llegas en ~\d+ min/);
    expect(postalText, 'no decimal distance for a postal code').not.toMatch(/\d+\.\d+ km/);
    expect(postalText).toContain('aprox. · ubicación aproximada');

    const state = card(byState.number);
    await state.waitFor();
    const stateText = (await state.textContent()) ?? '';
    expect(stateText).toMatch(/Llegas en ~[\d h]+min \(solo se conoce el estado\)/);
    expect(stateText, 'no distance at all for a state').not.toMatch(/\d km/);
    expect(stateText).toContain('aprox.');

    const fine = card(exact.number);
    await fine.waitFor();
    const fineText = (await fine.textContent()) ?? '';
    expect(fineText).toMatch(/A 1\.0 km · llegas en/);
    expect(fineText).not.toContain('aprox.');

    expect(await seriousViolations(page)).toEqual([]);
    expect(failures).toEqual([]);
  });

  it("the console's case board says aprox. on the coarse places' rows only", async () => {
    const supervisor = await staffUser(web, 'supervisor');
    const { page, failures } = await openAsStaff(web, supervisor, '/console/casos');
    contexts.push(page.context());
    const row = (number: string) => page.getByRole('row').filter({ hasText: number });
    await row(byPostalCode.number).waitFor();
    expect(await row(byPostalCode.number).textContent()).toContain('aprox. · ubicación por código postal');
    expect(await row(byState.number).textContent()).toContain('aprox. · solo el estado');
    expect(await row(exact.number).textContent()).not.toContain('aprox.');

    expect(await seriousViolations(page)).toEqual([]);
    expect(failures).toEqual([]);
  });
});
