import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.ts';
import { bearer, createApiKey, createUser, type Session, signIn } from '../../../test/support/auth.ts';
import { contractBody, tokenize } from '../../../test/support/factories.ts';
import { rows } from '../../db/client.ts';
import { type ManualClock, mexicoCityTime } from '../../lib/clock.ts';
import { SYSTEM_ACTOR } from '../../platform/principal.ts';

let t: TestApp;
let clock: ManualClock;
let agent: Session;
let supervisor: Session;
let partnerKey: string;

beforeAll(async () => {
  t = await buildTestApp();
  clock = t.clock as ManualClock;
  agent = await signIn(t, await createUser(t, 'agent'));
  supervisor = await signIn(t, await createUser(t, 'supervisor'));
  partnerKey = (await createApiKey(t, 'partner', ['memberships:read', 'memberships:write'])).key;
});
afterAll(async () => t?.close());
beforeEach(() => clock.set('2026-11-25T20:05:00Z')); // 14:05 in Mexico City

const contract = (payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/v1/memberships', payload: payload as object, headers });

/** Contracts online as a new customer and signs them in. */
async function onlineCustomer(password = 'mi contraseña segura') {
  const body = contractBody(await tokenize(t), { account: { password } });
  const res = await contract(body);
  expect(res.statusCode, res.body).toBe(201);
  const session = await signIn(t, { email: body.titular.email, password });
  return { membership: res.json(), session, body };
}

async function counts() {
  const [row] = await rows<Record<string, number>>(
    t.database.handle.db,
    sql`select (select count(*) from memberships) as memberships, (select count(*) from users) as users,
               (select count(*) from consents) as consents, (select count(*) from membership_events) as events,
               (select count(*) from beneficiaries) as beneficiaries,
               (select count(*) from idempotency_keys) as idempotency`,
  );
  return row;
}

describe('contracting, by channel', () => {
  it('online: creates the account, starts two free months with cover at once, records consent', async () => {
    const { membership, session, body } = await onlineCustomer();
    expect(membership).toMatchObject({
      state: 'trial',
      channel: 'online',
      plan: { code: 'libra-plus', version: 1 },
      titular: { email: body.titular.email, phone: '5512345678', hasAccount: true },
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

describe('beneficiaries and coverage', () => {
  it('covers a child the day before the 21st birthday and not on it', async () => {
    const { membership, session } = await onlineCustomer();
    const added = await t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${membership.id}/beneficiaries`,
      headers: session.write,
      payload: { kind: 'child', fullName: 'Diego López Ramírez', birthDate: '2005-11-26' },
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ covered: true, coverage: { coveredUntil: '2026-11-25' } });

    clock.set(mexicoCityTime('2026-11-25T23:59').toISOString());
    const eve = (
      await t.app.inject({ method: 'GET', url: `/v1/memberships/${membership.id}`, headers: session.read })
    ).json();
    expect(eve.people.find((p: { kind: string }) => p.kind === 'child').covered).toBe(true);

    clock.set(mexicoCityTime('2026-11-26T00:00').toISOString());
    const birthday = (
      await t.app.inject({ method: 'GET', url: `/v1/memberships/${membership.id}`, headers: session.read })
    ).json();
    const child = birthday.people.find((p: { kind: string }) => p.kind === 'child');
    expect(child).toMatchObject({ covered: false, coverage: { code: 'CHILD_AGED_OUT' } });
    expect(child.coverage.reason.es).toContain('21');
  });

  it('refuses a child already 21, and writes nothing', async () => {
    const { membership, session } = await onlineCustomer();
    const before = await counts();
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${membership.id}/beneficiaries`,
      headers: session.write,
      payload: { kind: 'child', fullName: 'Ana López Ramírez', birthDate: '2005-11-25' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'BENEFICIARY_NOT_ELIGIBLE',
      reason: { es: expect.stringContaining('21') },
    });
    expect(await counts()).toEqual(before);
  });

  it('allows one spouse at a time; removing one lets another be added', async () => {
    const { membership, session } = await onlineCustomer();
    const add = (fullName: string) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/memberships/${membership.id}/beneficiaries`,
        headers: session.write,
        payload: { kind: 'spouse', fullName },
      });
    const first = await add('Jorge Ramírez Soto');
    expect(first.statusCode).toBe(201);
    const second = await add('Pedro Páramo Gómez');
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('BENEFICIARY_SPOUSE_EXISTS');
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/v1/memberships/${membership.id}/beneficiaries/${first.json().id}`,
      headers: session.write,
    });
    expect(removed.statusCode).toBe(204);
    expect((await add('Pedro Páramo Gómez')).statusCode).toBe(201);
    const all = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${membership.id}/beneficiaries?includeRemoved=true`,
      headers: session.read,
    });
    expect(all.json().data.map((b: { covered: boolean }) => b.covered)).toEqual([false, true]);
  });

  it('needs the card’s last 4 for an additional cardholder', async () => {
    const { membership, session } = await onlineCustomer();
    const url = `/v1/memberships/${membership.id}/beneficiaries`;
    const missing = await t.app.inject({
      method: 'POST',
      url,
      headers: session.write,
      payload: { kind: 'additional_cardholder', fullName: 'Lucía López Ruiz' },
    });
    expect(missing.json().code).toBe('BENEFICIARY_DETAILS_MISSING');
    const ok = await t.app.inject({
      method: 'POST',
      url,
      headers: session.write,
      payload: { kind: 'additional_cardholder', fullName: 'Lucía López Ruiz', cardLast4: '1881' },
    });
    expect(ok.json()).toMatchObject({ kind: 'additional_cardholder', cardLast4: '1881', covered: true });
  });
});

describe('a customer reaches only their own membership', () => {
  it('someone else’s membership and beneficiaries answer 404, reads and writes alike', async () => {
    const mine = await onlineCustomer();
    const theirs = await onlineCustomer();
    const id = theirs.membership.id;
    const attempts = [
      t.app.inject({ method: 'GET', url: `/v1/memberships/${id}`, headers: mine.session.read }),
      t.app.inject({ method: 'GET', url: `/v1/memberships/${id}/beneficiaries`, headers: mine.session.read }),
      t.app.inject({ method: 'GET', url: `/v1/memberships/${id}/events`, headers: mine.session.read }),
      t.app.inject({
        method: 'POST',
        url: `/v1/memberships/${id}/beneficiaries`,
        headers: mine.session.write,
        payload: { kind: 'spouse', fullName: 'Intruso Pérez López' },
      }),
      t.app.inject({
        method: 'PUT',
        url: `/v1/memberships/${id}/card`,
        headers: mine.session.write,
        payload: { cardToken: await tokenize(t) },
      }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('MEMBERSHIP_NOT_FOUND');
    }
    const unchanged = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${id}`,
      headers: theirs.session.read,
    });
    expect(unchanged.json().people).toHaveLength(1);
    expect(unchanged.json().card.last4).toBe('4242');
    // The customer cannot search members at all.
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/memberships?q=lopez', headers: mine.session.read }))
        .statusCode,
    ).toBe(403);
  });
});

describe('card on file', () => {
  it('is replaced by a new token; only its summary is kept', async () => {
    const { membership, session } = await onlineCustomer();
    const res = await t.app.inject({
      method: 'PUT',
      url: `/v1/memberships/${membership.id}/card`,
      headers: session.write,
      payload: { cardToken: await tokenize(t, '5555555555554444') },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().card).toMatchObject({ brand: 'mastercard', last4: '4444' });
    const events = (
      await t.app.inject({
        method: 'GET',
        url: `/v1/memberships/${membership.id}/events`,
        headers: session.read,
      })
    ).json().data;
    expect(events.map((e: { type: string }) => e.type)).toEqual(['contracted', 'card_replaced']);
    const stored = await rows<Record<string, unknown>>(
      t.database.handle.db,
      sql`select * from memberships where id = ${membership.id}`,
    );
    expect(JSON.stringify(stored)).not.toMatch(/5555555555554444|4242424242424242/);
  });
});

describe('lifecycle', () => {
  it('moves along trial → active → past_due → suspended → active → cancelled, each an event with its reason', async () => {
    const { membership, session } = await onlineCustomer();
    const steps = [
      ['active', 'Primer cobro exitoso'],
      ['past_due', 'Cobro rechazado: fondos insuficientes'],
      ['suspended', 'Reintentos agotados'],
      ['active', 'Pago recibido'],
      ['cancelled', 'Cancelación solicitada por el cliente'],
    ] as const;
    for (const [to, reason] of steps) {
      await t.database.handle.db.transaction((tx) =>
        t.services.members.changeState(tx, SYSTEM_ACTOR, membership.id, to, reason),
      );
    }
    const events = (
      await t.app.inject({
        method: 'GET',
        url: `/v1/memberships/${membership.id}/events`,
        headers: session.read,
      })
    ).json().data;
    expect(
      events
        .filter((e: { type: string }) => e.type === 'state_changed')
        .map((e: { fromState: string; toState: string; reason: string }) => [
          e.fromState,
          e.toState,
          e.reason,
        ]),
    ).toEqual([
      ['trial', 'active', 'Primer cobro exitoso'],
      ['active', 'past_due', 'Cobro rechazado: fondos insuficientes'],
      ['past_due', 'suspended', 'Reintentos agotados'],
      ['suspended', 'active', 'Pago recibido'],
      ['active', 'cancelled', 'Cancelación solicitada por el cliente'],
    ]);
    const view = (
      await t.app.inject({ method: 'GET', url: `/v1/memberships/${membership.id}`, headers: session.read })
    ).json();
    expect(view).toMatchObject({
      state: 'cancelled',
      nextChargeOn: null,
      cancelledAt: '2026-11-25T20:05:00.000Z',
    });
  });

  it('refuses transitions the lifecycle does not allow, and changes to a cancelled membership', async () => {
    const { membership, session } = await onlineCustomer();
    const change = (to: 'active' | 'suspended' | 'cancelled') =>
      t.database.handle.db.transaction((tx) =>
        t.services.members.changeState(tx, SYSTEM_ACTOR, membership.id, to, 'prueba'),
      );
    await expect(change('suspended')).rejects.toMatchObject({ code: 'MEMBERSHIP_TRANSITION_NOT_ALLOWED' });
    await change('cancelled');
    await expect(change('active')).rejects.toMatchObject({ code: 'MEMBERSHIP_TRANSITION_NOT_ALLOWED' });
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${membership.id}/beneficiaries`,
      headers: session.write,
      payload: { kind: 'spouse', fullName: 'Jorge Ramírez Soto' },
    });
    expect(res.json().code).toBe('MEMBERSHIP_CANCELLED');
  });

  it('keeps the history append-only', async () => {
    const { membership } = await onlineCustomer();
    const error = await t.database.handle.db
      .execute(sql`delete from membership_events where membership_id = ${membership.id}`)
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(String((error?.cause as Error | undefined)?.message)).toMatch(/append-only/);
  });
});

describe('member search (staff)', () => {
  let found: { membership: { id: string; number: string }; body: ReturnType<typeof contractBody> };
  beforeAll(async () => {
    const body = contractBody(await tokenize(t, '5555555555554444'), {
      titular: { fullName: 'Ramón Ñúñez Olvera', phone: '33 9876 5432' } as never,
    });
    const res = await contract(body, agent.write);
    found = { membership: res.json(), body };
    await t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${res.json().id}/beneficiaries`,
      headers: agent.write,
      payload: { kind: 'spouse', fullName: 'Guadalupe Xóchitl Beltrán' },
    });
  });

  const search = (q: string, headers = agent.read) =>
    t.app.inject({ method: 'GET', url: `/v1/memberships?q=${encodeURIComponent(q)}`, headers });

  it.each([
    ['a name without accents, in any case', 'ramon nunez'],
    ['part of a name', 'Olver'],
    ['the phone as typed', '33 9876 5432'],
    ['the phone with +52', '+52 3398765432'],
    ['the card’s last 4', '4444'],
    ['the spouse’s name', 'xochitl beltran'],
  ])('finds by %s', async (_what, q) => {
    const res = await search(q);
    expect(res.statusCode).toBe(200);
    expect(res.json().data.map((m: { id: string }) => m.id)).toContain(found.membership.id);
  });

  it('finds by email and by membership number, typed loosely', async () => {
    expect((await search(found.body.titular.email.toUpperCase())).json().data[0].id).toBe(
      found.membership.id,
    );
    const loose = found.membership.number.toLowerCase().replace(/-/g, ' ');
    expect((await search(loose)).json().data.map((m: { id: string }) => m.id)).toEqual([found.membership.id]);
  });

  it('is audited with the query', async () => {
    await search('ramon', { ...supervisor.read, 'x-request-id': 'search-audit-1' });
    const audit = (
      await t.app.inject({
        method: 'GET',
        url: '/v1/audit?requestId=search-audit-1',
        headers: supervisor.read,
      })
    ).json().data;
    expect(audit).toEqual([
      expect.objectContaining({ action: 'membership.search', details: { query: 'ramon', results: 1 } }),
    ]);
  });

  it('audits staff reads of a membership', async () => {
    await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${found.membership.id}`,
      headers: { ...agent.read, 'x-request-id': 'read-audit-1' },
    });
    const audit = (
      await t.app.inject({ method: 'GET', url: '/v1/audit?requestId=read-audit-1', headers: supervisor.read })
    ).json().data;
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'membership.read',
        recordId: found.membership.id,
        actorRole: 'agent',
      }),
    ]);
  });

  it('can answer a substring search from the trigram index', async () => {
    // With few rows the planner prefers a scan; forbidding scans shows the index can serve the query.
    const plan = await t.database.handle.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return rows<{ 'QUERY PLAN': string }>(
        tx,
        sql`explain select id from memberships where search_text like '%nunez%'`,
      );
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('memberships_search_trgm_idx');
  });
});
