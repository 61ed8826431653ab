import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.ts';
import { bearer, createApiKey, createUser, type Session, signIn } from '../../../test/support/auth.ts';
import { contractBody, tokenize } from '../../../test/support/factories.ts';
import { contractOnlineAndSignIn, memberRowCounts, postMembership } from '../../../test/support/members.ts';
import { rows } from '../../db/client.ts';
import { type ManualClock, mexicoCityTime } from '../../lib/clock.ts';

/** Contracting a membership: each channel, bad input refused whole, idempotency. */

let t: TestApp;
let clock: ManualClock;
let agent: Session;
let partnerKey: string;

beforeAll(async () => {
  t = await buildTestApp();
  clock = t.clock as ManualClock;
  agent = await signIn(t, await createUser(t, 'agent'));
  partnerKey = (await createApiKey(t, 'partner', ['memberships:read', 'memberships:write'])).key;
});
afterAll(async () => t?.close());
beforeEach(() => clock.set('2026-11-25T20:05:00Z')); // 14:05 in Mexico City

const contract = (payload: unknown, headers: Record<string, string> = {}) =>
  postMembership(t, payload, headers);
const onlineCustomer = (password?: string) => contractOnlineAndSignIn(t, password);
const counts = () => memberRowCounts(t);

describe('contracting, by channel', () => {
  it('online: creates the account, starts two free months with cover at once, records consent', async () => {
    const { membership, session, body } = await onlineCustomer();
    expect(membership).toMatchObject({
      state: 'trial',
      channel: 'online',
      plan: { code: 'libra-plus', version: 1 },
      titular: { email: body.titular.email, phone: '+525512345678', hasAccount: true },
      card: { brand: 'visa', type: 'credit', last4: '4242' },
      contractedAt: '2026-11-25T20:05:00.000Z',
      trialEndsAt: mexicoCityTime('2027-01-25T00:00').toISOString(),
      nextChargeOn: '2027-01-25',
      membershipYear: { number: 1, resetsOn: '2027-11-25' },
    });
    expect(membership.number).toMatch(/^LM-26-\d{6}$/);
    expect(membership.people).toEqual([
      expect.objectContaining({ id: 'titular', kind: 'titular', covered: true }),
    ]);

    const mine = await t.app.inject({ method: 'GET', url: '/v1/me/memberships', headers: session.read });
    expect(mine.json().data.map((m: { id: string }) => m.id)).toEqual([membership.id]);

    const consents = await rows<{ document: string; version: string; channel: string; accepted_at: Date }>(
      t.database.handle.db,
      sql`select document, version, channel, accepted_at from consents where membership_id = ${membership.id} order by document`,
    );
    expect(consents.map((c) => [c.document, c.version, c.channel])).toEqual([
      ['privacy_notice', '2024-01', 'online'],
      ['terms', '2024-01', 'online'],
    ]);
    expect(consents[0]?.accepted_at.toISOString()).toBe('2026-11-25T20:05:00.000Z');
  });

  it('by phone: an agent contracts for a caller; active at once, no free months, no account', async () => {
    const res = await contract(contractBody(await tokenize(t, '4000056655665556')), agent.write);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      state: 'active',
      channel: 'phone',
      trialEndsAt: null,
      nextChargeOn: '2026-11-25',
      titular: { hasAccount: false },
      card: { type: 'debit' },
    });
  });

  it('by the bank: a partner key contracts through the API', async () => {
    const res = await contract(contractBody(await tokenize(t)), bearer(partnerKey));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ state: 'active', channel: 'bank' });
    const read = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${res.json().id}`,
      headers: bearer(partnerKey),
    });
    expect(read.statusCode).toBe(200);
  });

  it('refuses callers that are not a sales channel', async () => {
    const finance = await signIn(t, await createUser(t, 'finance'));
    const res = await contract(contractBody(await tokenize(t)), finance.write);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('CHANNEL_NOT_ALLOWED');
  });

  it('refuses a second live membership for the same titular', async () => {
    const body = contractBody(await tokenize(t));
    expect((await contract(body, agent.write)).statusCode).toBe(201);
    const again = await contract({ ...body, cardToken: await tokenize(t) }, agent.write);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('MEMBERSHIP_ALREADY_EXISTS');
  });
});

describe('bad input is refused with its code, and nothing is written', () => {
  const cases: [string, (token: string) => unknown, number, string][] = [
    [
      'a bad email',
      (tk) => contractBody(tk, { titular: { email: 'maria@' } as never }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a 9-digit phone',
      (tk) => contractBody(tk, { titular: { phone: '55 1234 567' } as never }),
      400,
      'PHONE_INVALID',
    ],
    [
      'a future birth date',
      (tk) => contractBody(tk, { titular: { birthDate: '2030-01-01' } as never }),
      400,
      'BIRTH_DATE_INVALID',
    ],
    [
      'an impossible date',
      (tk) => contractBody(tk, { titular: { birthDate: '1985-02-30' } as never }),
      400,
      'BIRTH_DATE_INVALID',
    ],
    [
      'an underage titular',
      (tk) => contractBody(tk, { titular: { birthDate: '2010-01-01' } as never }),
      422,
      'TITULAR_UNDERAGE',
    ],
    [
      'a bad RFC',
      (tk) => contractBody(tk, { titular: { rfc: 'LORA851315AB1' } as never }),
      400,
      'RFC_INVALID',
    ],
    [
      'a bad CURP',
      (tk) => contractBody(tk, { titular: { curp: 'LOOA531113HTCPBN08' } as never }),
      400,
      'CURP_INVALID',
    ],
    [
      'a one-word name',
      (tk) => contractBody(tk, { titular: { fullName: 'María' } as never }),
      400,
      'NAME_INVALID',
    ],
    ['an unknown plan', (tk) => contractBody(tk, { planCode: 'libra-gold' }), 404, 'PLAN_NOT_FOUND'],
    [
      'missing consent',
      (tk) => {
        const { consent: _omitted, ...rest } = contractBody(tk);
        return rest;
      },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'an outdated terms version',
      (tk) => contractBody(tk, { consent: { termsVersion: '2019-01', privacyNoticeVersion: '2024-01' } }),
      422,
      'CONSENT_REQUIRED',
    ],
    ['an unknown card token', () => contractBody('tok_sandbox_nope'), 422, 'CARD_TOKEN_UNKNOWN'],
    [
      'a full card number in the body',
      () => ({ ...contractBody('x'), cardToken: '4242 4242 4242 4242' }),
      422,
      'CARD_NUMBER_NOT_ALLOWED',
    ],
    [
      'a weak account password',
      (tk) => contractBody(tk, { account: { password: 'corta' } }),
      422,
      'PASSWORD_TOO_WEAK',
    ],
    ['no account password online', (tk) => contractBody(tk), 400, 'ACCOUNT_PASSWORD_REQUIRED'],
  ];

  for (const [what, body, status, code] of cases) {
    it(what, async () => {
      const token = await tokenize(t);
      const before = await counts();
      // Online without a session: the account's password is there unless the case is about it
      // (every problem is answered at once, so a missing one would be a second problem).
      const payload = body(token) as Record<string, unknown>;
      if (code !== 'ACCOUNT_PASSWORD_REQUIRED' && !payload.account)
        payload.account = { password: 'mi contraseña segura' };
      const res = await contract(payload);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().code).toBe(code);
      expect(await counts()).toEqual(before);
    });
  }

  it('names every field at fault in one answer, each with its sentence', async () => {
    const before = await counts();
    const res = await contract(
      contractBody(await tokenize(t), {
        titular: { fullName: 'María', phone: '55 1234 567', birthDate: '2010-01-01' } as never,
        account: { password: 'corta' },
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(res.json().errors).toEqual([
      { field: 'body/titular/fullName', message: 'Escribe el nombre completo (nombre y apellidos).' },
      { field: 'body/titular/phone', message: 'Escribe un celular de 10 dígitos, por ejemplo 55 1234 5678.' },
      {
        field: 'body/titular/birthDate',
        message: 'Para contratar, el titular debe tener 18 años cumplidos.',
      },
      { field: 'body/account/password', message: 'Usa de 12 a 256 caracteres.' },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('a declined test card is refused at tokenization', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/sandbox/card-tokens',
      payload: { number: '4000000000000002', expMonth: 12, expYear: 2030, cvv: '123' },
    });
    expect(res.statusCode).toBe(402);
    expect(res.json().code).toBe('CARD_DECLINED');
  });

  it('an account email already taken rolls everything back', async () => {
    const user = await createUser(t, 'customer');
    const body = contractBody(await tokenize(t), { account: { password: 'mi contraseña segura' } });
    body.titular.email = user.email;
    const before = await counts();
    const res = await contract(body);
    expect(res.json().code).toBe('EMAIL_TAKEN');
    expect(await counts()).toEqual(before);
  });
});

describe('idempotent contracting', () => {
  it('the same key and body twice → one membership, the same answer', async () => {
    const body = contractBody(await tokenize(t));
    const headers = { ...agent.write, 'idempotency-key': `contract-${Math.random()}` };
    const before = await counts();
    const first = await contract(body, headers);
    const second = await contract(body, headers);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect((await counts())?.memberships).toBe((before?.memberships ?? 0) + 1);
  });

  it('the same key with a different body → 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const headers = { ...agent.write, 'idempotency-key': `contract-${Math.random()}` };
    expect((await contract(contractBody(await tokenize(t)), headers)).statusCode).toBe(201);
    const other = await contract(contractBody(await tokenize(t)), headers);
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('keys are per caller: another caller’s identical key is its own', async () => {
    const key = `shared-${Math.random()}`;
    expect(
      (await contract(contractBody(await tokenize(t)), { ...agent.write, 'idempotency-key': key }))
        .statusCode,
    ).toBe(201);
    const res = await contract(contractBody(await tokenize(t)), {
      ...bearer(partnerKey),
      'idempotency-key': key,
    });
    expect(res.statusCode).toBe(201);
  });
});
