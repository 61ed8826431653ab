import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { signedInProvider } from './support/dispatch.ts';
import { buildCase, buildMembership } from './support/factories.ts';
import { http } from './support/http.ts';

/**
 * After a case: the unit the provider sends (seen by the customer only while it comes, with the
 * driver's first name and initial), the customer's one rating of a completed case, and the
 * supervisor's averages per provider.
 */
let t: TestApp;
let agent: Session;
let supervisor: Session;
let customer: Session;
let stranger: Session;
let provider: { id: string; session: Session };
let membershipId: string;
const { post, put, get } = http(() => t);
const PASSWORD = 'una contraseña larga 2026';
const UNIT = { driverName: 'Juan Pérez Soto', vehicle: 'Grúa plataforma blanca', plates: 'nla-12-34' };

async function customerOf() {
  const m = await buildMembership(t, { account: { password: PASSWORD } });
  return { id: m.id, session: await signIn(t, { email: m.body.titular.email, password: PASSWORD }) };
}

beforeAll(async () => {
  t = await buildTestApp();
  agent = await signIn(t, await createUser(t, 'agent'));
  supervisor = await signIn(t, await createUser(t, 'supervisor'));
  provider = await signedInProvider(t, { kmNorth: 1, name: 'Grúas Reforma', capacity: 20 });
  const mine = await customerOf();
  membershipId = mine.id;
  customer = mine.session;
  stranger = (await customerOf()).session;
});
afterAll(async () => t?.close());

/** A tow of the customer's membership, accepted by the provider. */
async function acceptedTow(): Promise<string> {
  const caseId = (await buildCase(t, { membershipId, by: agent.write })).id;
  const offers = (await get('/v1/provider/offers', provider.session.read)).json().data as {
    id: string;
    caseId: string;
  }[];
  const offer = offers.find((o) => o.caseId === caseId);
  const accepted = await post(`/v1/offers/${offer?.id}/accept`, provider.session.write, {
    quoteCentavos: 80_000,
  });
  expect(accepted.statusCode, accepted.body).toBe(200);
  return caseId;
}

async function completedTow(): Promise<string> {
  const caseId = await acceptedTow();
  for (const status of ['en_route', 'on_site', 'completed'])
    expect((await post(`/v1/cases/${caseId}/status`, provider.session.write, { status })).statusCode).toBe(
      200,
    );
  return caseId;
}

describe('the unit on its way', () => {
  it('is set by the provider and shown to the customer, driver shortened, only until completion', async () => {
    const caseId = await acceptedTow();
    expect((await get(`/v1/cases/${caseId}`, customer.read)).json().unit).toBeNull();

    const set = await put(`/v1/cases/${caseId}/unit`, provider.session.write, UNIT);
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().unit).toEqual({ ...UNIT, plates: 'NLA-12-34' });

    const seen = await get(`/v1/cases/${caseId}`, customer.read);
    expect(seen.json().unit).toEqual({ driverName: 'Juan P.', vehicle: UNIT.vehicle, plates: 'NLA-12-34' });
    expect(seen.body).not.toContain('Pérez');
    expect((await get(`/v1/cases/${caseId}`, agent.read)).json().unit.driverName).toBe('Juan Pérez Soto');

    for (const status of ['en_route', 'on_site', 'completed'])
      await post(`/v1/cases/${caseId}/status`, provider.session.write, { status });
    expect((await get(`/v1/cases/${caseId}`, customer.read)).json().unit).toBeNull();
    expect((await get(`/v1/cases/${caseId}`, agent.read)).json().unit.plates).toBe('NLA-12-34');
    const late = await put(`/v1/cases/${caseId}/unit`, provider.session.write, UNIT);
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('CASE_UNIT_NOT_OPEN');
  });

  it('is refused to another provider, to the customer, and with bad plates', async () => {
    const caseId = await acceptedTow();
    const other = await signedInProvider(t, { kmNorth: 30 });
    const foreign = await put(`/v1/cases/${caseId}/unit`, other.session.write, UNIT);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('CASE_NOT_ASSIGNED_TO_YOU');
    expect((await put(`/v1/cases/${caseId}/unit`, customer.write, UNIT)).statusCode).toBe(403);
    for (const body of [
      { ...UNIT, plates: '<script>' },
      { ...UNIT, driverName: 'J' },
      { driverName: 'Juan Pérez', vehicle: 'Grúa' },
    ]) {
      const res = await put(`/v1/cases/${caseId}/unit`, provider.session.write, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('rating a case', () => {
  it('the case’s member rates it once, when completed; the comment is kept', async () => {
    const open = await acceptedTow();
    const early = await post(`/v1/cases/${open}/rating`, customer.write, { score: 5 });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('CASE_NOT_RATEABLE');

    const caseId = await completedTow();
    const rated = await post(`/v1/cases/${caseId}/rating`, customer.write, {
      score: 2,
      comment: '  Llegó tarde y sin avisar.  ',
    });
    expect(rated.statusCode, rated.body).toBe(201);
    expect(rated.json().rating).toMatchObject({ score: 2, comment: 'Llegó tarde y sin avisar.' });
    expect(rated.json().timeline.at(-1)).toMatchObject({ type: 'rated', data: { score: 2 } });

    const again = await post(`/v1/cases/${caseId}/rating`, customer.write, { score: 5 });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('CASE_ALREADY_RATED');
    expect((await get(`/v1/cases/${caseId}`, customer.read)).json().rating.score).toBe(2);
  });

  it('no one else rates it: another customer does not find it, staff and providers are refused', async () => {
    const caseId = await completedTow();
    const foreign = await post(`/v1/cases/${caseId}/rating`, stranger.write, { score: 1 });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('CASE_NOT_FOUND');
    expect((await post(`/v1/cases/${caseId}/rating`, agent.write, { score: 5 })).statusCode).toBe(403);
    expect((await post(`/v1/cases/${caseId}/rating`, provider.session.write, { score: 5 })).statusCode).toBe(
      403,
    );
    expect((await get(`/v1/cases/${caseId}`, customer.read)).json().rating).toBeNull();
  });

  it('refuses a score outside 1–5, a fraction, a long comment or an extra field (400)', async () => {
    const caseId = await completedTow();
    for (const body of [
      { score: 0 },
      { score: 6 },
      { score: 4.5 },
      { score: '5' },
      {},
      { score: 4, comment: 'x'.repeat(1001) },
      { score: 4, providerId: 'x' },
    ]) {
      const res = await post(`/v1/cases/${caseId}/rating`, customer.write, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    expect((await get(`/v1/cases/${caseId}`, customer.read)).json().rating).toBeNull();
  });
});

describe('the supervisor’s dashboard', () => {
  it('shows each provider’s average and count, and the low ratings with their comments', async () => {
    // The test clock stands still: the window ends a minute after it, so what was rated now is in.
    const to = new Date(t.clock.now().getTime() + 60_000).toISOString();
    const url = `/v1/reports/operations?to=${encodeURIComponent(to)}`;
    const report = await get(url, supervisor.read);
    expect(report.statusCode, report.body).toBe(200);
    const { ratings } = report.json();
    // Rated above: one 2 with a comment. Add a 5 and a 4: the average is 11 / 3.
    for (const score of [5, 4]) {
      const caseId = await completedTow();
      expect((await post(`/v1/cases/${caseId}/rating`, customer.write, { score })).statusCode).toBe(201);
    }
    expect(ratings.count).toBe(1);
    const after = (await get(url, supervisor.read)).json().ratings;
    expect(after.count).toBe(3);
    expect(after.byProvider).toEqual([
      { providerId: provider.id, name: 'Grúas Reforma', count: 3, average: 3.67 },
    ]);
    expect(after.low).toHaveLength(1);
    expect(after.low[0]).toMatchObject({
      providerName: 'Grúas Reforma',
      score: 2,
      comment: 'Llegó tarde y sin avisar.',
      caseNumber: expect.stringMatching(/^LP-/),
    });
  });
});
