import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import { SmtpChannel } from '../src/domains/notifications/channels.ts';
import { Outbox } from '../src/domains/notifications/outbox.ts';
import { NotificationsRepository } from '../src/domains/notifications/repository.ts';
import { type ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, sessionsAt } from './support/auth.ts';
import { buildMembership, contractBody, tokenize } from './support/factories.ts';
import { clearForDetails } from './support/members.ts';
import { TEST_CARD } from './support/payments.ts';
import { mailboxOf, type ParsedMail, startSmtpServer, type TestSmtpServer } from './support/smtp.ts';

/**
 * The messages of the membership's life — welcome, the notice before each charge (LFPC art. 76
 * Bis), the charge's outcome, a refund, a complaint received and resolved, a cancellation — each
 * written by the change it tells about and delivered over a real SMTP server on loopback, in the
 * person's language, to the titular's address.
 */

let t: TestApp;
let smtp: TestSmtpServer;
let clock: ManualClock;
const FROM = 'Asistencia Libra Plus <avisos@libra.test>';
const repository = new NotificationsRepository();

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await buildTestApp({ env: { SMTP_URL: smtp.url, MAIL_FROM: FROM, PUBLIC_URL: 'https://libra.test' } });
  clock = t.clock as ManualClock;
});

afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

beforeEach(() => {
  smtp.received.length = 0;
});

const at = (local: string) => clock.set(mexicoCityTime(local));
const staff = async (role: 'agent' | 'finance') => sessionsAt(t)(await createUser(t, role));

/** Delivers what is due now and answers what the titular received. */
async function delivered(email: string): Promise<ParsedMail[]> {
  await t.services.outbox.drain();
  return mailboxOf(smtp, email);
}

async function messagesOf(membershipId: string) {
  return rows<{ kind: string; channel: string; status: string; language: string; send_at: Date }>(
    t.database.handle.db,
    sql`select kind, channel, status, language, send_at from notifications
        where membership_id = ${membershipId} order by created_at, kind, channel`,
  );
}

describe('the welcome', () => {
  it('tells an online customer, in the language they contracted in, the plan, the free months and the versions accepted', async () => {
    at('2026-11-25T14:05');
    const body = contractBody(await tokenize(t), { account: { password: 'mi contraseña segura' } });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/memberships',
      headers: { 'accept-language': 'en-US,en;q=0.9' },
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(201);
    const [mail] = await delivered(body.titular.email);
    expect(mail?.subject).toBe('Welcome to Asistencia Libra Plus');
    expect(mail?.language).toBe('en');
    expect(mail?.text).toContain(`Your membership ${res.json().number} on the Libra Plus plan`);
    expect(mail?.text).toMatch(/Your free months last through \w+ \d+, 20\d\d\./);
    expect(mail?.text).toContain('The first charge of $218.00 will be on');
    expect(mail?.text).toContain(
      'Terms and conditions version 2024-01 and the Privacy notice version 2024-01',
    );
    expect(mail?.text).toContain('24 hours: +52 55 5480 0900');
    expect(mail?.text).not.toContain('Tu membresía');
  });

  it('welcomes a member contracted by phone in Spanish, with the first charge today', async () => {
    at('2026-11-25T14:05');
    const m = await buildMembership(t);
    const [mail] = await delivered(m.body.titular.email);
    expect(mail?.subject).toBe('Bienvenida a Asistencia Libra Plus');
    expect(mail?.language).toBe('es-MX');
    expect(mail?.text).toContain(`Tu membresía ${m.number} del plan Libra Plus está activa desde hoy.`);
    expect(mail?.text).toContain(
      'El primer cargo de $218.00 es el 25 de noviembre de 2026; antes de cada cargo siguiente te avisaremos con 5 días.',
    );
    expect(mail?.text).not.toContain('meses sin costo');
    expect(mail?.text).toContain('Asistencia Libra Plus, 24 horas: 55 5480 0900.');
  });
});

describe('charges', () => {
  it('sends the receipt link when a charge is paid, and what to do when one is declined', async () => {
    at('2026-11-25T14:05');
    const paid = await buildMembership(t);
    const declined = await buildMembership(t, { card: TEST_CARD.alwaysDeclined });
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    const [charge] = await rows<{ id: string }>(
      t.database.handle.db,
      sql`select id from charges where membership_id = ${paid.id}`,
    );

    const receipt = (await delivered(paid.body.titular.email)).find((m) => m.subject === 'Recibimos tu pago');
    expect(receipt?.text).toContain(
      `Cobramos $218.00 de tu membresía ${paid.number} a tu tarjeta terminada en 4242 el 25 de noviembre de 2026.`,
    );
    expect(receipt?.text).toContain(`Tu recibo: https://libra.test/app/cobros/${charge?.id}`);

    const decline = (await mailboxOf(smtp, declined.body.titular.email)).find(
      (m) => m.subject === 'No pudimos cobrar tu membresía',
    );
    expect(decline?.text).toContain(
      `Tu banco rechazó el cargo de $218.00 de tu membresía ${declined.number}`,
    );
    expect(decline?.text).toContain('Lo intentaremos de nuevo el 26 de noviembre de 2026.');
    expect(decline?.text).toContain('actualízala en https://libra.test/app/tarjeta');
    // The decline goes by SMS too, by default; no SMS channel here, so it is kept, not pretended.
    const sms = (await messagesOf(declined.id)).find(
      (n) => n.kind === 'charge_failed' && n.channel === 'sms',
    );
    expect(sms?.status).toBe('unconfigured');
  });

  it('tells a refund made by finance', async () => {
    at('2026-11-25T14:05');
    const m = await buildMembership(t);
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    const [charge] = await rows<{ id: string }>(
      t.database.handle.db,
      sql`select id from charges where membership_id = ${m.id}`,
    );
    const finance = await staff('finance');
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/charges/${charge?.id}/refunds`,
      headers: { ...finance.write, 'idempotency-key': `refund-${charge?.id}` },
      payload: { amountCentavos: 5000, reason: 'Cobro duplicado reportado por el cliente' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const refund = (await delivered(m.body.titular.email)).find((x) => x.subject === 'Te reembolsamos');
    expect(refund?.text).toContain(
      `Reembolsamos $50.00 de tu membresía ${m.number} a tu tarjeta terminada en 4242.`,
    );
  });
});

describe('the notice before each automatic charge (LFPC art. 76 Bis)', () => {
  it('goes out five days before the charge, once, with the amount, the date and how to cancel', async () => {
    at('2026-11-25T14:05');
    const m = await buildMembership(t);
    await t.services.billing.run({ at: clock.now(), trigger: 'test' }); // the first period, at once

    // The daily runs a week before the next charge (25 Dec) write the notice; it waits for its day.
    for (const day of ['2026-12-18', '2026-12-19']) {
      at(`${day}T00:05`);
      await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    }
    expect(
      (await delivered(m.body.titular.email)).filter((x) => x.subject === 'Aviso de cargo automático'),
    ).toHaveLength(0);

    at('2026-12-20T00:05');
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    const notices = (await delivered(m.body.titular.email)).filter(
      (x) => x.subject === 'Aviso de cargo automático',
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain(
      `Tu membresía ${m.number} se cobrará el 25 de diciembre de 2026 por $218.00 (IVA incluido) a tu tarjeta terminada en 4242.`,
    );
    expect(notices[0]?.text).toContain(
      'Si no quieres este cargo, cancela sin costo antes de esa fecha en https://libra.test/app/cancelar o llamando al 55 5480 0900.',
    );
    const [row] = (await messagesOf(m.id)).filter((n) => n.kind === 'charge_notice');
    expect(row?.send_at.toISOString()).toBe(mexicoCityTime('2026-12-20T00:00').toISOString());

    // Later runs find it written: no second notice for the period.
    at('2026-12-21T00:05');
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    await t.services.outbox.drain();
    expect((await messagesOf(m.id)).filter((n) => n.kind === 'charge_notice')).toHaveLength(1);
  });

  it('goes out at once, still five days ahead, when the runs before were missed and the day’s run is late', async () => {
    at('2026-11-27T10:00');
    const m = await buildMembership(t);
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    // No run from 20 to 22 Dec until the evening of the 22nd, five days before the charge of the 27th.
    at('2026-12-22T19:30');
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    const notices = (await delivered(m.body.titular.email)).filter(
      (x) => x.subject === 'Aviso de cargo automático',
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain('se cobrará el 27 de diciembre de 2026');
    at('2026-12-23T00:05');
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    expect((await messagesOf(m.id)).filter((n) => n.kind === 'charge_notice')).toHaveLength(1);
  });

  it('is withdrawn by a cancellation before it goes out', async () => {
    at('2026-11-25T14:05');
    const m = await buildMembership(t);
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    at('2026-12-18T00:05');
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    const agent = await staff('agent');
    await clearForDetails(t, agent.write, m.id);
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${m.id}/cancellation`,
      headers: agent.write,
      payload: { reason: 'Ya no lo necesita' },
    });
    expect(res.statusCode, res.body).toBe(201);
    at('2026-12-20T00:05');
    const notices = (await delivered(m.body.titular.email)).filter(
      (x) => x.subject === 'Aviso de cargo automático',
    );
    expect(notices).toHaveLength(0);
    expect((await messagesOf(m.id)).find((n) => n.kind === 'charge_notice')?.status).toBe('cancelled');
  });
});

describe('complaints and cancellation', () => {
  it('says a complaint was received with its due date, and then its resolution', async () => {
    at('2026-11-25T14:05');
    const m = await buildMembership(t);
    const agent = await staff('agent');
    const filed = await t.app.inject({
      method: 'POST',
      url: '/v1/complaints',
      headers: agent.write,
      payload: {
        membershipId: m.id,
        category: 'service_quality',
        channel: 'phone',
        text: 'La grúa llegó dos horas tarde y el operador fue grosero.',
      },
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const complaint = filed.json();
    await t.app.inject({ method: 'POST', url: `/v1/complaints/${complaint.id}/take`, headers: agent.write });
    const resolved = await t.app.inject({
      method: 'POST',
      url: `/v1/complaints/${complaint.id}/resolve`,
      headers: agent.write,
      payload: { resolution: 'Reembolsamos el servicio y amonestamos al proveedor.' },
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const mail = await delivered(m.body.titular.email);
    const received = mail.find((x) => x.subject === 'Recibimos tu queja');
    expect(received?.text).toContain(
      `Recibimos tu queja ${complaint.number}. Te responderemos a más tardar el 2 de diciembre de 2026.`,
    );
    const resolution = mail.find((x) => x.subject === 'Resolución de tu queja');
    expect(resolution?.text).toContain(
      `Resolvimos tu queja ${complaint.number}. Nuestra respuesta: Reembolsamos el servicio y amonestamos al proveedor.`,
    );
  });

  it('confirms a cancellation with its number, the coverage end and the refund decision — in English when the member chose it', async () => {
    at('2026-11-25T14:05');
    const m = await buildMembership(t);
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    await repository.savePreferences(
      t.database.handle.db,
      m.id,
      { language: 'en', channels: {}, quietHours: true },
      clock.now(),
    );
    at('2026-12-25T00:05');
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    at('2026-12-27T09:00'); // past the 30-day window: no refund, covered to the period's end
    const agent = await staff('agent');
    await clearForDetails(t, agent.write, m.id);
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${m.id}/cancellation`,
      headers: agent.write,
      payload: { reason: 'Se muda al extranjero' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const cancellation = res.json();
    const mail = (await delivered(m.body.titular.email)).find((x) => x.subject === 'Membership cancellation');
    expect(mail?.language).toBe('en');
    expect(mail?.text).toContain(
      `We cancelled your membership ${m.number} (confirmation ${cancellation.confirmationNumber}). There will be no more charges. You stay covered through January 24, 2027.`,
    );
  });

  it('tells the 30-day cancellation its refund, and the refund itself', async () => {
    at('2026-11-25T14:05');
    const m = await buildMembership(t);
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    at('2026-11-28T09:00');
    const agent = await staff('agent');
    await clearForDetails(t, agent.write, m.id);
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${m.id}/cancellation`,
      headers: agent.write,
      payload: { reason: 'No lo pidió' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const mail = await delivered(m.body.titular.email);
    expect(mail.find((x) => x.subject === 'Cancelación de tu membresía')?.text).toContain(
      'Te reembolsamos $218.00 a tu tarjeta terminada en 4242; tu cobertura terminó al cancelar.',
    );
    expect(mail.find((x) => x.subject === 'Te reembolsamos')?.text).toContain('Reembolsamos $218.00');
  });
});

describe('delivery guarantees', () => {
  it('writes nothing when the change rolls back', async () => {
    at('2026-11-25T14:05');
    const m = await buildMembership(t);
    await t.services.outbox.drain();
    const before = (await messagesOf(m.id)).length;
    await expect(
      t.database.handle.db.transaction(async (tx) => {
        await t.services.notifier.toMember(tx, {
          kind: 'complaint_received',
          membershipId: m.id,
          params: { complaintNumber: 'LQ-26-999999', dueAt: clock.now() },
        });
        throw new Error('the complaint could not be stored');
      }),
    ).rejects.toThrow('could not be stored');
    await t.services.outbox.drain();
    expect(await messagesOf(m.id)).toHaveLength(before);
    expect((await mailboxOf(smtp, m.body.titular.email)).map((x) => x.subject)).not.toContain(
      'Recibimos tu queja',
    );
  });

  it('re-sends at most once, with the same Message-ID, when a worker dies between sending and recording it', async () => {
    at('2026-11-25T14:05');
    const m = await buildMembership(t);
    // A worker whose process dies right after the server accepted the message.
    class DiesAfterSending extends NotificationsRepository {
      override async settle(): Promise<void> {
        throw new Error('process killed');
      }
    }
    const dying = new Outbox(
      t.database.handle.db,
      new DiesAfterSending(),
      [new SmtpChannel({ url: smtp.url, from: FROM })],
      clock,
    );
    await expect(dying.drain()).rejects.toThrow('process killed');
    await dying.close();
    const first = await mailboxOf(smtp, m.body.titular.email);
    expect(first).toHaveLength(1);

    // Within its lease nobody takes it; when the lease passes, the next worker sends it again.
    await t.services.outbox.drain();
    expect(await mailboxOf(smtp, m.body.titular.email)).toHaveLength(1);
    clock.advance({ minutes: 6 });
    await t.services.outbox.drain();
    const both = await mailboxOf(smtp, m.body.titular.email);
    expect(both).toHaveLength(2);
    expect(both[1]?.messageId).toBe(first[0]?.messageId);
    await t.services.outbox.drain();
    expect(await mailboxOf(smtp, m.body.titular.email)).toHaveLength(2);
    expect((await messagesOf(m.id)).find((n) => n.kind === 'membership_welcome')?.status).toBe('sent');
  });

  it('marks an address the server refuses for good, and sends it nothing more', async () => {
    at('2026-11-25T14:05');
    smtp.refuseNext(550);
    const m = await buildMembership(t);
    await t.services.outbox.drain();
    const [refused] = await rows<{ reason: string }>(
      t.database.handle.db,
      sql`select reason from undeliverable_addresses where channel = 'email' and address = ${m.body.titular.email}`,
    );
    expect(refused?.reason).toContain('Mailbox unavailable');

    // The next message to that address is not tried: the log says why.
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    await t.services.outbox.drain();
    expect(await mailboxOf(smtp, m.body.titular.email)).toHaveLength(0);
    const [log] = await rows<{ outcome: string; detail: string }>(
      t.database.handle.db,
      sql`select a.outcome, a.detail from notification_attempts a join notifications n on n.id = a.notification_id
          where n.membership_id = ${m.id} and n.kind = 'charge_succeeded'`,
    );
    expect(log).toEqual({ outcome: 'permanent_failure', detail: 'address_undeliverable' });

    // Until the address changes: the new one is reached.
    const agent = await staff('agent');
    await clearForDetails(t, agent.write, m.id);
    const changed = await t.app.inject({
      method: 'PUT',
      url: `/v1/memberships/${m.id}/contact`,
      headers: agent.write,
      payload: { email: 'nuevo.correo@test.libra.mx' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    await t.app.inject({
      method: 'POST',
      url: '/v1/complaints',
      headers: agent.write,
      payload: {
        membershipId: m.id,
        category: 'charge',
        channel: 'phone',
        text: 'No reconoce el cargo de noviembre.',
      },
    });
    const reached = await delivered('nuevo.correo@test.libra.mx');
    expect(reached.map((x) => x.subject)).toEqual(['Recibimos tu queja']);
    const [audit] = await rows<{ details: unknown }>(
      t.database.handle.db,
      sql`select details from audit_log where action = 'membership.contact_change' and record_id = ${m.id}`,
    );
    expect(audit?.details).toMatchObject({ fields: ['email'], verification: { by: 'skipped' } });
  });

  it('holds an SMS that can wait until 8:00, not an email', async () => {
    at('2026-11-25T23:10');
    const m = await buildMembership(t, { card: TEST_CARD.alwaysDeclined });
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    const failed = (await messagesOf(m.id)).filter((n) => n.kind === 'charge_failed');
    expect(failed.map((n) => [n.channel, n.send_at.toISOString()])).toEqual([
      ['email', mexicoCityTime('2026-11-25T23:10').toISOString()],
      ['sms', mexicoCityTime('2026-11-26T08:00').toISOString()],
    ]);
  });
});
