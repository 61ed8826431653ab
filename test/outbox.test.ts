import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, rows } from '../src/db/client.ts';
import { SmtpChannel } from '../src/domains/notifications/channels.ts';
import { Outbox } from '../src/domains/notifications/outbox.ts';
import { type NewNotification, NotificationsRepository } from '../src/domains/notifications/repository.ts';
import type { ManualClock } from '../src/lib/clock.ts';
import { newId } from '../src/lib/ids.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, signIn } from './support/auth.ts';
import { buildMembership } from './support/factories.ts';
import { header, startSmtpServer, type TestSmtpServer } from './support/smtp.ts';

/**
 * The outbox against a real SMTP server on loopback: a message recorded in a committed transaction
 * is delivered once, with its Message-ID, HTML and plain text; temporary refusals are retried with
 * backoff, permanent ones end it; two workers never deliver one message twice; and with no SMTP
 * configured nothing is sent and the row says why.
 */

let t: TestApp;
let smtp: TestSmtpServer;
let membershipId: string;
let titularEmail: string;
const repository = new NotificationsRepository();
const FROM = 'Asistencia Libra Plus <avisos@libra.test>';

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await buildTestApp({ env: { SMTP_URL: smtp.url, MAIL_FROM: FROM } });
  const membership = await buildMembership(t);
  membershipId = membership.id;
  titularEmail = membership.body.titular.email;
});

afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

beforeEach(async () => {
  // Each test starts with an empty outbox and an empty mailbox.
  await t.database.handle.db.execute(sql`delete from undeliverable_addresses`);
  await t.database.handle.db.execute(sql`delete from notification_attempts`);
  await t.database.handle.db.execute(sql`delete from notifications`);
  smtp.received.length = 0;
});

const clock = () => t.clock as ManualClock;

function message(overrides: Partial<NewNotification> = {}): NewNotification {
  return {
    id: newId(),
    membershipId,
    kind: 'complaint_resolution',
    channel: 'email',
    sendAt: clock().now(),
    status: 'pending',
    bodyEs: 'Tu queja Q-26-000001 fue resuelta: <reembolso> & disculpa.',
    bodyEn: 'Your complaint Q-26-000001 was resolved: <refund> & apology.',
    createdAt: clock().now(),
    ...overrides,
  };
}

async function record(...messages: NewNotification[]): Promise<void> {
  await t.database.handle.db.transaction(async (tx) => repository.insertMany(tx, messages));
}

async function state(id: string) {
  const row = await repository.byId(t.database.handle.db, id);
  const log = await repository.attemptsOf(t.database.handle.db, id);
  return {
    status: row?.status,
    attempts: row?.attempts,
    log: log.map((a) => ({
      attempt: a.attempt,
      outcome: a.outcome,
      detail: a.detail,
      id: a.providerMessageId,
    })),
  };
}

describe('email through the outbox, over SMTP', () => {
  it('delivers a committed message once, with its stable Message-ID, HTML and plain text', async () => {
    const m = message();
    await record(m);
    expect(await t.services.outbox.drain()).toMatchObject({ sent: 1, failed: 0, retried: 0 });
    expect(await t.services.outbox.drain()).toMatchObject({ sent: 0 });

    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail?.to).toEqual([titularEmail]);
    expect(mail?.from).toBe('avisos@libra.test');
    expect(header(mail?.raw ?? '', 'Message-ID')).toBe(`<${m.id}@libra.test>`);
    expect(mail?.raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(mail?.raw).toMatch(/Content-Type: text\/plain/i);
    expect(mail?.raw).toMatch(/Content-Type: text\/html/i);
    // The HTML part escapes the text it is given.
    expect(mail?.raw).toContain('&#60;reembolso&#62;');
    expect(header(mail?.raw ?? '', 'Subject')).toBeTruthy();

    expect(await state(m.id)).toEqual({
      status: 'sent',
      attempts: 1,
      log: [{ attempt: 1, outcome: 'sent', detail: null, id: `<${m.id}@libra.test>` }],
    });
  });

  it('sends nothing for a change that rolled back', async () => {
    const m = message();
    await expect(
      t.database.handle.db.transaction(async (tx) => {
        await repository.insert(tx, m);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await t.services.outbox.drain()).toEqual({ sent: 0, failed: 0, retried: 0, unconfigured: 0 });
    expect(smtp.received).toHaveLength(0);
    expect(await repository.byId(t.database.handle.db, m.id)).toBeUndefined();
  });

  it('waits for a message due later', async () => {
    const m = message({ sendAt: new Date(clock().now().getTime() + 3_600_000) });
    await record(m);
    await t.services.outbox.drain();
    expect(smtp.received).toHaveLength(0);
    clock().advance({ hours: 1 });
    await t.services.outbox.drain();
    expect(smtp.received).toHaveLength(1);
  });

  it('retries a 4xx after its backoff, then sends it', async () => {
    const m = message();
    await record(m);
    smtp.refuseNext(451, 421);
    expect(await t.services.outbox.drain()).toMatchObject({ sent: 0, retried: 1 });
    // Not before the backoff: one minute after the first failure, five after the second.
    expect(await t.services.outbox.drain()).toMatchObject({ sent: 0, retried: 0 });
    clock().advance({ minutes: 1 });
    expect(await t.services.outbox.drain()).toMatchObject({ sent: 0, retried: 1 });
    clock().advance({ minutes: 4 });
    expect(await t.services.outbox.drain()).toMatchObject({ sent: 0, retried: 0 });
    clock().advance({ minutes: 1 });
    expect(await t.services.outbox.drain()).toMatchObject({ sent: 1 });

    expect(smtp.received).toHaveLength(1);
    const s = await state(m.id);
    expect(s.status).toBe('sent');
    expect(s.attempts).toBe(3);
    expect(s.log.map((l) => l.outcome)).toEqual(['temporary_failure', 'temporary_failure', 'sent']);
    expect(s.log[0]?.detail).toMatch(/451/);
  });

  it('gives up after the last temporary failure', async () => {
    const m = message();
    await record(m);
    smtp.refuseNext(450, 450, 450, 450, 450);
    for (const minutes of [0, 1, 5, 25, 125]) {
      clock().advance({ minutes });
      await t.services.outbox.drain();
    }
    const s = await state(m.id);
    expect(s.status).toBe('failed');
    expect(s.log).toHaveLength(5);
    clock().advance({ days: 1 });
    await t.services.outbox.drain();
    expect((await state(m.id)).log).toHaveLength(5);
    expect(smtp.received).toHaveLength(0);
  });

  it('marks a 5xx failed and never tries it again', async () => {
    const m = message();
    await record(m);
    smtp.refuseNext(550);
    expect(await t.services.outbox.drain()).toMatchObject({ failed: 1 });
    clock().advance({ hours: 3 });
    expect(await t.services.outbox.drain()).toMatchObject({ sent: 0, failed: 0, retried: 0 });
    expect(smtp.received).toHaveLength(0);
    const s = await state(m.id);
    expect(s).toMatchObject({ status: 'failed', attempts: 1 });
    expect(s.log).toEqual([
      { attempt: 1, outcome: 'permanent_failure', detail: expect.stringMatching(/550/), id: null },
    ]);
  });

  it('fails a message whose recipient has no address, with the reason', async () => {
    const m = message();
    await record(m);
    await t.database.handle.db.execute(
      sql`update memberships set titular_email = '' where id = ${membershipId}`,
    );
    try {
      await t.services.outbox.drain();
    } finally {
      await t.database.handle.db.execute(
        sql`update memberships set titular_email = ${titularEmail} where id = ${membershipId}`,
      );
    }
    expect(smtp.received).toHaveLength(0);
    expect(await state(m.id)).toMatchObject({
      status: 'failed',
      log: [{ attempt: 1, outcome: 'permanent_failure', detail: 'recipient_missing' }],
    });
  });

  it('delivers each message once when two workers drain at the same time', async () => {
    const messages = Array.from({ length: 24 }, () => message());
    await record(...messages);
    // A second worker: on PostgreSQL its own connection pool, as another process would have.
    const other = t.database.url
      ? await openDatabase({ url: t.database.url, maxConnections: 4 })
      : t.database.handle;
    const channel = new SmtpChannel({ url: smtp.url, from: FROM });
    const second = new Outbox(other.db, new NotificationsRepository(), [channel], t.clock, { batchSize: 5 });
    try {
      const [a, b] = await Promise.all([t.services.outbox.drain(), second.drain()]);
      expect(a.sent + b.sent).toBe(24);
    } finally {
      await second.close();
      if (other !== t.database.handle) await other.close();
    }
    const ids = smtp.received.map((mail) => header(mail.raw, 'Message-ID'));
    expect(ids).toHaveLength(24);
    expect(new Set(ids)).toEqual(new Set(messages.map((m) => `<${m.id}@libra.test>`)));
    const [counts] = await rows<{ sent: number; attempts: number }>(
      t.database.handle.db,
      sql`select count(*) filter (where status = 'sent')::int as sent, (select count(*)::int from notification_attempts) as attempts from notifications`,
    );
    expect(counts).toEqual({ sent: 24, attempts: 24 });
  });

  it('keeps SMS messages unsent when this process has no SMPP_URL, saying no channel is configured', async () => {
    const m = message({ channel: 'sms', kind: 'appointment_reminder_2h' });
    await record(m);
    expect(await t.services.outbox.drain()).toMatchObject({ unconfigured: 1, sent: 0 });
    expect(await state(m.id)).toEqual({
      status: 'unconfigured',
      attempts: 0,
      log: [{ attempt: 1, outcome: 'not_sent', detail: 'channel_not_configured', id: null }],
    });
    expect(smtp.received).toHaveLength(0);
  });

  it('counts messages by channel, kind and outcome in /metrics', async () => {
    await record(message(), message({ channel: 'sms', kind: 'appointment_reminder_2h' }));
    await t.services.outbox.drain();
    const supervisor = await signIn(t, await createUser(t, 'supervisor'));
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: supervisor.read });
    expect(res.body).toMatch(
      /libra_notifications_total\{channel="email",kind="complaint_resolution",outcome="sent"\} \d+/,
    );
    expect(res.body).toMatch(
      /libra_notifications_total\{channel="sms",kind="appointment_reminder_2h",outcome="unconfigured"\} \d+/,
    );
  });
});

describe('with no SMTP_URL (the embedded default)', () => {
  it('sends nothing, keeps the message and says why; a process with SMTP sends it later', async () => {
    const m = message();
    await record(m);
    const unconfigured = new Outbox(t.database.handle.db, new NotificationsRepository(), [], t.clock);
    expect(unconfigured.configured()).toEqual([]);
    expect(await unconfigured.drain()).toEqual({ sent: 0, failed: 0, retried: 0, unconfigured: 1 });
    expect(await unconfigured.drain()).toEqual({ sent: 0, failed: 0, retried: 0, unconfigured: 0 });
    expect(smtp.received).toHaveLength(0);
    expect(await state(m.id)).toEqual({
      status: 'unconfigured',
      attempts: 0,
      log: [{ attempt: 1, outcome: 'not_sent', detail: 'channel_not_configured', id: null }],
    });

    // Kept, not lost: once a process has the channel, the message goes.
    await t.services.outbox.drain();
    expect(smtp.received).toHaveLength(1);
    expect((await state(m.id)).log.map((l) => l.outcome)).toEqual(['not_sent', 'sent']);
  });

  it('leaves the outbox without channels when the config has no SMTP_URL', async () => {
    const { loadConfig } = await import('../src/config.ts');
    const { serviceOptionsOf } = await import('../src/app.ts');
    expect(serviceOptionsOf(loadConfig({ NODE_ENV: 'test' })).smtp).toBeUndefined();
    expect(serviceOptionsOf(loadConfig({ NODE_ENV: 'test', SMTP_URL: smtp.url })).smtp).toEqual({
      url: smtp.url,
      from: 'Asistencia Libra Plus <avisos@libra.invalid>',
    });
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example' })).toThrow(/SMTP_URL must be a URL/);
    expect(() => loadConfig({ MAIL_FROM: 'not an address' })).toThrow(/MAIL_FROM must be an email address/);
    expect(t.services.outbox.configured()).toEqual(['email']);
  });
});
