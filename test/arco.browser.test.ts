import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfPages } from '../src/domains/invoicing/pdf/pdf-text.ts';
import { type ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import type { TestUser } from './support/auth.ts';
import { hasChromium, INSTALL_CHROMIUM } from './support/browser.ts';
import { checkStaffPage, openAsStaff, staffUser } from './support/staff-web.ts';
import {
  checkSignedInPage,
  type OnlineCustomer,
  onlineCustomer,
  openSignedIn,
  seriousViolations,
  startWeb,
  type WebHarness,
} from './support/web.ts';

if (!hasChromium) process.stdout.write(`${INSTALL_CHROMIUM}\n`);

/**
 * ARCO rights in Chromium: the titular files an access request in the portal and sees its folio and
 * its due date — 20 business days that skip Revolution day (Monday Nov 16 2026) — the privacy office
 * answers it from the console's queue, and the titular downloads the data.
 */
describe.skipIf(!hasChromium)('ARCO rights in Chromium', () => {
  let web: WebHarness;
  let customer: OnlineCustomer;
  let privacy: TestUser;

  beforeAll(async () => {
    web = await startWeb();
    // Thursday Nov 12 2026, 10:00 Mexico City: the term runs over the Nov 16 holiday.
    (web.t.clock as ManualClock).set(mexicoCityTime('2026-11-12T10:00'));
    customer = await onlineCustomer(web.t);
    privacy = await staffUser(web, 'privacy');
  }, 120_000);
  afterAll(async () => web?.close());

  it('an access request answered by staff with the download, and the due date over a holiday', async () => {
    // The titular files it from the account area.
    const { page, failures } = await openSignedIn(web, customer, '/app/cuenta');
    await page.getByRole('link', { name: 'Ejerce tus derechos ARCO desde tu cuenta' }).click();
    await page.getByRole('heading', { name: 'Mis derechos ARCO', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Aún no tienes solicitudes' }).waitFor();
    // Sending it empty says what is missing, at each field.
    await page.getByRole('button', { name: 'Enviar solicitud' }).click();
    await page.getByText('Elige qué derecho quieres ejercer.').waitFor();
    await page.getByLabel('¿Qué quieres hacer?').selectOption('access');
    await page.getByLabel('Cuéntanos tu solicitud').fill('Quiero saber qué datos personales tienen de mí.');
    await page.getByRole('button', { name: 'Enviar solicitud' }).click();
    const filed = page.getByTestId('arco-filed');
    await filed.waitFor();
    const number = (await filed.locator('.number').textContent()) ?? '';
    expect(number).toMatch(/^AR-26-\d{6}$/);
    // 20 business days from Thursday Nov 12, without weekends nor Monday Nov 16: Friday Dec 11
    // (weekends alone would say Dec 10).
    expect(await filed.textContent()).toContain('Te respondemos a más tardar el 11 dic 2026.');
    const card = page.getByTestId('my-arco-requests').getByRole('listitem').filter({ hasText: number });
    await card.waitFor();
    expect(await card.getByTestId('arco-due').textContent()).toBe('11 dic 2026');
    expect(await card.textContent()).toContain('Recibida');
    expect(await seriousViolations(page)).toEqual([]);
    expect(failures).toEqual([]);

    // The privacy office sees it in the queue with its clock, and answers it.
    const staff = await openAsStaff(web, privacy, '/console/derechos-arco');
    const row = staff.page.getByTestId('arco-queue').getByRole('row').filter({ hasText: number });
    await row.waitFor();
    expect(await row.textContent()).toContain('11 dic 2026');
    expect(await row.getByTestId('arco-clock').textContent()).toBe('quedan 20 días hábiles');
    await row.getByRole('button', { name: `Responder la solicitud ${number}` }).click();
    const dialog = staff.page.getByRole('dialog');
    await dialog.waitFor();
    expect(await seriousViolations(staff.page)).toEqual([]);
    await dialog.getByRole('radio', { name: 'Procedente', exact: true }).check();
    await dialog.getByLabel('Respuesta para la persona').fill('Te entregamos tus datos en tu cuenta.');
    await dialog.getByRole('button', { name: 'Enviar respuesta' }).click();
    await staff.page.getByText(`Respondiste la solicitud ${number}.`).waitFor();
    expect(staff.failures).toEqual([]);

    // Back in the portal: granted, with the data to download, readable and as JSON.
    await page.reload();
    const answered = page.getByTestId('my-arco-requests').getByRole('listitem').filter({ hasText: number });
    await answered.getByText('Procedente').waitFor();
    expect(await answered.textContent()).toContain('Te entregamos tus datos en tu cuenta.');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      answered.getByRole('link', { name: 'Descargar tus datos (página para leer o imprimir)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`datos-${number}.html`);
    const html = await readFile((await download.path()) as string, 'utf8');
    expect(html).toContain('Tus datos personales');
    expect(html).toContain(customer.number);
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      answered.getByRole('link', { name: 'Descargar tus datos (JSON)' }).click(),
    ]);
    const data = JSON.parse(await readFile((await json.path()) as string, 'utf8'));
    expect(data).toMatchObject({ folio: number, membership: { id: customer.membershipId } });
    const [pdf] = await Promise.all([
      page.waitForEvent('download'),
      answered.getByRole('link', { name: 'Descargar tus datos (PDF)' }).click(),
    ]);
    expect(pdf.suggestedFilename()).toBe(`datos-${number}.pdf`);
    const pages = await pdfPages(await readFile((await pdf.path()) as string));
    expect(pages.join('\n')).toContain(`Respuesta a tu solicitud de acceso ${number}`);
    expect(failures).toEqual([]);

    // Both pages clean under axe, in Spanish and English, at each size.
    await checkSignedInPage(web, customer, '/app/derechos-arco', 'portal-arco', (p) =>
      p.getByTestId('my-arco-requests').waitFor(),
    );
    await checkStaffPage(web, privacy, '/console/derechos-arco?ver=all', 'console-arco', (p) =>
      p.getByTestId('arco-queue').waitFor(),
    );
  }, 600_000);
});
