import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAT_FILES } from '../src/domains/invoicing/cfdi/sat-files.ts';
import { xmllintSchema } from '../src/domains/invoicing/cfdi/sat-tools.ts';
import { pdfPages, squeezed } from '../src/domains/invoicing/pdf/pdf-text.ts';
import { type ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import type { TestUser } from './support/auth.ts';
import { hasChromium, INSTALL_CHROMIUM } from './support/browser.ts';
import { buildMembership } from './support/factories.ts';
import { CONSOLE_VIEWPORT, openAsStaff, passVerification, staffUser } from './support/staff-web.ts';
import {
  type OnlineCustomer,
  onlineCustomer,
  openSignedIn,
  screenshot,
  seriousViolations,
  startWeb,
  type WebHarness,
} from './support/web.ts';

/**
 * A customer asks for the invoice of a paid charge from the portal's receipt and downloads its XML,
 * its PDF and the receipt's PDF; finance invoices a paid charge from the console and downloads them.
 */

const COMPANY = {
  rfc: 'URE180429TM6',
  name: 'UNIVERSIDAD ROBOTICA ESPAÑOLA',
  fiscalRegime: '601',
  postalCode: '86991',
  cfdiUse: 'G03',
};
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

    // Finance substitutes it (reason 01): the receipt shows the substitute and what it replaced.
    const first = /^F-(\d+)\.xml$/.exec(download.suggestedFilename())?.[1] ?? 'no folio';
    const [original] = await web.t.services.invoicing.ofMembership(SYSTEM_ACTOR, payer.membershipId);
    if (!original) throw new Error('no invoice');
    const { invoice: substitute } = await web.t.services.invoicing.substitute(
      SYSTEM_ACTOR,
      original.id,
      undefined,
    );
    await page.reload();
    const substitutes = page.getByTestId('invoice-substitutes');
    await substitutes.waitFor();
    expect(await substitutes.innerText()).toBe(`Sustituye a la factura F-${first} (UUID ${uuid}).`);
    expect(await page.getByTestId('invoice-panel').innerText()).toContain(
      `Factura F-${substitute.folio} timbrada`,
    );
    expect(await page.getByTestId('invoice-substituted').innerText()).toBe(
      `La factura F-${first} (UUID ${uuid}) fue sustituida por la factura F-${substitute.folio} y cancelada.`,
    );
    expect(await seriousViolations(page)).toEqual([]);
    expect(failures).toEqual([]);
  }, 120_000);

  it('downloads the payment receipt as a PDF from the receipt page', async () => {
    const { page, failures } = await openSignedIn(web, payer, `/app/cobros/${chargeId}`);
    const folio = (await page.getByTestId('receipt').locator('dd.number').first().textContent()) ?? '';
    expect(folio).toMatch(/\S/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Descargar recibo (PDF)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`recibo-${folio}.pdf`);
    const pdf = await readFile(await download.path());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = (await pdfPages(pdf)).join('\n');
    expect(text).toContain(folio);
    expect(text).toContain('$218.00 MXN');
    expect(failures).toEqual([]);
  }, 120_000);
});

/** Finance's side: a paid charge found in the console, invoiced with the stored data, downloaded. */
describe.skipIf(!hasChromium)('invoices in the console, in Chromium', () => {
  let web: WebHarness;
  let finance: TestUser;
  let member: { id: string; number: string };

  beforeAll(async () => {
    web = await startWeb();
    finance = await staffUser(web, 'finance');
    // A phone member billed today, whose fiscal data an agent stored at the titular's request.
    const built = await buildMembership(web.t);
    member = { id: built.id, number: built.number };
    await web.t.services.billing.run({ at: web.t.clock.now(), trigger: 'test' });
    const [charge] = await web.t.services.billing.chargesOfMembership(SYSTEM_ACTOR, member.id);
    if (charge?.status !== 'succeeded') throw new Error('the charge was not paid');
    await web.t.services.invoicing.saveFiscalData(SYSTEM_ACTOR, member.id, COMPANY);
  }, 120_000);

  afterAll(async () => {
    await web?.close();
  });

  it('finance finds the paid charge, issues its invoice, sees it and downloads its XML, PDF and receipt', async () => {
    const { page, failures } = await openAsStaff(web, finance, '/console/cobros');
    await page.getByLabel('Número de membresía').fill(member.number);
    await page.getByRole('button', { name: 'Filtrar' }).click();
    const row = page.getByRole('row').filter({ hasText: member.number });
    await row.waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain('Pagado');
    await row.getByRole('button', { name: `Ver el recibo del cobro de ${member.number}` }).click();
    const dialog = page.getByRole('dialog', { name: `Cobro de la membresía ${member.number}` });
    const panel = dialog.getByTestId('charge-invoice');
    await panel.getByRole('button', { name: 'Facturar con los datos fiscales guardados' }).click();
    const document = panel.getByTestId('charge-invoice-document');
    await document.waitFor();
    const line = (await document.textContent()) ?? '';
    expect(line).toMatch(/^Factura F-\d+ · timbrada · UUID [0-9A-F-]{36} · sin validez fiscal \(prueba\)/);
    const name = /F-\d+/.exec(line)?.[0] ?? 'no folio';
    const uuid = /UUID ([0-9A-F-]{36})/.exec(line)?.[1] ?? 'no uuid';
    expect(
      await panel.getByRole('button', { name: 'Facturar con los datos fiscales guardados' }).count(),
    ).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'console-charge-invoice', CONSOLE_VIEWPORT);

    const save = async (link: string) => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        dialog.getByRole('link', { name: link }).click(),
      ]);
      return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
    };
    const xml = await save(`Descargar el XML de ${name}`);
    expect(xml.name).toBe(`${name}.xml`);
    const checked = await xmllintSchema(SAT_FILES.stampedSchema, xml.bytes.toString('utf8'));
    expect(checked.ok, checked.messages).toBe(true);
    expect(xml.bytes.toString('utf8')).toContain(`UUID="${uuid}"`);
    expect(xml.bytes.toString('utf8')).toContain(`Rfc="${COMPANY.rfc}"`);

    const pdf = await save(`Descargar el PDF de ${name}`);
    expect(pdf.name).toBe(`${name}.pdf`);
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(squeezed((await pdfPages(pdf.bytes)).join(''))).toContain(squeezed(uuid));

    const receipt = await save('Descargar el recibo de pago (PDF)');
    expect(receipt.name).toMatch(/^recibo-.+\.pdf$/);
    expect(receipt.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const receiptText = (await pdfPages(receipt.bytes)).join('\n');
    expect(squeezed(receiptText)).toContain(squeezed(uuid));
    expect(receiptText).toContain(member.number);

    // Substituted (reason 01): both documents, each naming the other.
    const [original] = await web.t.services.invoicing.ofMembership(SYSTEM_ACTOR, member.id);
    if (!original) throw new Error('no invoice');
    const { invoice: substitute } = await web.t.services.invoicing.substitute(
      SYSTEM_ACTOR,
      original.id,
      undefined,
    );
    await page.reload();
    await row.getByRole('button', { name: `Ver el recibo del cobro de ${member.number}` }).click();
    await panel.getByText(`sustituye a ${name}`, { exact: false }).waitFor();
    const lines = await panel.getByTestId('charge-invoice-document').allTextContents();
    expect(lines[0]).toContain(`Factura F-${substitute.folio} · timbrada · UUID ${substitute.uuid}`);
    expect(lines[0]).toContain(`sustituye a ${name}`);
    expect(lines[1]).toContain(`Factura ${name} · cancelada · UUID ${uuid}`);
    expect(lines[1]).toContain(`sustituida por F-${substitute.folio}`);
    expect(failures).toEqual([]);
  }, 180_000);

  it('an agent, once the caller is checked, sees and corrects the titular’s fiscal data with the portal’s form and its Spanish field errors', async () => {
    const agent = await staffUser(web, 'agent');
    const { page, failures } = await openAsStaff(web, agent, `/console/miembros/${member.id}`);
    await passVerification(page);
    const section = page.getByTestId('fiscal-data');
    await section.getByText(COMPANY.rfc, { exact: true }).waitFor();
    expect(await section.innerText()).toContain(COMPANY.name);
    await section.getByRole('button', { name: 'Editar datos fiscales' }).click();
    const form = section.getByRole('form', { name: 'Datos fiscales del titular' });
    expect(await form.getByLabel('RFC', { exact: true }).inputValue()).toBe(COMPANY.rfc);
    await form.getByLabel('RFC', { exact: true }).fill('GODE561231GR9');
    await form.getByLabel('Nombre o razón social').fill('DIEGO GÓMEZ DE LA O');
    await form.getByLabel('Régimen fiscal', { exact: true }).fill('605');
    await form.getByLabel('Código postal fiscal').fill('06600');
    await form.getByLabel('Uso del CFDI', { exact: true }).fill('G01');
    await form.getByRole('button', { name: 'Guardar datos fiscales' }).click();
    await form.getByText('su dígito verificador no corresponde', { exact: false }).waitFor();
    await form.getByText('no está permitido para el régimen 605', { exact: false }).waitFor();
    expect(await form.getByLabel('RFC', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await seriousViolations(page)).toEqual([]);
    expect(failures.every((f) => f.includes('422'))).toBe(true);
    failures.length = 0;
    await screenshot(page, 'console-fiscal-data', CONSOLE_VIEWPORT);

    await form.getByLabel('RFC', { exact: true }).fill('GODE561231GR8');
    await form.getByLabel('Uso del CFDI', { exact: true }).fill('S01');
    await form.getByRole('button', { name: 'Guardar datos fiscales' }).click();
    await section.getByRole('status').getByText('Datos fiscales guardados.').waitFor();
    await section.getByText('GODE561231GR8', { exact: true }).waitFor();
    expect(await web.t.services.invoicing.fiscalData(SYSTEM_ACTOR, member.id)).toEqual({
      rfc: 'GODE561231GR8',
      name: 'DIEGO GÓMEZ DE LA O',
      fiscalRegime: '605',
      postalCode: '06600',
      cfdiUse: 'S01',
    });
    expect(failures).toEqual([]);
  }, 180_000);
});
