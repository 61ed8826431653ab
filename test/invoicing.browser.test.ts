import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAT_FILES } from '../src/domains/invoicing/cfdi/sat-files.ts';
import { xmllintSchema } from '../src/domains/invoicing/cfdi/sat-tools.ts';
import { pdfPages, squeezed } from '../src/domains/invoicing/pdf/pdf-text.ts';
import { type ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { hasChromium, INSTALL_CHROMIUM } from './support/browser.ts';
import {
  type OnlineCustomer,
  onlineCustomer,
  openSignedIn,
  seriousViolations,
  startWeb,
  type WebHarness,
} from './support/web.ts';

/** A customer asks for the invoice of a paid charge from the portal's receipt and downloads its XML. */
if (!hasChromium) process.stdout.write(`${INSTALL_CHROMIUM}\n`);

describe.skipIf(!hasChromium)('invoices in the portal, in Chromium', () => {
  let web: WebHarness;
  let payer: OnlineCustomer;
  let chargeId: string;

  beforeAll(async () => {
    web = await startWeb();
    payer = await onlineCustomer(web.t);
    // Billed the day the free months end, as the daily run does.
    const membership = await web.t.services.members.get(SYSTEM_ACTOR, payer.membershipId);
    const at = mexicoCityTime(`${membership.nextChargeOn}T09:00`);
    (web.t.clock as ManualClock).set(at);
    await web.t.services.billing.run({ at, trigger: 'test' });
    const [charge] = await web.t.services.billing.chargesOfMembership(SYSTEM_ACTOR, payer.membershipId);
    if (charge?.status !== 'succeeded') throw new Error('the charge was not paid');
    chargeId = charge.id;
  }, 120_000);

  afterAll(async () => {
    await web?.close();
  });

  it('shows field errors in Spanish, then stamps the invoice and downloads its XML', async () => {
    const { page, failures } = await openSignedIn(web, payer, `/app/cobros/${chargeId}`);
    const form = page.getByTestId('invoice-form');
    await form.waitFor();
    await page.getByLabel('RFC', { exact: true }).fill('GODE561231GR9');
    await page.getByLabel('Nombre o razón social').fill('DIEGO GÓMEZ DE LA O');
    await page.getByLabel('Régimen fiscal', { exact: true }).fill('605');
    await page.getByLabel('Código postal fiscal').fill('06600');
    await page.getByLabel('Uso del CFDI', { exact: true }).fill('G01');
    await page.getByRole('button', { name: 'Solicitar factura' }).click();
    await page.getByText('su dígito verificador no corresponde', { exact: false }).waitFor();
    await page.getByText('no está permitido para el régimen 605', { exact: false }).waitFor();
    expect(await page.getByLabel('RFC', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await seriousViolations(page)).toEqual([]);
    // The browser logs the refused request's 422 itself: that one is the test's, not a fault.
    expect(failures.every((f) => f.includes('422'))).toBe(true);
    failures.length = 0;

    await page.getByLabel('RFC', { exact: true }).fill('GODE561231GR8');
    await page.getByLabel('Uso del CFDI', { exact: true }).fill('S01');
    await page.getByRole('button', { name: 'Solicitar factura' }).click();
    const link = page.getByTestId('invoice-xml');
    await link.waitFor();
    const panel = await page.getByTestId('invoice-panel').innerText();
    expect(panel).toContain('Factura F-');
    expect(panel).toContain('Sin validez fiscal');
    expect(await seriousViolations(page)).toEqual([]);

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const path = await download.path();
    const { readFile } = await import('node:fs/promises');
    const xml = await readFile(path, 'utf8');
    expect(download.suggestedFilename()).toMatch(/^F-\d+\.xml$/);
    expect(xml).toContain('Rfc="GODE561231GR8"');
    const checked = await xmllintSchema(SAT_FILES.stampedSchema, xml);
    expect(checked.ok, checked.messages).toBe(true);

    // And its printed representation, the PDF, with the same UUID as the XML.
    const [pdfDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('invoice-pdf').click(),
    ]);
    expect(pdfDownload.suggestedFilename()).toMatch(/^F-\d+\.pdf$/);
    const pdfText = (await pdfPages(await readFile(await pdfDownload.path()))).join('\n');
    const uuid = /UUID="([^"]+)"/.exec(xml)?.[1] ?? 'no uuid in the XML';
    expect(squeezed(pdfText)).toContain(squeezed(uuid));

    // Back on the receipt later, the form is gone: the invoice and its link are shown.
    await page.reload();
    await page.getByTestId('invoice-xml').waitFor();
    expect(await page.getByTestId('invoice-form').count()).toBe(0);
    expect(failures).toEqual([]);
  }, 120_000);
});
