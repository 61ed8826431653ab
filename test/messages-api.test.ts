import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import { CATALOGUE, type MessageKind } from '../src/domains/notifications/catalogue.ts';
import type { ManualClock } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, sessionsOf, signIn, type TestUser } from './support/auth.ts';
import { createProviderUser, registerProvider } from './support/dispatch.ts';
import { http } from './support/http.ts';
import { clearForDetails, contractOnlineAndSignIn } from './support/members.ts';
import { expectProblem } from './support/problems.ts';
import { header, startSmtpServer, type TestSmtpServer } from './support/smtp.ts';

/**
 * A member's messages (issue 21): staff and the member read them with their delivery state in
 * words and their delivery log; staff re-send one; the member (or an agent at their request)
 * chooses language, channels and quiet hours; and the cancellation's answer says truthfully what
 * will become of its confirmation. Without SMTP_URL nothing is sent and the words say so; with a
 * real SMTP server on loopback the re-sent copy arrives.
 */

const COMPLAINT_DUE = new Date('2026-12-02T18:00:00Z');

/** A message the product owes the member, written by the Notifier in a committed transaction: its rows' ids. */
async function oweAll(app: TestApp, membershipId: string, kind: MessageKind = 'complaint_received') {
  const params =
    kind === 'charge_notice'
      ? {
          membershipNumber: 'LM-26-000001',
          chargeAt: new Date('2026-12-01T06:00:00Z'),
          amountCentavos: 21_800,
          cardLast4: '4242',
          cancelUrl: 'http://localhost/app/cancelar',
        }
      : { complaintNumber: 'LQ-26-000042', dueAt: COMPLAINT_DUE };
  return app.database.handle.db.transaction((tx) =>
    app.services.notifier.toMember(tx, { kind, membershipId, params } as never),
  );
}

/** The same, on one channel (the kind's default): its row's id. */
async function owe(app: TestApp, membershipId: string, kind: MessageKind = 'complaint_received') {
  const [id] = await oweAll(app, membershipId, kind);
  return id as string;
}

async function auditActions(
  app: TestApp,
  recordId: string,
): Promise<{ action: string; actor_role: string }[]> {
  return rows(
    app.database.handle.db,
    sql`select action, actor_role from audit_log where record_id = ${recordId} order by at, id`,
  );
}

async function notificationCount(app: TestApp): Promise<number> {
  const [row] = await rows<{ n: number }>(
    app.database.handle.db,
    sql`select count(*)::int as n from notifications`,
  );
  return row?.n ?? 0;
}

describe('a member’s messages with no channel configured (the embedded default)', () => {
  let t: TestApp;
  const { get, post, put } = http(() => t);
  const as = sessionsOf(() => t);
  let agent: TestUser;
  let supervisor: TestUser;
  let finance: TestUser;
  let admin: TestUser;
  let providerUser: TestUser;
  let customer: Session;
  let membershipId: string;
  let stranger: Session;

  beforeAll(async () => {
    t = await buildTestApp();
    agent = await createUser(t, 'agent');
    supervisor = await createUser(t, 'supervisor');
    finance = await createUser(t, 'finance');
    admin = await createUser(t, 'admin');
    providerUser = await createProviderUser(t, await registerProvider(t));
    const mine = await contractOnlineAndSignIn(t);
    customer = mine.session;
    membershipId = mine.membership.id;
    stranger = (await contractOnlineAndSignIn(t)).session;
  });
  afterAll(async () => t?.close());

  const messagesUrl = () => `/v1/memberships/${membershipId}/messages`;

  it('shows a message kept unsent as unconfigured, saying why, in the reader’s language', async () => {
    const id = await owe(t, membershipId);
    const before = await get(messagesUrl(), customer.read);
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json().data.find((m: { id: string }) => m.id === id)).toMatchObject({
      kind: 'complaint_received',
      channel: 'email',
      language: 'es',
      status: 'pending',
      state: 'pending',
      reason: null,
      attempts: [],
    });

    await t.services.outbox.drain();
    const after = await get(messagesUrl(), customer.read);
    const message = after.json().data.find((m: { id: string }) => m.id === id);
    expect(message).toMatchObject({
      status: 'unconfigured',
      state: 'unconfigured',
      reason: 'canal sin configurar',
      subject: CATALOGUE.complaint_received.subject.es,
      resendOf: null,
      sentAt: null,
      attempts: [{ attempt: 1, outcome: 'not_sent', detail: 'canal sin configurar', address: null }],
    });
    expect(message.body).toContain('Recibimos tu queja LQ-26-000042');

    const english = await get(messagesUrl(), { ...customer.read, 'accept-language': 'en-US,en;q=0.9' });
    const inEnglish = english.json().data.find((m: { id: string }) => m.id === id);
    expect(inEnglish).toMatchObject({
      subject: CATALOGUE.complaint_received.subject.en,
      reason: 'channel not set up',
      // Written in Spanish, the member's language then: the language it goes out in stays.
      language: 'es',
    });
    expect(inEnglish.body).toContain('We received your complaint LQ-26-000042');
    // Nothing of the addresses is marked.
    expect(english.json().addresses).toEqual([
      { channel: 'email', address: expect.stringMatching(/^t•••@test\.libra\.mx$/), undeliverable: null },
      { channel: 'sms', address: '•••• 5678', undeliverable: null },
    ]);
  });

  it('lets staff who see members read them, audited; a customer reading their own is not', async () => {
    const auditedBefore = (await auditActions(t, membershipId)).filter(
      (a) => a.action === 'membership.messages_read',
    ).length;
    await get(messagesUrl(), customer.read);
    await clearForDetails(t, (await as(agent)).write, membershipId);
    for (const user of [agent, supervisor, finance, admin]) {
      const res = await get(messagesUrl(), (await as(user)).read);
      expect(res.statusCode, `${user.role}: ${res.body}`).toBe(200);
      // Staff see the addresses whole.
      expect(res.json().addresses[1]).toMatchObject({ channel: 'sms', address: '+525512345678' });
    }
    const audited = (await auditActions(t, membershipId)).filter(
      (a) => a.action === 'membership.messages_read',
    );
    expect(audited.length - auditedBefore).toBe(4);
    expect(audited.slice(-4).map((a) => a.actor_role)).toEqual(['agent', 'supervisor', 'finance', 'admin']);
  });

  it('hides them from another customer (as if missing) and refuses providers', async () => {
    expectProblem(await get(messagesUrl(), stranger.read), 404, 'MEMBERSHIP_NOT_FOUND');
    expectProblem(await get(messagesUrl(), (await as(providerUser)).read), 403, 'FORBIDDEN');
    expectProblem(await get(messagesUrl()), 401, 'UNAUTHENTICATED');
  });

  it('re-sends a message: a copy that goes now, pointing at the original, audited', async () => {
    const original = await owe(t, membershipId);
    await t.services.outbox.drain();
    const countBefore = await notificationCount(t);
    (t.clock as ManualClock).advance({ minutes: 7 });

    await clearForDetails(t, (await as(agent)).write, membershipId);
    const headers = { ...(await as(agent)).write, 'idempotency-key': `resend-${original}` };
    const res = await post(`/v1/messages/${original}/resend`, headers);
    expect(res.statusCode, res.body).toBe(201);
    const copy = res.json();
    expect(copy).toMatchObject({
      kind: 'complaint_received',
      channel: 'email',
      language: 'es',
      status: 'pending',
      state: 'pending',
      resendOf: original,
      sendAt: t.clock.now().toISOString(),
      attempts: [],
    });
    expect(copy.id).not.toBe(original);

    // The same key replays the answer: one copy.
    const again = await post(`/v1/messages/${original}/resend`, headers);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(copy.id);
    expect(await notificationCount(t)).toBe(countBefore + 1);

    // Its words and recipient are the original's; it has no subject key of its own.
    const [stored] = await rows<Record<string, unknown>>(
      t.database.handle.db,
      sql`select c.membership_id = o.membership_id as same_member, c.body_es = o.body_es as same_es,
                 c.body_en = o.body_en as same_en, c.subject_key as subject_key
            from notifications c join notifications o on o.id = c.resend_of where c.id = ${copy.id}`,
    );
    expect(stored).toEqual({ same_member: true, same_es: true, same_en: true, subject_key: null });

    const audit = await rows<{ action: string; details: Record<string, unknown> }>(
      t.database.handle.db,
      sql`select action, details from audit_log where record_type = 'notification' and record_id = ${original}`,
    );
    expect(audit).toEqual([
      {
        action: 'notification.resend',
        details: {
          resendId: copy.id,
          membershipId,
          kind: 'complaint_received',
          channel: 'email',
          // The agent's check of the caller, noted on the change it cleared.
          verification: expect.objectContaining({ by: 'skipped' }),
        },
      },
    ]);

    // The copy shows in the member's list; kept unsent as well, as nothing can send it.
    await t.services.outbox.drain();
    const list = (await get(messagesUrl(), customer.read)).json().data;
    expect(list.find((m: { id: string }) => m.id === copy.id)).toMatchObject({
      resendOf: original,
      state: 'unconfigured',
    });
  });

  it('refuses to re-send a message still to go, or one withdrawn, and says why', async () => {
    const waiting = await owe(t, membershipId);
    const supervisorWrite = (await as(supervisor)).write;
    const refused = expectProblem(
      await post(`/v1/messages/${waiting}/resend`, supervisorWrite),
      409,
      'MESSAGE_NOT_SENT_YET',
    );
    expect(refused.title).toBe('Ese mensaje todavía está por enviarse: no hace falta reenviarlo.');

    // A charge notice is withdrawn when the membership is cancelled before the charge.
    const { membership } = await contractOnlineAndSignIn(t);
    const notice = await owe(t, membership.id, 'charge_notice');
    await clearForDetails(t, (await as(agent)).write, membership.id);
    const cancelled = await post(`/v1/memberships/${membership.id}/cancellation`, (await as(agent)).write, {
      reason: 'Ya no la necesita',
    });
    expect(cancelled.statusCode, cancelled.body).toBe(201);
    const withdrawn = expectProblem(
      await post(`/v1/messages/${notice}/resend`, supervisorWrite),
      409,
      'MESSAGE_WITHDRAWN',
    );
    expect(withdrawn.code).toBe('MESSAGE_WITHDRAWN');
    const list = (await get(`/v1/memberships/${membership.id}/messages`, (await as(agent)).read)).json().data;
    expect(list.find((m: { id: string }) => m.id === notice)).toMatchObject({ state: 'cancelled' });

    expectProblem(
      await post('/v1/messages/01a211f5-0000-7000-8000-00000000beef/resend', supervisorWrite),
      404,
      'MESSAGE_NOT_FOUND',
    );
    // Nothing was written by a refusal.
    expect(
      (await auditActions(t, waiting)).concat(await auditActions(t, notice)).map((a) => a.action),
    ).toEqual([]);
  });

  it('lets only agents and supervisors re-send', async () => {
    const original = await owe(t, membershipId);
    await t.services.outbox.drain();
    for (const user of [finance, admin, providerUser]) {
      const res = await post(`/v1/messages/${original}/resend`, (await as(user)).write);
      expectProblem(res, 403, 'FORBIDDEN');
    }
    expectProblem(await post(`/v1/messages/${original}/resend`, customer.write), 403, 'FORBIDDEN');
  });

  describe('the member’s choices', () => {
    const url = () => `/v1/memberships/${membershipId}/notification-preferences`;
    const memberKinds = (Object.keys(CATALOGUE) as MessageKind[]).filter(
      (k) => CATALOGUE[k].audience === 'member',
    );

    it('lists every kind of message to members with its channels, defaults and whether quiet hours hold it', async () => {
      const res = await get(url(), customer.read);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        language: 'es',
        quietHours: true,
        quietHoursWindow: { from: '21:00', to: '08:00' },
      });
      expect(body.kinds.map((k: { kind: string }) => k.kind)).toEqual(memberKinds);
      expect(body.kinds.map((k: { kind: string }) => k.kind)).not.toContain('provider_offer');
      expect(body.channels.charge_failed).toEqual(['email', 'sms']);
      expect(body.kinds.find((k: { kind: string }) => k.kind === 'case_provider_assigned')).toMatchObject({
        channels: ['sms'],
        defaults: ['sms'],
        chosen: false,
        live: true,
        label: CATALOGUE.case_provider_assigned.subject,
      });
      // A customer reading their own choices is not audited.
      expect((await auditActions(t, membershipId)).filter((a) => a.action.includes('preferences'))).toEqual(
        [],
      );
    });

    it('saves them, and the next message follows them', async () => {
      const res = await put(url(), customer.write, {
        language: 'en',
        quietHours: false,
        channels: { complaint_received: ['sms', 'email'], charge_failed: ['sms'], charge_notice: ['email'] },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ language: 'en', quietHours: false });
      expect(res.json().channels).toMatchObject({
        complaint_received: ['email', 'sms'],
        charge_failed: ['sms'],
        charge_notice: ['email'],
      });
      const kinds = res.json().kinds as { kind: string; chosen: boolean }[];
      expect(kinds.filter((k) => k.chosen).map((k) => k.kind)).toEqual([
        'charge_failed',
        'complaint_received',
      ]);

      const read = await get(url(), customer.read);
      expect(read.json()).toEqual(res.json());

      const ids = await oweAll(t, membershipId);
      const list = (await get(`/v1/memberships/${membershipId}/messages`, customer.read)).json().data as {
        id: string;
        channel: string;
        language: string;
      }[];
      const written = list.filter((m) => ids.includes(m.id));
      expect(written.map((m) => [m.channel, m.language]).sort()).toEqual([
        ['email', 'en'],
        ['sms', 'en'],
      ]);

      const audited = (await auditActions(t, membershipId)).filter(
        (a) => a.action === 'membership.notification_preferences_update',
      );
      expect(audited.map((a) => a.actor_role)).toEqual(['customer']);
    });

    it('refuses turning a message off or naming a kind that is not one, and writes nothing', async () => {
      const before = (await get(url(), customer.read)).json();

      const off = expectProblem(
        await put(url(), customer.write, {
          language: 'es',
          quietHours: true,
          channels: { charge_failed: ['email'], charge_notice: [], complaint_resolution: [] },
        }),
        422,
        'NOTIFICATION_CHANNEL_REQUIRED',
      );
      expect((off.errors as { field: string }[]).map((e) => e.field)).toEqual([
        'body/channels/charge_notice',
        'body/channels/complaint_resolution',
      ]);

      const unknown = expectProblem(
        await put(url(), customer.write, {
          language: 'es',
          quietHours: true,
          channels: { charge_failed: ['email'], marketing: ['email'], provider_offer: ['sms'] },
        }),
        422,
        'NOTIFICATION_KIND_UNKNOWN',
      );
      expect((unknown.errors as { field: string }[]).map((e) => e.field)).toEqual([
        'body/channels/marketing',
        'body/channels/provider_offer',
      ]);

      for (const bad of [
        { language: 'fr', quietHours: true, channels: {} },
        { language: 'es', quietHours: 'yes', channels: {} },
        { language: 'es', quietHours: true, channels: { charge_failed: ['fax'] } },
        { language: 'es', quietHours: true, channels: { charge_failed: ['sms', 'sms'] } },
        { language: 'es', quietHours: true },
      ])
        expectProblem(await put(url(), customer.write, bad), 400, 'VALIDATION_FAILED');

      expect((await get(url(), customer.read)).json()).toEqual(before);
    });

    it('lets an agent read and change them at the member’s request, audited; nobody else', async () => {
      const agentSession = await as(agent);
      await clearForDetails(t, agentSession.write, membershipId);
      const read = await get(url(), agentSession.read);
      expect(read.statusCode, read.body).toBe(200);
      const changed = await put(url(), agentSession.write, {
        language: 'es',
        quietHours: true,
        channels: {},
      });
      expect(changed.statusCode, changed.body).toBe(200);
      // Back to the catalogue's defaults: nothing is chosen any more.
      expect(changed.json().kinds.some((k: { chosen: boolean }) => k.chosen)).toBe(false);
      const audited = (await auditActions(t, membershipId)).filter((a) => a.action.includes('preferences'));
      expect(audited.slice(-2)).toEqual([
        { action: 'membership.notification_preferences_read', actor_role: 'agent' },
        { action: 'membership.notification_preferences_update', actor_role: 'agent' },
      ]);

      expectProblem(await get(url(), stranger.read), 404, 'MEMBERSHIP_NOT_FOUND');
      expectProblem(
        await put(url(), stranger.write, { language: 'en', quietHours: true, channels: {} }),
        404,
        'MEMBERSHIP_NOT_FOUND',
      );
      for (const user of [finance, admin, providerUser])
        expectProblem(await get(url(), (await as(user)).read), 403, 'FORBIDDEN');
    });
  });

  it('says in the cancellation’s answer that its confirmation will not be sent when no channel is set up', async () => {
    const { membership, session } = await contractOnlineAndSignIn(t);
    const res = await post(`/v1/memberships/${membership.id}/cancellation`, session.write, {});
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().confirmation).toEqual({ channels: [], delivery: 'not_configured' });
    const preview = await get(`/v1/memberships/${membership.id}/cancellation`, session.read);
    expect(preview.json().cancellation.confirmation).toEqual({ channels: [], delivery: 'not_configured' });
  });
});

describe('a member’s messages with email over SMTP (a real server on loopback)', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  const { get, post } = http(() => t);
  let agent: Session;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await buildTestApp({
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Asistencia Libra Plus <avisos@libra.test>' },
    });
    agent = await signIn(t, await createUser(t, 'agent'));
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('re-sends a sent email: the member receives it again, under a Message-ID of its own', async () => {
    const { membership, session, body } = await contractOnlineAndSignIn(t);
    const original = await owe(t, membership.id);
    await t.services.outbox.drain();
    const to = body.titular.email.toLowerCase();
    const withId = (id: string) =>
      smtp.received.filter((m) => m.to.includes(to) && header(m.raw, 'Message-ID') === `<${id}@libra.test>`);
    expect(withId(original)).toHaveLength(1);

    await clearForDetails(t, agent.write, membership.id);
    const list = (await get(`/v1/memberships/${membership.id}/messages`, agent.read)).json();
    const sent = list.data.find((m: { id: string }) => m.id === original);
    expect(sent).toMatchObject({
      state: 'sent',
      reason: null,
      attempts: [{ outcome: 'sent', address: body.titular.email.toLowerCase(), detail: null }],
    });
    // The customer sees where it went, masked.
    const own = (await get(`/v1/memberships/${membership.id}/messages`, session.read)).json();
    expect(own.data.find((m: { id: string }) => m.id === original).attempts[0].address).toMatch(
      /^t•••@test\.libra\.mx$/,
    );

    const resent = await post(`/v1/messages/${original}/resend`, agent.write);
    expect(resent.statusCode, resent.body).toBe(201);
    await t.services.outbox.drain();
    expect(withId(original)).toHaveLength(1);
    expect(withId(resent.json().id)).toHaveLength(1);
    const again = (await get(`/v1/memberships/${membership.id}/messages`, agent.read)).json();
    expect(again.data.find((m: { id: string }) => m.id === resent.json().id)).toMatchObject({
      state: 'sent',
      resendOf: original,
    });
  });

  it('shows an address a server refused for good, and the cancellation says it cannot send there', async () => {
    const { membership, session, body } = await contractOnlineAndSignIn(t);
    const address = body.titular.email.toLowerCase();
    await t.services.outbox.drain(); // the welcome goes first
    const id = await owe(t, membership.id);
    smtp.refuseNext(550);
    await t.services.outbox.drain();

    await clearForDetails(t, agent.write, membership.id);
    const list = (await get(`/v1/memberships/${membership.id}/messages`, agent.read)).json();
    expect(list.data.find((m: { id: string }) => m.id === id)).toMatchObject({
      state: 'failed',
      reason: expect.stringContaining('Mailbox unavailable'),
    });
    expect(list.addresses[0]).toEqual({
      channel: 'email',
      address,
      undeliverable: {
        reason: expect.stringContaining('Mailbox unavailable'),
        since: t.clock.now().toISOString(),
      },
    });

    const cancelled = await post(`/v1/memberships/${membership.id}/cancellation`, session.write, {});
    expect(cancelled.statusCode, cancelled.body).toBe(201);
    expect(cancelled.json().confirmation).toEqual({ channels: [], delivery: 'undeliverable' });
  });

  it('says the cancellation’s confirmation will be sent by email, and it is', async () => {
    const { membership, session, body } = await contractOnlineAndSignIn(t);
    const cancelled = await post(`/v1/memberships/${membership.id}/cancellation`, session.write, {});
    expect(cancelled.statusCode, cancelled.body).toBe(201);
    expect(cancelled.json().confirmation).toEqual({ channels: ['email'], delivery: 'will_send' });
    await t.services.outbox.drain();
    const list = (await get(`/v1/memberships/${membership.id}/messages`, session.read)).json().data;
    const confirmation = list.find((m: { kind: string }) => m.kind === 'cancellation_confirmation');
    expect(confirmation).toMatchObject({ state: 'sent', channel: 'email' });
    expect(confirmation.body).toContain(cancelled.json().confirmationNumber);
    expect(
      smtp.received.filter(
        (m) =>
          m.to.includes(body.titular.email.toLowerCase()) &&
          header(m.raw, 'Message-ID') === `<${confirmation.id}@libra.test>`,
      ),
    ).toHaveLength(1);
  });
});
