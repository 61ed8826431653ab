import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import { RECEIPT_NOT_CFDI } from '../src/domains/invoicing/pdf/index.ts';
import { pdfPages, squeezed } from '../src/domains/invoicing/pdf/pdf-text.ts';
import { SmtpChannel } from '../src/domains/notifications/channels.ts';
import { type AttachmentResolver, Outbox } from '../src/domains/notifications/outbox.ts';
import { NotificationsRepository } from '../src/domains/notifications/repository.ts';
import { type ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { bearer, createApiKey, createUser, type Session, signIn, type TestUser } from './support/auth.ts';
import { buildCharge, buildMembership } from './support/factories.ts';
import { clearForDetails } from './support/members.ts';
import { TEST_CARD } from './support/payments.ts';
import { mailboxOf, type ParsedMail, startSmtpServer, type TestSmtpServer } from './support/smtp.ts';

/**
 * The payment receipt of every paid charge as a PDF, invoiced or not (issue 24): downloaded through
 * the API by whoever may read the charge, and attached to the "we received your payment" email,
 * delivered over a real SMTP server on loopback.
 */

const PERSON = {
  rfc: 'GODE561231GR8',
  name: 'DIEGO GÓMEZ DE LA O',
  fiscalRegime: '605',
  postalCode: '06600',
  cfdiUse: 'S01',
};
const FROM = 'Asistencia Libra Plus <avisos@libra.test>';

let t: TestApp;
let smtp: TestSmtpServer;
let clock: ManualClock;
let financeUser: TestUser;
let agentUser: TestUser;
let finance: Session;
let agent: Session;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await buildTestApp({ env: { SMTP_URL: smtp.url, MAIL_FROM: FROM, PUBLIC_URL: 'https://libra.test' } });
  clock = t.clock as ManualClock;
  clock.set(mexicoCityTime('2026-11-25T14:05'));
  financeUser = await createUser(t, 'finance');
  agentUser = await createUser(t, 'agent');
  await signInAgain();
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});
beforeEach(() => {
  smtp.received.length = 0;
});

async function signInAgain() {
  finance = await signIn(t, financeUser);
  agent = await signIn(t, agentUser);
}

const receiptOf = (chargeId: string, headers: Record<string, string>) =>
  t.app.inject({ method: 'GET', url: `/v1/charges/${chargeId}/receipt.pdf`, headers });

async function receiptText(chargeId: string, headers: Record<string, string>): Promise<string> {
  const res = await receiptOf(chargeId, headers);
  expect(res.statusCode, res.body).toBe(200);
  return (await pdfPages(res.rawPayload)).join('\n');
}

/** Delivers what is due now and answers the payment emails the titular received. */
async function paymentMails(email: string): Promise<ParsedMail[]> {
  await t.services.outbox.drain();
  return (await mailboxOf(smtp, email)).filter((m) => m.subject === 'Recibimos tu pago');
}

/** A phone membership whose welcome went out already: its next email is the payment's. */
async function welcomedMember() {
  const m = await buildMembership(t);
  await t.services.outbox.drain();
  smtp.received.length = 0;
  return m;
}

async function chargeOf(membershipId: string) {
  await t.services.billing.run({ at: clock.now(), trigger: 'test' });
  const [charge] = await t.services.billing.chargesOfMembership(SYSTEM_ACTOR, membershipId);
  if (charge?.status !== 'succeeded' || !charge.receipt) throw new Error('the charge was not paid');
  return { ...charge, folio: charge.receipt.folio };
}

/** An outbox like the app's, on its database and SMTP server, with another repository or resolver. */
function outboxWith(repository: NotificationsRepository, resolver?: AttachmentResolver): Outbox {
  const outbox = new Outbox(
    t.database.handle.db,
    repository,
    [new SmtpChannel({ url: smtp.url, from: FROM })],
    clock,
  );
  outbox.attachWith(
    'charge_receipt',
    resolver ??
      (async (id, asOf) => {
        const { pdf, fileName } = await t.services.invoicing.receipts.attachment(id, asOf);
        return { filename: fileName, contentType: 'application/pdf', content: pdf };
      }),
  );
  return outbox;
}

describe('the payment email', () => {
  it('carries the receipt PDF, whose text holds the receipt’s folio and amount', async () => {
    const m = await welcomedMember();
    const charge = await chargeOf(m.id);
    const [mail, ...more] = await paymentMails(m.body.titular.email);
    expect(more).toEqual([]);
    expect(mail?.text).toContain(`Tu recibo: https://libra.test/app/cobros/${charge.id}`);
    expect(mail?.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      [`recibo-${charge.folio}.pdf`, 'application/pdf'],
    ]);
    const content = mail?.attachments[0]?.content ?? Buffer.alloc(0);
    expect(content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = (await pdfPages(content)).join('\n');
    expect(text).toContain(charge.folio);
    expect(text).toContain('$218.00 MXN');
    expect(text).toContain(m.number);
    expect(text).toContain('Aún no facturado');
  });

  it('is sent again after a crash as the same message: same Message-ID and the same PDF, bytes and all', async () => {
    const m = await welcomedMember();
    const charge = await chargeOf(m.id);
    // A worker whose process dies right after the server accepted the message.
    class DiesAfterSending extends NotificationsRepository {
      override async settle(): Promise<void> {
        throw new Error('process killed');
      }
    }
    const dying = outboxWith(new DiesAfterSending());
    await expect(dying.drain()).rejects.toThrow('process killed');
    await dying.close();
    const [first] = await mailboxOf(smtp, m.body.titular.email);
    expect(first?.attachments).toHaveLength(1);

    // Meanwhile the charge is invoiced: the re-sent email still carries the receipt as it was written.
    const invoiced = await t.app.inject({
      method: 'POST',
      url: `/v1/charges/${charge.id}/invoice`,
      headers: finance.write,
      payload: PERSON,
    });
    expect(invoiced.statusCode, invoiced.body).toBe(201);
    clock.advance({ minutes: 6 });
    await signInAgain();
    const both = await paymentMails(m.body.titular.email);
    expect(both).toHaveLength(2);
    expect(both[1]?.messageId).toBe(first?.messageId);
    const [a, b] = both.map((mail) => mail.attachments[0]?.content ?? Buffer.alloc(0));
    expect(b?.equals(a ?? Buffer.alloc(0))).toBe(true);
    // The download, though, is the receipt as it stands now.
    expect(await receiptText(charge.id, finance.read)).not.toContain('Aún no facturado');
  });

  it('is held back, never sent without its PDF, while the PDF cannot be made', async () => {
    const m = await welcomedMember();
    await chargeOf(m.id);
    const failing = outboxWith(new NotificationsRepository(), async () => {
      throw new Error('renderer down');
    });
    const summary = await failing.drain();
    await failing.close();
    expect(summary).toMatchObject({ sent: 0, retried: 1 });
    expect(await mailboxOf(smtp, m.body.titular.email)).toEqual([]);
    const [attempt] = await rows<{ outcome: string; detail: string; status: string }>(
      t.database.handle.db,
      sql`select a.outcome, a.detail, n.status from notification_attempts a
          join notifications n on n.id = a.notification_id
          where n.membership_id = ${m.id} and n.kind = 'charge_succeeded'`,
    );
    expect(attempt).toEqual({
      outcome: 'temporary_failure',
      detail: 'attachment_unavailable',
      status: 'pending',
    });
    // Its retry, by a worker that can make it, sends it with the PDF.
    clock.advance({ minutes: 2 });
    await signInAgain();
    const [mail] = await paymentMails(m.body.titular.email);
    expect(mail?.attachments).toHaveLength(1);
  });
});

describe('the receipt PDF of a paid charge', () => {
  it('downloads with the folio, base, IVA, total and card; then names the invoice and lists refunds', async () => {
    const { charge } = await buildCharge(t);
    const folio = charge.receipt?.folio ?? 'no folio';
    const res = await receiptOf(charge.id, finance.read);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="recibo-${folio}.pdf"`);
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = (await pdfPages(res.rawPayload)).join('\n');
    for (const expected of [
      'Recibo de pago',
      folio,
      charge.membershipNumber,
      '$187.93',
      '$30.07',
      '$218.00 MXN',
      'VISA terminación 4242',
      'Aún no facturado',
      RECEIPT_NOT_CFDI,
    ])
      expect(text).toContain(expected);

    // Staff reading someone's receipt is in the audit log.
    const audited = await rows<{ action: string; actor_role: string }>(
      t.database.handle.db,
      sql`select action, actor_role from audit_log where record_id = ${charge.id} and action = 'charge.receipt_read'`,
    );
    expect(audited).toEqual([{ action: 'charge.receipt_read', actor_role: 'finance' }]);

    // Invoiced and partly refunded: the same receipt now names the CFDI and the refund.
    const invoice = await t.app.inject({
      method: 'POST',
      url: `/v1/charges/${charge.id}/invoice`,
      headers: finance.write,
      payload: PERSON,
    });
    expect(invoice.statusCode, invoice.body).toBe(201);
    const refund = await t.app.inject({
      method: 'POST',
      url: `/v1/charges/${charge.id}/refunds`,
      headers: finance.write,
      payload: { amountCentavos: 5_000, reason: 'Cobro duplicado' },
    });
    expect(refund.statusCode, refund.body).toBe(201);
    await clearForDetails(t, agent.write, charge.membershipId);
    const after = await receiptText(charge.id, agent.read);
    expect(squeezed(after)).toContain(squeezed(`folio fiscal (UUID) ${invoice.json().uuid}`));
    expect(after).toContain(`serie F folio ${invoice.json().folio}`);
    expect(after).not.toContain('Aún no facturado');
    expect(after).toContain('$50.00 — reembolsado');
  });

  it('is described in the OpenAPI document as a PDF download of the invoicing tag', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const operation = doc.paths['/v1/charges/{id}/receipt.pdf']?.get;
    expect(operation?.tags).toEqual(['invoicing']);
    expect(Object.keys(operation?.responses?.['200']?.content ?? {})).toEqual(['application/pdf']);
    expect(Object.keys(operation?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '401', '403', '404', '409']),
    );
  });

  it('has none for a charge that was not paid', async () => {
    const { charge } = await buildCharge(t, { card: TEST_CARD.alwaysDeclined });
    expect(charge.status).toBe('failed');
    const res = await receiptOf(charge.id, finance.read);
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('RECEIPT_NOT_AVAILABLE');
  });

  it('the bank reads receipts of its own channel only', async () => {
    const key = await createApiKey(t, 'partner', ['memberships:read', 'memberships:write']);
    const bankMembership = await buildMembership(t, { by: bearer(key.key) });
    const bank = await buildCharge(t, { membershipId: bankMembership.id });
    expect((await receiptOf(bank.charge.id, bearer(key.key))).statusCode).toBe(200);
    const phone = await buildCharge(t);
    const hidden = await receiptOf(phone.charge.id, bearer(key.key));
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().code).toBe('CHARGE_NOT_FOUND');
  });

  it('the customer downloads their own receipt, never another’s', async () => {
    const password = 'una contraseña larga 2026';
    const mine = await buildMembership(t, { account: { password } });
    // The online months are free: the first charge comes after them.
    clock.set(new Date(clock.now().getTime() + 70 * 86_400_000));
    await signInAgain();
    const { charge } = await buildCharge(t, { membershipId: mine.id });
    expect(charge.status).toBe('succeeded');
    const customer = await signIn(t, { email: mine.body.titular.email, password });
    const text = await receiptText(charge.id, customer.read);
    expect(text).toContain(mine.body.titular.fullName);
    expect(text).toContain(charge.receipt?.folio ?? 'no folio');
    const before = await rows<{ n: number }>(
      t.database.handle.db,
      sql`select count(*)::int as n from audit_log where record_id = ${charge.id} and action = 'charge.receipt_read'`,
    );
    expect(before[0]?.n).toBe(0);

    const other = await buildCharge(t);
    const hidden = await receiptOf(other.charge.id, customer.read);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().code).toBe('CHARGE_NOT_FOUND');
  });
});
