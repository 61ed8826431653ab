import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type TestUser } from './support/auth.ts';
import { hasChromium, INSTALL_CHROMIUM } from './support/browser.ts';
import { checkStaffPage, openAsStaff, passVerification, staffUser } from './support/staff-web.ts';
import {
  checkSignedInPage,
  type OnlineCustomer,
  onlineCustomer,
  openSignedIn,
  screenshot,
  seriousViolations,
  startWeb,
  VIEWPORTS,
  type WebHarness,
} from './support/web.ts';

/**
 * A member's messages in Chromium (issue 21), with no channel configured (the embedded default):
 * the console's member page says a message was not sent because no channel is set up, and an
 * agent re-sends it; the customer chooses how to be told on the account page and it stays chosen;
 * the cancellation's page no longer claims to have sent anything, and points to where the number
 * is kept. Each screen passes axe in Spanish and English.
 */
if (!hasChromium) process.stdout.write(`${INSTALL_CHROMIUM}\n`);

describe.skipIf(!hasChromium)('a member’s messages in the console and the portal', () => {
  let web: WebHarness;
  let agent: TestUser;
  let customer: OnlineCustomer;

  /** A message owed to the member, written as the product writes one, then kept by the outbox. */
  async function owe(membershipId: string) {
    const [id] = await web.t.database.handle.db.transaction((tx) =>
      web.t.services.notifier.toMember(tx, {
        kind: 'complaint_received',
        membershipId,
        params: { complaintNumber: 'LQ-26-000077', dueAt: new Date('2026-12-02T18:00:00Z') },
      }),
    );
    await web.t.services.outbox.drain();
    return id as string;
  }

  beforeAll(async () => {
    web = await startWeb();
    agent = await staffUser(web, 'agent');
    customer = await onlineCustomer(web.t);
    await owe(customer.membershipId);
  }, 120_000);

  afterAll(async () => web?.close());

  const messagesPanel = (page: Page) => page.getByTestId('member-messages');

  it('shows the agent a message kept unsent, in words, and re-sends it after a confirmation', async () => {
    const path = `/console/miembros/${customer.membershipId}`;
    // The caller is verified first (the check holds for this agent for 30 minutes).
    const call = await openAsStaff(web, agent, path);
    await passVerification(call.page);
    await messagesPanel(call.page).getByRole('table').waitFor();
    await call.context.close();
    await checkStaffPage(web, agent, path, 'console-member-messages', async (page) => {
      await messagesPanel(page).getByRole('table').waitFor();
    });

    const { page, failures } = await openAsStaff(web, agent, path);
    const panel = messagesPanel(page);
    const rows = panel.getByRole('table').locator('tbody tr');
    await rows.first().waitFor();
    // The contracting welcome and the complaint's acknowledgement, both kept unsent.
    expect(await rows.count()).toBe(2);
    const row = rows.filter({ hasText: 'Queja recibida' });
    expect(await row.innerText()).toContain('Queja recibida');
    expect(await row.innerText()).toContain('no enviado: canal sin configurar');
    expect(await row.innerText()).toContain('Correo');

    // The text and the delivery log, on demand.
    await row.getByText('Ver texto e intentos').click();
    await row.getByText('Recibimos tu queja LQ-26-000077', { exact: false }).waitFor();
    expect(await row.innerText()).toContain('no enviado · canal sin configurar');

    await row.getByRole('button', { name: /^Reenviar «Queja recibida»/ }).click();
    const dialog = page.getByRole('dialog', { name: '¿Reenviar este mensaje?' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('«Queja recibida» por Correo');
    expect(await seriousViolations(page), 'resend dialog').toEqual([]);
    await dialog.getByRole('button', { name: 'Sí, reenviar' }).click();
    await dialog.waitFor({ state: 'detached' });
    await panel.getByText('Reenvío registrado: aparece en la lista con su estado.').waitFor();
    await expect.poll(() => rows.count()).toBe(3);
    // The copy is first (newest), marked as a re-send and still to go.
    expect(await rows.first().innerText()).toContain('Reenvío');
    expect(await rows.first().innerText()).toContain('por enviar');
    // Still to go: nothing to re-send yet.
    expect(
      await rows
        .first()
        .getByRole('button', { name: /^Reenviar/ })
        .count(),
    ).toBe(0);
    await screenshot(page, 'console-member-messages-resent', VIEWPORTS[1]);

    const agentApi = await signIn(web.t, agent);
    const listed = await web.t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${customer.membershipId}/messages`,
      headers: agentApi.read,
    });
    const [copy] = listed.json().data;
    const original = listed
      .json()
      .data.find(
        (m: { kind: string; resendOf: string | null }) => m.kind === 'complaint_received' && !m.resendOf,
      );
    expect(copy).toMatchObject({ resendOf: original.id, state: 'pending' });
    expect(failures).toEqual([]);
    await page.context().close();
  }, 240_000);

  it('lets the customer choose how to be told, and the choice stays', async () => {
    await checkSignedInPage(web, customer, '/app/cuenta', 'account-notices', async (page) => {
      await page.getByTestId('notices').getByRole('button', { name: 'Guardar avisos' }).waitFor();
      await page.getByTestId('my-messages').getByRole('listitem').first().waitFor();
    });

    const { page, failures } = await openSignedIn(web, customer, '/app/cuenta');
    const notices = page.getByTestId('notices');
    const failed = notices.getByLabel('Cargo rechazado');
    await failed.waitFor();
    expect(await failed.inputValue()).toBe('both');
    // A live case's notice says the night does not hold it.
    expect(await notices.getByText('Llega al momento, también de noche.').count()).toBeGreaterThan(0);
    await failed.selectOption('sms');
    await notices.getByLabel('Tu asistencia ya tiene proveedor').selectOption('both');
    await notices.getByRole('radio', { name: 'English' }).check();
    await notices.getByLabel('No enviarme SMS de noche (de 21:00 a 08:00)').uncheck();
    await notices.getByRole('button', { name: 'Guardar avisos' }).click();
    await page.getByText('Guardamos tus avisos.').waitFor();

    // The messages kept unsent are the customer's to read.
    // The message the outbox kept unsent (an agent may have re-sent it since: that copy waits).
    const kept = page
      .getByTestId('my-messages')
      .getByRole('listitem')
      .filter({ hasText: 'No se envió: aquí tienes su texto' })
      .filter({ hasText: 'Queja recibida' });
    expect(await kept.count()).toBe(1);
    expect(await kept.innerText()).toContain('Queja recibida');
    await kept.getByText('Ver el mensaje').click();
    await kept.getByText('Recibimos tu queja LQ-26-000077', { exact: false }).waitFor();

    await page.reload();
    await notices.getByLabel('Cargo rechazado').waitFor();
    expect(await notices.getByLabel('Cargo rechazado').inputValue()).toBe('sms');
    expect(await notices.getByLabel('Tu asistencia ya tiene proveedor').inputValue()).toBe('both');
    expect(await notices.getByRole('radio', { name: 'English' }).isChecked()).toBe(true);
    expect(await notices.getByLabel('No enviarme SMS de noche (de 21:00 a 08:00)').isChecked()).toBe(false);

    const api = await signIn(web.t, customer);
    const saved = await web.t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${customer.membershipId}/notification-preferences`,
      headers: api.read,
    });
    expect(saved.json()).toMatchObject({
      language: 'en',
      quietHours: false,
      channels: {
        charge_failed: ['sms'],
        case_provider_assigned: ['email', 'sms'],
        charge_notice: ['email'],
      },
    });
    expect(failures).toEqual([]);
    await page.context().close();
  }, 240_000);

  it('after cancelling with no channel set up, says where the number is kept instead of “we sent it”', async () => {
    const leaving = await onlineCustomer(web.t);
    const { page, failures } = await openSignedIn(web, leaving, '/app/cancelar');
    await page.getByTestId('refund').waitFor();
    await page.getByRole('button', { name: 'Cancelar membresía' }).click();
    await page
      .getByRole('dialog', { name: '¿Cancelar tu membresía?' })
      .getByRole('button', { name: 'Sí, cancelar' })
      .click();
    const done = page.getByTestId('cancel-done');
    await done.waitFor();
    expect(await page.getByTestId('confirmation-notice').innerText()).toBe(
      'Guarda este número: también está en tu cuenta, en Mensajes.',
    );
    expect(await done.innerText()).not.toContain('Te enviamos');
    expect(await done.innerText()).not.toContain('Te enviaremos');
    expect(await seriousViolations(page), 'cancel done').toEqual([]);
    await screenshot(page, 'cancel-done-unsent', VIEWPORTS[0]);

    // And it is there: the confirmation, with its number, among the customer's messages.
    const number = await page.getByTestId('confirmation-number').innerText();
    await web.t.services.outbox.drain();
    await done.getByRole('link', { name: 'Ver mis mensajes' }).click();
    const confirmation = page
      .getByTestId('my-messages')
      .getByRole('listitem')
      .filter({ hasText: 'Confirmación de cancelación' });
    await confirmation.waitFor();
    expect(await confirmation.innerText()).toContain('No se envió: aquí tienes su texto');
    await confirmation.getByText('Ver el mensaje').click();
    await confirmation.getByText(number, { exact: false }).waitFor();
    expect(failures).toEqual([]);
    await page.context().close();
  }, 240_000);
});
