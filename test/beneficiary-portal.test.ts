import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { registerProvider } from './support/dispatch.ts';
import { buildCase, buildCharge, buildMembership, towRequest } from './support/factories.ts';
import { mailboxOf, startSmtpServer, type TestSmtpServer } from './support/smtp.ts';

/**
 * A beneficiary's own portal, through the API (issue 23): what they may use (GET /v1/me/coverage),
 * complaints about their own cases answered to their own email over a real SMTP peer, and what
 * they never reach — the titular's charges, receipts, invoices, card, membership, cancellation,
 * other people's cases — and revocation taking effect on their very next request.
 */
let t: TestApp;
let smtp: TestSmtpServer;
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
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const newEmail = (who = 'beneficiario') =>
  `${who}-${++serial}-${Math.random().toString(36).slice(2, 7)}@test.libra.mx`;

interface Family {
  membershipId: string;
  spouseId: string;
  childId: string;
  /** The titular's own session when the membership was contracted online; null by phone. */
  titular: Session | null;
  spouse: Session;
  spouseEmail: string;
}

/**
 * A family whose adult spouse accepted an invitation and signed in: online (the titular has an
 * account) or by phone (charged at once, no titular account; the invitation sent as the system).
 */
async function family(channel: 'online' | 'phone'): Promise<Family> {
  let titular: Session | null = null;
  let membershipId: string;
  if (channel === 'online') {
    titular = await signIn(t, await createUser(t, 'customer'));
    membershipId = (await buildMembership(t, { by: titular.write })).id;
  } else {
    membershipId = (await buildMembership(t)).id;
  }
  const add = async (person: { kind: 'spouse' | 'child'; fullName: string; birthDate: string }) =>
    (await t.services.beneficiaries.addBeneficiary(SYSTEM_ACTOR, membershipId, person)).id;
  const spouseId = await add({ kind: 'spouse', fullName: 'Jorge Ramírez Soto', birthDate: '1984-07-20' });
  const childId = await add({ kind: 'child', fullName: 'Sofía Ramírez López', birthDate: '2015-05-01' });
  const spouseEmail = newEmail();
  const sent = await t.services.invitations.invite(SYSTEM_ACTOR, membershipId, spouseId, {
    email: spouseEmail,
  });
  const [message] = await rows<{ body: string }>(
    t.database.handle.db,
    sql`select body_es as body from notifications where subject_key = ${`beneficiary-invitation:${spouseId}:${sent.id}`}`,
  );
  const token = /\/invitacion\/([A-Za-z0-9_-]+)/.exec(message?.body ?? '')?.[1];
  const accepted = await t.app.inject({
    method: 'POST',
    url: `/v1/beneficiary-invitations/${token}/accept`,
    payload: { email: spouseEmail, password: PASSWORD },
  });
  expect(accepted.statusCode, accepted.body).toBe(200);
  const spouse = await signIn(t, { email: spouseEmail, password: PASSWORD });
  return { membershipId, spouseId, childId, titular, spouse, spouseEmail };
}

const get = (url: string, session: Session) => t.app.inject({ method: 'GET', url, headers: session.read });
const post = (url: string, session: Session, payload: unknown) =>
  t.app.inject({ method: 'POST', url, headers: session.write, payload: payload as never });

/** A use of a specialty reserved for the titular, as a dispatched consultation would. */
async function titularUsed(membershipId: string, specialty: string) {
  await t.database.handle.db.transaction((tx) =>
    t.services.entitlements.reserve(tx, SYSTEM_ACTOR, {
      membershipId,
      personId: 'titular',
      serviceCode: 'specialist-consultation',
      request: { specialty },
    }),
  );
}

describe('GET /v1/me/coverage', () => {
  it('tells the beneficiary what they may use, in counts, naming no specialty someone else used', async () => {
    const f = await family('online');
    await titularUsed(f.membershipId, 'Psiquiatría');
    const res = await get('/v1/me/coverage', f.spouse);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.membership).toMatchObject({ id: f.membershipId, plan: { code: 'libra-plus' } });
    expect(body.membership.number).toMatch(/^LM-/);
    expect(body.person).toMatchObject({
      id: f.spouseId,
      kind: 'spouse',
      fullName: 'Jorge Ramírez Soto',
      covered: true,
    });
    // Nothing of the titular's: no card, contact, charges or other people.
    for (const key of ['card', 'titular', 'people', 'nextChargeOn', 'state'])
      expect(body.membership).not.toHaveProperty(key);
    expect(res.body).not.toContain('Sofía');
    expect(res.body).not.toMatch(/psiquiatr/i);

    const byCode = new Map(body.services.map((s: { serviceCode: string }) => [s.serviceCode, s]));
    expect(byCode.get('tow-truck')).toMatchObject({ available: true, decision: { allowed: true } });
    // The specialty is asked in the request: available, though the bare decision cannot say yes yet.
    const specialist = byCode.get('specialist-consultation') as Record<string, never>;
    expect(specialist).toMatchObject({ available: true, decision: { allowed: false } });
    expect(specialist.decision).toMatchObject({
      usage: { limit: { used: 1, remaining: 3, perKey: { used: {} } } },
    });

    // The same question asked through eligibility checks: counted, not named.
    const check = await post('/v1/eligibility/checks', f.spouse, {
      membershipId: f.membershipId,
      personId: f.spouseId,
      serviceCode: 'specialist-consultation',
      specialty: 'Pediatría',
    });
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json().allowed).toBe(true);
    expect(check.body).not.toMatch(/psiquiatr/i);
    // The titular asking about the same person hears which specialties were used.
    const asTitular = await post('/v1/eligibility/checks', f.titular as Session, {
      membershipId: f.membershipId,
      personId: f.spouseId,
      serviceCode: 'specialist-consultation',
      specialty: 'Pediatría',
    });
    expect(asTitular.body).toMatch(/psiquiatria/);
  });

  it('is for beneficiaries’ own accounts: a titular’s answers 404', async () => {
    const f = await family('online');
    const res = await get('/v1/me/coverage', f.titular as Session);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_A_BENEFICIARY_ACCOUNT');
  });

  it('a person removed from the membership is told their access ended (403)', async () => {
    const f = await family('online');
    await t.services.beneficiaries.removeBeneficiary(SYSTEM_ACTOR, f.membershipId, f.spouseId);
    const res = await get('/v1/me/coverage', f.spouse);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('BENEFICIARY_ACCESS_REVOKED');
  });
});

describe('revoking a beneficiary’s access', () => {
  it('ends their sessions at once (401); signed in again they are told it ended (403) and reach nothing', async () => {
    const f = await family('online');
    const opened = await post('/v1/cases', f.spouse, towRequest(f.membershipId, { personId: f.spouseId }));
    expect(opened.statusCode, opened.body).toBe(201);
    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/v1/memberships/${f.membershipId}/beneficiaries/${f.spouseId}/access`,
      headers: (f.titular as Session).write,
    });
    expect(revoked.statusCode, revoked.body).toBe(204);

    for (const url of ['/v1/me/coverage', `/v1/cases/${opened.json().id}`, '/v1/cases', '/v1/complaints'])
      expect((await get(url, f.spouse)).statusCode, url).toBe(401);

    const again = await signIn(t, { email: f.spouseEmail, password: PASSWORD });
    const coverage = await get('/v1/me/coverage', again);
    expect(coverage.statusCode).toBe(403);
    expect(coverage.json().code).toBe('BENEFICIARY_ACCESS_REVOKED');
    expect((await get(`/v1/cases/${opened.json().id}`, again)).statusCode).toBe(404);
    expect((await get('/v1/cases', again)).json().data).toEqual([]);
    const noMore = await post('/v1/cases', again, towRequest(f.membershipId, { personId: f.spouseId }));
    expect(noMore.statusCode).toBe(404);
  });
});

describe('what a beneficiary never reaches', () => {
  it('the titular’s charges, receipts, invoices, card, membership, cancellation, usage; other people’s cases', async () => {
    const f = await family('phone');
    const { charge } = await buildCharge(t, { membershipId: f.membershipId });
    const childCase = await buildCase(t, { membershipId: f.membershipId, request: { personId: f.childId } });
    const titularCase = await buildCase(t, { membershipId: f.membershipId });
    const m = f.membershipId;
    const refused: [string, 'GET' | 'POST' | 'PUT', string, unknown?][] = [
      ['a charge', 'GET', `/v1/charges/${charge.id}`],
      ['the charges', 'GET', `/v1/memberships/${m}/charges`],
      ['the charge’s invoice', 'POST', `/v1/charges/${charge.id}/invoice`, {}],
      ['the membership and its card', 'GET', `/v1/memberships/${m}`],
      ['the usage of the whole membership', 'GET', `/v1/memberships/${m}/usage`],
      ['the cancellation preview', 'GET', `/v1/memberships/${m}/cancellation`],
      ['cancelling', 'POST', `/v1/memberships/${m}/cancellation`, { reason: 'ya no' }],
      ['the child’s case', 'GET', `/v1/cases/${childCase.id}`],
      ['the titular’s case', 'GET', `/v1/cases/${titularCase.id}`],
      ['following the titular’s case', 'GET', `/v1/cases/${titularCase.id}/events`],
      ['rating the titular’s case', 'POST', `/v1/cases/${titularCase.id}/rating`, { score: 1 }],
      ['help for the child', 'POST', '/v1/cases', towRequest(m, { personId: f.childId })],
      [
        'the child’s eligibility',
        'POST',
        '/v1/eligibility/checks',
        { membershipId: m, personId: f.childId, serviceCode: 'tow-truck' },
      ],
    ];
    for (const [what, method, url, payload] of refused) {
      const res = await t.app.inject({
        method,
        url,
        headers: method === 'GET' ? f.spouse.read : f.spouse.write,
        ...(payload ? { payload: payload as never } : {}),
      });
      expect([403, 404], `${what}: ${res.statusCode} ${res.body}`).toContain(res.statusCode);
    }
    // ARCO requests are the titular's, on their membership: the beneficiary has none in their name.
    const arco = await post('/v1/arco-requests', f.spouse, {
      type: 'access',
      details: 'Quiero saber qué datos tienen de mí.',
    });
    expect(arco.json().code).toBe('ARCO_NO_MEMBERSHIP');
    // Their lists hold only their own: no case, no complaint of anyone else's.
    expect((await get('/v1/cases', f.spouse)).json().data).toEqual([]);
    expect((await get('/v1/complaints', f.spouse)).json().data).toEqual([]);
  });

  it('rates a completed case of theirs', async () => {
    const f = await family('phone');
    const providerId = await registerProvider(t, { capacity: 10 });
    const opened = await post('/v1/cases', f.spouse, towRequest(f.membershipId, { personId: f.spouseId }));
    expect(opened.statusCode, opened.body).toBe(201);
    const caseId = opened.json().id;
    await t.services.onsite.assignByHand(SYSTEM_ACTOR, caseId, {
      providerId,
      reason: 'prueba',
      quoteCentavos: 50_000,
    });
    for (const status of ['en_route', 'on_site', 'completed'] as const)
      await t.services.providerJobs.reportStatus(SYSTEM_ACTOR, caseId, { status });
    const rated = await post(`/v1/cases/${caseId}/rating`, f.spouse, { score: 5, comment: 'Muy amables' });
    expect(rated.statusCode, rated.body).toBe(201);
    expect(rated.json().rating).toMatchObject({ score: 5 });
  });
});

describe('a beneficiary’s complaints', () => {
  it('are about a case of theirs, answered to their own email, and only theirs are listed', async () => {
    const f = await family('online');
    const titular = f.titular as Session;
    const own = await post('/v1/cases', f.spouse, towRequest(f.membershipId, { personId: f.spouseId }));
    const titularCase = await buildCase(t, { membershipId: f.membershipId, by: titular.write });
    const titularComplaint = await post('/v1/complaints', titular, {
      membershipId: f.membershipId,
      category: 'charge',
      text: 'Me cobraron dos veces este mes, por favor revisen.',
    });
    expect(titularComplaint.statusCode, titularComplaint.body).toBe(201);

    const body = (extra: Record<string, unknown>) => ({
      membershipId: f.membershipId,
      category: 'service_quality',
      text: 'La grúa llegó una hora tarde y sin avisar.',
      ...extra,
    });
    const noCase = await post('/v1/complaints', f.spouse, body({}));
    expect(noCase.statusCode).toBe(422);
    expect(noCase.json().code).toBe('COMPLAINT_CASE_REQUIRED');
    const othersCase = await post('/v1/complaints', f.spouse, body({ caseId: titularCase.id }));
    expect(othersCase.statusCode).toBe(404);
    expect(othersCase.json().code).toBe('CASE_NOT_FOUND');
    const otherMembership = await post(
      '/v1/complaints',
      f.spouse,
      body({ membershipId: (await buildMembership(t)).id, caseId: own.json().id }),
    );
    expect(otherMembership.statusCode).toBe(404);

    const filed = await post('/v1/complaints', f.spouse, body({ caseId: own.json().id }));
    expect(filed.statusCode, filed.body).toBe(201);
    expect(filed.json()).toMatchObject({ caseNumber: own.json().number, channel: 'online', status: 'open' });
    const complaintId = filed.json().id;

    const mine = await get('/v1/complaints', f.spouse);
    expect(mine.json().data.map((c: { id: string }) => c.id)).toEqual([complaintId]);
    expect((await get(`/v1/complaints/${complaintId}`, f.spouse)).statusCode).toBe(200);
    expect((await get(`/v1/complaints/${titularComplaint.json().id}`, f.spouse)).statusCode).toBe(404);

    // Staff resolve it: the answer goes to the beneficiary's email, not the titular's.
    const agent = await signIn(t, await createUser(t, 'agent'));
    expect((await post(`/v1/complaints/${complaintId}/take`, agent, {})).statusCode).toBe(200);
    const resolved = await post(`/v1/complaints/${complaintId}/resolve`, agent, {
      resolution: 'Hablamos con la empresa de grúas y te bonificamos el servicio.',
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    await t.services.outbox.drain();
    const subjects = (await mailboxOf(smtp, f.spouseEmail)).map((m) => m.subject);
    expect(subjects).toEqual(expect.arrayContaining(['Recibimos tu queja', 'Resolución de tu queja']));
    const [titularEmail] = await rows<{ email: string }>(
      t.database.handle.db,
      sql`select titular_email as email from memberships where id = ${f.membershipId}`,
    );
    const toTitular = await mailboxOf(smtp, titularEmail?.email ?? '');
    expect(toTitular.map((m) => m.text).join('\n')).not.toContain(filed.json().number);
  });
});
