import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, sessionsAt, type TestUser } from './support/auth.ts';
import { createProviderUser, registerProvider, towRequest } from './support/dispatch.ts';
import { buildMembership } from './support/factories.ts';
import { TEST_CARD } from './support/payments.ts';

/**
 * GET /v1/reports/operations against data built here through the API, with the clock moved
 * between steps so that every figure is known in advance.
 *
 * Timeline (UTC; Mexico City is UTC−6), targets: tow 10 min to dispatch, 30 to arrive.
 *   20:05  memberships A (approves), B (always declined), C (times out) contracted by phone
 *   20:10  billing run: A succeeded, B failed, C unknown
 *   20:10  tow 1 (A)   dispatched 20:15 (in time), on site 20:35 (in time), completed
 *   21:00  tow 2 (A)   dispatched 21:15 (late),    on site 21:45 (late),    completed
 *   21:05  plumbing (A), cancelled at 21:06 before any target
 *   21:20  tow 3 (C)   nobody accepts: at 22:00 it is past both targets
 *   21:25  tow for B (past due): refused — not a case worked
 *   21:30  complaints on A: one open, one taken, one escalated, one resolved
 *   22:00  the report
 */
let t: TestApp;
let clock: ManualClock;
let agentUser: TestUser;
let supervisorUser: TestUser;
let financeUser: TestUser;
let providerUser: TestUser;
let sessionOf: ReturnType<typeof sessionsAt>;

const at = (utc: string) => clock.set(`2026-11-25T${utc}:00Z`);

async function call(user: TestUser, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  const session = await sessionOf(user);
  return t.app.inject({
    method,
    url,
    headers: method === 'GET' ? session.read : session.write,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

async function ok(user: TestUser, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  const res = await call(user, method, url, payload);
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return res.json();
}

async function contract(card: string): Promise<string> {
  return (await buildMembership(t, { by: (await sessionOf(agentUser)).write, card })).id;
}

async function accept(user: TestUser, caseId: string) {
  const offers = (await ok(user, 'GET', '/v1/provider/offers')).data as { id: string; caseId: string }[];
  const offer = offers.find((o) => o.caseId === caseId);
  if (!offer) throw new Error(`no offer of ${caseId}`);
  await ok(user, 'POST', `/v1/offers/${offer.id}/accept`, { quoteCentavos: 80_000 });
}

async function report(user: TestUser = supervisorUser, query = '') {
  return call(user, 'GET', `/v1/reports/operations${query}`);
}

let a: string;
let b: string;
let c: string;

beforeAll(async () => {
  // Providers here take their time to answer: offers last an hour.
  t = await buildTestApp({ env: { OFFER_TIMEOUT_SECONDS: '3600' } });
  clock = t.clock as ManualClock;
  sessionOf = sessionsAt(t);
  at('20:05');
  agentUser = await createUser(t, 'agent');
  supervisorUser = await createUser(t, 'supervisor');
  financeUser = await createUser(t, 'finance');
  providerUser = await createProviderUser(t, await registerProvider(t, { capacity: 5 }));
  await registerProvider(t, { services: ['home-plumbing'], kmNorth: 2 });
  a = await contract(TEST_CARD.visaCredit);
  b = await contract(TEST_CARD.alwaysDeclined);
  c = await contract(TEST_CARD.timesOut);

  at('20:10');
  expect((await call(financeUser, 'POST', '/v1/billing/runs', {})).statusCode).toBe(202);
  await t.services.billing.drain();
  await ok(supervisorUser, 'PUT', '/v1/sla-targets/tow-truck', { dispatchMinutes: 10, arrivalMinutes: 30 });
  await ok(supervisorUser, 'PUT', '/v1/sla-targets/home-plumbing', {
    dispatchMinutes: 30,
    arrivalMinutes: 120,
  });

  const tow1 = (await ok(agentUser, 'POST', '/v1/cases', towRequest(a))).id;
  at('20:15');
  await accept(providerUser, tow1);
  at('20:20');
  await ok(providerUser, 'POST', `/v1/cases/${tow1}/status`, { status: 'en_route' });
  at('20:35');
  await ok(providerUser, 'POST', `/v1/cases/${tow1}/status`, { status: 'on_site' });
  at('20:50');
  await ok(providerUser, 'POST', `/v1/cases/${tow1}/status`, {
    status: 'completed',
    finalCostCentavos: 80_000,
  });

  at('21:00');
  const tow2 = (await ok(agentUser, 'POST', '/v1/cases', towRequest(a))).id;
  at('21:05');
  const plumbing = (
    await ok(agentUser, 'POST', '/v1/cases', {
      ...towRequest(a),
      serviceCode: 'home-plumbing',
      description: 'Se rompió una tubería en la cocina.',
      details: {},
    })
  ).id;
  at('21:06');
  await ok(agentUser, 'POST', `/v1/cases/${plumbing}/cancel`, { reason: 'Ya lo resolvió un vecino' });
  at('21:15');
  await accept(providerUser, tow2);
  at('21:16');
  await ok(providerUser, 'POST', `/v1/cases/${tow2}/status`, { status: 'en_route' });
  at('21:20');
  await ok(agentUser, 'POST', '/v1/cases', towRequest(c));
  at('21:25');
  const refused = await call(agentUser, 'POST', '/v1/cases', towRequest(b));
  expect(refused.json().state, refused.body).toBe('refused');

  at('21:30');
  const file = async () =>
    (
      await ok(agentUser, 'POST', '/v1/complaints', {
        membershipId: a,
        category: 'service_quality',
        channel: 'phone',
        text: 'La grúa llegó tarde y nadie avisó.',
      })
    ).id as string;
  await file();
  const taken = await file();
  await ok(agentUser, 'POST', `/v1/complaints/${taken}/take`);
  const escalated = await file();
  await ok(agentUser, 'POST', `/v1/complaints/${escalated}/escalate`, {
    note: 'Pide hablar con supervisión',
  });
  const resolved = await file();
  await ok(agentUser, 'POST', `/v1/complaints/${resolved}/take`);
  await ok(agentUser, 'POST', `/v1/complaints/${resolved}/resolve`, {
    resolution: 'Se habló con el proveedor y se ofreció una disculpa.',
  });
  at('21:45');
  await ok(providerUser, 'POST', `/v1/cases/${tow2}/status`, { status: 'on_site' });
  await ok(providerUser, 'POST', `/v1/cases/${tow2}/status`, {
    status: 'completed',
    finalCostCentavos: 80_000,
  });
  at('22:00');
});
afterAll(async () => t?.close());

describe('GET /v1/reports/operations', () => {
  it('counts cases per Mexico City hour and service over the last 24 hours', async () => {
    const res = await report();
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.from).toBe('2026-11-24T22:00:00.000Z');
    expect(body.to).toBe('2026-11-25T22:00:00.000Z');
    expect(body.casesPerHour.total).toBe(4);
    expect(body.casesPerHour.hours).toHaveLength(24);
    const busy = body.casesPerHour.hours.filter((h: { total: number }) => h.total > 0);
    expect(busy).toEqual([
      { start: '2026-11-25T20:00:00.000Z', total: 1, byService: { 'tow-truck': 1 } },
      { start: '2026-11-25T21:00:00.000Z', total: 3, byService: { 'tow-truck': 2, 'home-plumbing': 1 } },
    ]);
    expect(body.services).toEqual([
      { code: 'home-plumbing', name: { es: 'Plomería', en: 'Plumbing' } },
      { code: 'tow-truck', name: { es: 'Envío de grúa', en: 'Tow truck' } },
    ]);
  });

  it('measures dispatch and arrival against the targets, counting open cases already late', async () => {
    const body = (await report()).json();
    expect(body.sla.dispatched).toEqual({ measured: 3, within: 1, share: 1 / 3 });
    expect(body.sla.arrived).toEqual({ measured: 3, within: 1, share: 1 / 3 });
    expect(body.sla.byService).toEqual([
      {
        serviceCode: 'home-plumbing',
        dispatched: { measured: 0, within: 0, share: null },
        arrived: { measured: 0, within: 0, share: null },
      },
      {
        serviceCode: 'tow-truck',
        dispatched: { measured: 3, within: 1, share: 1 / 3 },
        arrived: { measured: 3, within: 1, share: 1 / 3 },
      },
    ]);
  });

  it('gives the complaint backlog, the charges attempted and the memberships by state', async () => {
    const body = (await report()).json();
    expect(body.complaints).toEqual({ open: 1, inProgress: 1, escalated: 1, overdue: 0 });
    expect(body.charges).toEqual({ attempted: 3, succeeded: 1, failed: 1, unknown: 1, successRate: 1 / 3 });
    expect(body.memberships).toEqual({ total: 3, trial: 0, active: 2, past_due: 1, suspended: 0 });
  });

  it('takes a window: only what happened in it (backlog and memberships are as of now)', async () => {
    const res = await report(supervisorUser, '?from=2026-11-25T20:30:00Z&to=2026-11-25T21:10:00Z');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.casesPerHour.hours.map((h: { start: string; total: number }) => [h.start, h.total])).toEqual([
      ['2026-11-25T20:00:00.000Z', 0],
      ['2026-11-25T21:00:00.000Z', 2],
    ]);
    expect(body.sla.dispatched).toEqual({ measured: 1, within: 0, share: 0 });
    expect(body.charges).toEqual({ attempted: 0, succeeded: 0, failed: 0, unknown: 0, successRate: null });
    expect(body.complaints.open).toBe(1);
  });

  it('counts complaints past their due date as overdue', async () => {
    const before = clock.now();
    clock.advance({ days: 10 });
    try {
      const body = (
        await report(supervisorUser, '?from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z')
      ).json();
      expect(body.complaints).toEqual({ open: 1, inProgress: 1, escalated: 1, overdue: 3 });
    } finally {
      clock.set(before);
    }
  });

  it('is audited as a report read', async () => {
    await report(supervisorUser, '?from=2026-11-25T01:00:00Z&to=2026-11-25T02:00:00Z');
    const audit = (await ok(supervisorUser, 'GET', '/v1/audit?action=report.read')).data as {
      action: string;
      details: Record<string, unknown>;
    }[];
    expect(audit.map((e) => e.details)).toContainEqual({
      report: 'operations',
      from: '2026-11-25T01:00:00.000Z',
      to: '2026-11-25T02:00:00.000Z',
    });
  });

  it('refuses a window that is not one, with the field', async () => {
    for (const query of [
      '?from=2026-11-25T10:00:00Z&to=2026-11-25T09:00:00Z',
      '?from=2026-10-01T00:00:00Z&to=2026-11-25T00:00:00Z',
    ]) {
      const res = await report(supervisorUser, query);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({
        code: 'REPORT_WINDOW_INVALID',
        errors: [{ field: 'querystring/from' }],
      });
    }
    const garbage = await report(supervisorUser, '?from=ayer');
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'querystring/from' }],
    });
  });

  it('is for supervisors and admins only', async () => {
    expect((await report(await createUser(t, 'admin'))).statusCode).toBe(200);
    expect((await report(agentUser)).statusCode).toBe(403);
    expect((await report(financeUser)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/v1/reports/operations' })).statusCode).toBe(401);
  });
});
