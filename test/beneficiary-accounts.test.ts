import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import type { ManualClock } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { buildCase, buildMembership, tokenize, towRequest } from './support/factories.ts';
import { mailboxOf, startSmtpServer, type TestSmtpServer } from './support/smtp.ts';

/**
 * Beneficiaries of age get an account of their own (issue 23): the titular invites them with a
 * one-time link sent over a real SMTP peer, they accept it and reach their own help requests and
 * cases — and nothing of the titular's: charges, card, cancellation, people, other people's cases.
 */
let t: TestApp;
let smtp: TestSmtpServer;
let clock: ManualClock;
const PASSWORD = 'una frase de acceso larga y mía';
let serial = 0;

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

interface Family {
  titular: Session;
  membershipId: string;
  spouseId: string;
  childId: string;
}

/** A titular with an online account, an adult spouse and a child on the membership. */
async function family(): Promise<Family> {
  const user = await createUser(t, 'customer');
  const titular = await signIn(t, user);
  const { id: membershipId } = await buildMembership(t, { by: titular.write });
  const add = async (payload: Record<string, string>) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${membershipId}/beneficiaries`,
      headers: titular.write,
      payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const spouseId = await add({ kind: 'spouse', fullName: 'Jorge Ramírez Soto', birthDate: '1984-07-20' });
  const childId = await add({ kind: 'child', fullName: 'Sofía Ramírez López', birthDate: '2015-05-01' });
  return { titular, membershipId, spouseId, childId };
}

function invite(f: Family, personId: string, payload: Record<string, string>, headers = f.titular.write) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/memberships/${f.membershipId}/beneficiaries/${personId}/invitations`,
    headers,
    payload,
  });
}
function accept(token: string, payload: Record<string, string>) {
  return t.app.inject({ method: 'POST', url: `/v1/beneficiary-invitations/${token}/accept`, payload });
}
const newEmail = () => `beneficiario-${++serial}-${Math.random().toString(36).slice(2, 7)}@test.libra.mx`;

/** The link in the newest invitation email to this address, as the person reads it. */
async function linkSentTo(email: string): Promise<string> {
  await t.services.outbox.drain();
  const last = (await mailboxOf(smtp, email)).at(-1);
  expect(last?.subject).toBe('Te invitan a Asistencia Libra Plus');
  const token = /\/invitacion\/([A-Za-z0-9_-]+)/.exec(last?.text ?? '')?.[1];
  if (!token) throw new Error(`no link in: ${last?.text}`);
  return token;
}

/** The spouse invited, accepted and signed in. */
async function spouseAccount(f: Family): Promise<{ session: Session; email: string }> {
  const email = newEmail();
  expect((await invite(f, f.spouseId, { email })).statusCode).toBe(201);
  const done = await accept(await linkSentTo(email), { email, password: PASSWORD });
  expect(done.statusCode, done.body).toBe(200);
  return { session: await signIn(t, { email, password: PASSWORD }), email };
}

async function auditActions(recordId: string): Promise<string[]> {
  const found = await rows<{ action: string }>(
    t.database.handle.db,
    sql`select action from audit_log where record_id = ${recordId} order by at, id`,
  );
  return found.map((r) => r.action).filter((a) => a.startsWith('beneficiary_'));
}

describe('inviting a beneficiary', () => {
  it('sends a one-time link the adult accepts: an account of their own, signed in, linked to the person', async () => {
    const f = await family();
    const email = newEmail();
    const sent = await invite(f, f.spouseId, { email });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json()).toMatchObject({ beneficiaryId: f.spouseId, channel: 'email', state: 'open' });
    expect(sent.json().sentTo).not.toContain(email.split('@')[0]);
    const token = await linkSentTo(email);
    const mail = (await mailboxOf(smtp, email)).at(-1);
    expect(mail?.text).toContain('te invita a abrir tu propia cuenta');

    // A weak password is refused and nothing is written: the link still works.
    const weak = await accept(token, { email, password: '12345678' });
    expect(weak.statusCode).toBe(422);
    const done = await accept(token, { email, password: PASSWORD });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({
      membershipId: f.membershipId,
      personId: f.spouseId,
      user: { email, role: 'customer', name: 'Jorge Ramírez Soto' },
    });
    expect(String(done.headers['set-cookie'])).toContain('HttpOnly');

    // Used once.
    const again = await accept(token, { email: newEmail(), password: PASSWORD });
    expect(again.statusCode).toBe(410);
    expect(again.json()).toMatchObject({ code: 'INVITATION_EXPIRED', reason: 'used' });

    // The titular sees who has an account; a second invitation is refused while it lasts.
    const access = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${f.membershipId}/beneficiary-access`,
      headers: f.titular.read,
    });
    expect(access.statusCode, access.body).toBe(200);
    expect(access.json().accounts).toEqual([{ beneficiaryId: f.spouseId, since: expect.any(String) }]);
    expect(access.json().invitations.map((i: { state: string }) => i.state)).toEqual(['used']);
    const twice = await invite(f, f.spouseId, { email: newEmail() });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('BENEFICIARY_HAS_ACCOUNT');
    expect(await auditActions(f.membershipId)).toEqual([
      'beneficiary_invitation.create',
      'beneficiary_invitation.accept',
    ]);
  });

  it('is for the titular only, for adults on the membership, to an address given', async () => {
    const f = await family();
    const minor = await invite(f, f.childId, { email: newEmail() });
    expect(minor.statusCode).toBe(422);
    expect(minor.json().code).toBe('BENEFICIARY_NOT_OF_AGE');

    const nobody = await invite(f, f.spouseId, {});
    expect(nobody.statusCode).toBe(422);
    expect(nobody.json().code).toBe('INVITATION_CONTACT_MISSING');
    const badPhone = await invite(f, f.spouseId, { phone: '12' });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.json()).toMatchObject({ code: 'PHONE_INVALID', errors: [{ field: 'body/phone' }] });

    const stranger = await signIn(t, await createUser(t, 'customer'));
    const other = await invite(f, f.spouseId, { email: newEmail() }, stranger.write);
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('MEMBERSHIP_NOT_FOUND');

    const agent = await signIn(t, await createUser(t, 'agent'));
    expect((await invite(f, f.spouseId, { email: newEmail() }, agent.write)).statusCode).toBe(403);

    const unknown = await invite(f, '00000000-0000-4000-8000-000000000000', { email: newEmail() });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('BENEFICIARY_NOT_FOUND');

    // By text message when only a phone is given.
    const bySms = await invite(f, f.spouseId, { phone: '81 8765 4321' });
    expect(bySms.statusCode, bySms.body).toBe(201);
    expect(bySms.json()).toMatchObject({ channel: 'sms', sentTo: '•• •••• 4321' });
  });

  it('a newer invitation supersedes the older; an old link expires after 7 days', async () => {
    const f = await family();
    const first = newEmail();
    await invite(f, f.spouseId, { email: first });
    const oldToken = await linkSentTo(first);
    const second = newEmail();
    await invite(f, f.spouseId, { email: second });
    const newToken = await linkSentTo(second);

    const old = await accept(oldToken, { email: first, password: PASSWORD });
    expect(old.statusCode).toBe(410);
    expect(old.json()).toMatchObject({ code: 'INVITATION_EXPIRED', reason: 'superseded' });

    clock.advance({ days: 7, seconds: 1 });
    const late = await accept(newToken, { email: second, password: PASSWORD });
    expect(late.statusCode).toBe(410);
    expect(late.json()).toMatchObject({ code: 'INVITATION_EXPIRED', reason: 'expired' });

    const made = await rows<{ n: number }>(
      t.database.handle.db,
      sql`select count(*)::int as n from users where email in (${first}, ${second})`,
    );
    expect(made[0]?.n).toBe(0);

    const unknown = await accept('x'.repeat(43), { email: newEmail(), password: PASSWORD });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('INVITATION_NOT_FOUND');
  });
});

describe('a beneficiary’s own account', () => {
  it('requests help for themselves and reads their own cases, no one else’s', async () => {
    const f = await family();
    const titularCase = await buildCase(t, { membershipId: f.membershipId, by: 'system' });
    const { session } = await spouseAccount(f);
    const opened = await t.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: session.write,
      payload: towRequest(f.membershipId, { personId: f.spouseId }),
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const caseId = opened.json().id;
    const read = await t.app.inject({ method: 'GET', url: `/v1/cases/${caseId}`, headers: session.read });
    expect(read.statusCode, read.body).toBe(200);

    // The titular's own case on the same membership is not theirs to see; their list has only theirs.
    const hidden = await t.app.inject({
      method: 'GET',
      url: `/v1/cases/${titularCase.id}`,
      headers: session.read,
    });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().code).toBe('CASE_NOT_FOUND');
    const list = await t.app.inject({ method: 'GET', url: '/v1/cases', headers: session.read });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().data.map((c: { id: string }) => c.id)).toEqual([caseId]);
  });

  it('reaches nothing of the titular’s: help for others, charges, card, cancellation, people, invitations', async () => {
    const f = await family();
    const { session } = await spouseAccount(f);
    const m = f.membershipId;
    const refusals: [string, 'GET' | 'POST' | 'PUT' | 'DELETE', string, unknown?][] = [
      ['help for the titular', 'POST', '/v1/cases', towRequest(m)],
      ['help for the child', 'POST', '/v1/cases', towRequest(m, { personId: f.childId })],
      ['the membership', 'GET', `/v1/memberships/${m}`],
      ['charges', 'GET', `/v1/memberships/${m}/charges`],
      ['card', 'PUT', `/v1/memberships/${m}/card`, { cardToken: await tokenize(t) }],
      ['cancellation', 'POST', `/v1/memberships/${m}/cancellation`, { reason: 'no' }],
      ['people', 'GET', `/v1/memberships/${m}/beneficiaries`],
      [
        'adding people',
        'POST',
        `/v1/memberships/${m}/beneficiaries`,
        { kind: 'child', fullName: 'Otro Niño', birthDate: '2018-01-01' },
      ],
      [
        'inviting',
        'POST',
        `/v1/memberships/${m}/beneficiaries/${f.spouseId}/invitations`,
        { email: newEmail() },
      ],
      ['access list', 'GET', `/v1/memberships/${m}/beneficiary-access`],
      ['revoking', 'DELETE', `/v1/memberships/${m}/beneficiaries/${f.spouseId}/access`],
      ['messages', 'GET', `/v1/memberships/${m}/messages`],
    ];
    for (const [what, method, url, payload] of refusals) {
      const res = await t.app.inject({
        method,
        url,
        headers: method === 'GET' ? session.read : session.write,
        ...(payload ? { payload: payload as never } : {}),
      });
      expect([403, 404], `${what}: ${res.statusCode} ${res.body}`).toContain(res.statusCode);
    }
    // Their portal lists no membership in their name (it is the titular's).
    const mine = await t.app.inject({ method: 'GET', url: '/v1/me/memberships', headers: session.read });
    expect(mine.json().data).toEqual([]);
  });

  it('is cut off when the titular revokes it (audited), and may be invited again', async () => {
    const f = await family();
    const { session, email } = await spouseAccount(f);
    const opened = await t.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: session.write,
      payload: towRequest(f.membershipId, { personId: f.spouseId }),
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/v1/memberships/${f.membershipId}/beneficiaries/${f.spouseId}/access`,
      headers: f.titular.write,
    });
    expect(revoked.statusCode, revoked.body).toBe(204);
    // Its sessions ended with the grant; signed in again, the account reaches nothing.
    const ended = await t.app.inject({
      method: 'GET',
      url: `/v1/cases/${opened.json().id}`,
      headers: session.read,
    });
    expect(ended.statusCode).toBe(401);
    const again = await signIn(t, { email, password: PASSWORD });
    const gone = await t.app.inject({
      method: 'GET',
      url: `/v1/cases/${opened.json().id}`,
      headers: again.read,
    });
    expect(gone.statusCode).toBe(404);
    const noMore = await t.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: again.write,
      payload: towRequest(f.membershipId, { personId: f.spouseId }),
    });
    expect(noMore.statusCode).toBe(404);
    expect(await auditActions(f.membershipId)).toEqual([
      'beneficiary_invitation.create',
      'beneficiary_invitation.accept',
      'beneficiary_access.revoke',
    ]);
    expect((await invite(f, f.spouseId, { email: newEmail() })).statusCode).toBe(201);
  });

  it('comes back to the same person invited again, proven with its own password; no one else’s account does', async () => {
    const f = await family();
    const { session, email } = await spouseAccount(f);
    const opened = await t.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: session.write,
      payload: towRequest(f.membershipId, { personId: f.spouseId }),
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/v1/memberships/${f.membershipId}/beneficiaries/${f.spouseId}/access`,
      headers: f.titular.write,
    });
    expect(revoked.statusCode).toBe(204);
    expect((await invite(f, f.spouseId, { email })).statusCode).toBe(201);
    const token = await linkSentTo(email);

    // The account's email with a wrong password: refused as a sign-in would be, nothing linked.
    const wrong = await accept(token, { email, password: `${PASSWORD}-no` });
    expect(wrong.statusCode, wrong.body).toBe(401);
    expect(wrong.json().code).toBe('INVALID_CREDENTIALS');
    // Someone else's account is not this person's: its email stays taken, whatever the password.
    const someoneElse = await createUser(t, 'customer');
    const other = await accept(token, { email: someoneElse.email, password: someoneElse.password });
    expect(other.statusCode, other.body).toBe(409);
    expect(other.json().code).toBe('EMAIL_TAKEN');

    const back = await accept(token, { email, password: PASSWORD });
    expect(back.statusCode, back.body).toBe(200);
    const again = await signIn(t, { email, password: PASSWORD });
    const seen = await t.app.inject({
      method: 'GET',
      url: `/v1/cases/${opened.json().id}`,
      headers: again.read,
    });
    expect(seen.statusCode, seen.body).toBe(200);
    const access = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${f.membershipId}/beneficiary-access`,
      headers: f.titular.read,
    });
    expect(access.json().accounts.map((a: { beneficiaryId: string }) => a.beneficiaryId)).toEqual([
      f.spouseId,
    ]);
  });
});
