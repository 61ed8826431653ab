import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import type { ManualClock } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser } from './support/auth.ts';
import { type BuiltMembership, buildMembership } from './support/factories.ts';
import { mailboxOf, startSmtpServer, type TestSmtpServer } from './support/smtp.ts';

/**
 * "Activa tu cuenta" (issue 23): a member contracted by phone proves who they are with three facts,
 * gets a one-time code by email over a real SMTP peer on loopback, and with it gets the titular's
 * account, linked and signed in. Wrong facts give one answer, are throttled like sign-ins and
 * audited; codes expire, are used once and take five wrong tries; nothing is half-written.
 */
let t: TestApp;
let smtp: TestSmtpServer;
let clock: ManualClock;
const PASSWORD = 'una frase de acceso larga y mía';
let ipSerial = 0;
/** Each test calls from its own address, so one test's failures do not throttle the next. */
let ip = '203.0.113.1';

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await buildTestApp({
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Libra <avisos@libra.test>',
      PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
    },
  });
  clock = t.clock as ManualClock;
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});
beforeEach(() => {
  ip = `203.0.113.${++ipSerial}`;
});

const facts = (m: BuiltMembership, change: Record<string, string> = {}) => ({
  membershipNumber: m.number,
  cardLast4: '4242',
  birthDate: m.body.titular.birthDate,
  ...change,
});

function start(payload: Record<string, string>) {
  return t.app.inject({ method: 'POST', url: '/v1/account-activations', payload, remoteAddress: ip });
}
function confirm(id: string, payload: Record<string, string>) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/account-activations/${id}/confirm`,
    payload,
    remoteAddress: ip,
  });
}

/** The code in the newest activation email to this address, as the person reads it. */
async function codeSentTo(email: string): Promise<string> {
  await t.services.outbox.drain();
  const mails = await mailboxOf(smtp, email);
  const last = mails.at(-1);
  expect(last?.subject).toBe('Tu código para activar tu cuenta');
  const code = /es (\d{6})\./.exec(last?.text ?? '')?.[1];
  if (!code) throw new Error(`no code in: ${last?.text}`);
  return code;
}

async function auditActions(recordId: string): Promise<string[]> {
  const found = await rows<{ action: string }>(
    t.database.handle.db,
    sql`select action from audit_log where record_id = ${recordId} order by at, id`,
  );
  return found.map((r) => r.action);
}

describe('activa tu cuenta', () => {
  it('gives a phone member the titular’s account: code by email, then signed in to the membership', async () => {
    const m = await buildMembership(t);
    const started = await start(facts(m, { membershipNumber: m.number.toLowerCase().replace(/-/g, ' ') }));
    expect(started.statusCode, started.body).toBe(201);
    const email = m.body.titular.email;
    expect(started.json()).toMatchObject({ channel: 'email', sentTo: `t•••@test.libra.mx`, attempts: 5 });
    expect(started.json().sentTo).not.toContain(email.split('@')[0]);
    const code = await codeSentTo(email);

    const done = await confirm(started.json().id, { code, password: PASSWORD });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ membershipId: m.id, user: { email, role: 'customer' } });
    const cookie = String(done.headers['set-cookie']).split(';')[0] as string;

    // Signed in: the portal's home lists the membership.
    const mine = await t.app.inject({ method: 'GET', url: '/v1/me/memberships', headers: { cookie } });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().data.map((x: { id: string }) => x.id)).toEqual([m.id]);

    // And can sign in again with the password chosen.
    const login = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email, password: PASSWORD },
      remoteAddress: ip,
    });
    expect(login.statusCode, login.body).toBe(200);

    // The code is used once.
    const again = await confirm(started.json().id, { code, password: PASSWORD });
    expect(again.statusCode).toBe(410);
    expect(again.json().code).toBe('ACTIVATION_EXPIRED');

    // A membership with an account is told so, clearly, once the facts are right.
    const twice = await start(facts(m));
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('MEMBERSHIP_HAS_ACCOUNT');

    expect(await auditActions(m.id)).toEqual(
      expect.arrayContaining([
        'account_activation.start',
        'account_activation.confirm',
        'membership.account_link',
      ]),
    );
  });

  it('answers every wrong fact alike, and throttles the guesses like sign-in', async () => {
    const m = await buildMembership(t);
    const wrong = [
      facts(m, { cardLast4: '0000' }),
      facts(m, { birthDate: '1990-01-01' }),
      facts(m, { membershipNumber: 'LM-26-999999' }),
      facts(m, { membershipNumber: 'no es un número' }),
    ];
    const answers = [];
    for (const body of wrong) answers.push(await start(body));
    expect(answers.map((a) => a.statusCode)).toEqual([422, 422, 422, 422]);
    const bodies = answers.map((a) => a.json());
    expect(new Set(bodies.map((b) => `${b.code}|${b.detail}`)).size).toBe(1);
    expect(bodies[0]?.code).toBe('ACTIVATION_FACTS_NOT_MATCHED');

    // Five failures for this number from this address are free; the sixth try waits.
    for (let i = 0; i < 3; i++) expect((await start(facts(m, { cardLast4: '1111' }))).statusCode).toBe(422);
    const held = await start(facts(m));
    expect(held.statusCode).toBe(429);
    expect(held.json().code).toBe('ACTIVATION_THROTTLED');
    expect(Number(held.headers['retry-after'])).toBeGreaterThan(0);
    // Nothing was sent, no account made.
    expect(await mailboxOf(smtp, m.body.titular.email)).toHaveLength(0);
    // Another address is not held by this one's failures.
    ip = '198.51.100.77';
    expect((await start(facts(m))).statusCode).toBe(201);
  });

  it('counts wrong codes: the fifth closes the activation; a newer code replaces the older', async () => {
    const m = await buildMembership(t);
    const first = (await start(facts(m))).json();
    const firstCode = await codeSentTo(m.body.titular.email);
    const second = (await start(facts(m))).json();
    const code = await codeSentTo(m.body.titular.email);

    const old = await confirm(first.id, { code: firstCode, password: PASSWORD });
    expect(old.statusCode).toBe(410);
    expect(old.json()).toMatchObject({ code: 'ACTIVATION_EXPIRED', reason: 'superseded' });

    const wrongCode = code === '000000' ? '000001' : '000000';
    for (const left of [4, 3, 2, 1]) {
      const res = await confirm(second.id, { code: wrongCode, password: PASSWORD });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'ACTIVATION_CODE_INVALID', attemptsLeft: left });
    }
    const fifth = await confirm(second.id, { code: wrongCode, password: PASSWORD });
    expect(fifth.json()).toMatchObject({ code: 'ACTIVATION_EXPIRED', reason: 'spent' });
    // Even the right code no longer works.
    expect((await confirm(second.id, { code, password: PASSWORD })).statusCode).toBe(410);
    expect(await auditActions(m.id)).toContain('account_activation.wrong_code');
  });

  it('lets a code expire after 15 minutes', async () => {
    const m = await buildMembership(t);
    const started = (await start(facts(m))).json();
    const code = await codeSentTo(m.body.titular.email);
    const before = clock.now();
    clock.set(new Date(before.getTime() + 15 * 60_000));
    try {
      const late = await confirm(started.id, { code, password: PASSWORD });
      expect(late.json()).toMatchObject({ code: 'ACTIVATION_EXPIRED', reason: 'expired' });
    } finally {
      clock.set(before);
    }
  });

  it('writes nothing when the account cannot be made, and the code still works after', async () => {
    const m = await buildMembership(t);
    const started = (await start(facts(m))).json();
    const code = await codeSentTo(m.body.titular.email);

    const weak = await confirm(started.id, { code, password: '12345678' });
    expect(weak.statusCode).toBe(422);
    const someone = await createUser(t, 'customer');
    const taken = await confirm(started.id, { code, password: PASSWORD, email: someone.email });
    expect(taken.json().code).toBe('EMAIL_TAKEN');
    const users = await rows<{ n: number }>(
      t.database.handle.db,
      sql`select count(*)::int as n from users where email = ${m.body.titular.email}`,
    );
    expect(users[0]?.n).toBe(0);
    expect(await auditActions(m.id)).not.toContain('membership.account_link');

    // Another sign-in email of the person's choosing works.
    const other = `otro-${Date.now()}@test.libra.mx`;
    const done = await confirm(started.id, { code, password: PASSWORD, email: other });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().user.email).toBe(other);
  });

  it('answers CANCELLATION_BY_PHONE_ONLY to a phone member who cancels online from the new account', async () => {
    const m = await buildMembership(t);
    const started = (await start(facts(m))).json();
    const done = await confirm(started.id, {
      code: await codeSentTo(m.body.titular.email),
      password: PASSWORD,
    });
    const cookie = String(done.headers['set-cookie']).split(';')[0] as string;
    const headers = { cookie, 'x-csrf-token': done.json().csrfToken };
    const cancel = await t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${m.id}/cancellation`,
      headers,
      payload: { reason: 'Ya no la uso' },
    });
    expect(cancel.statusCode, cancel.body).toBe(409);
    expect(cancel.json().code).toBe('CANCELLATION_BY_PHONE_ONLY');
  });
});
