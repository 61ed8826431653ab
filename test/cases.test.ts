import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { bearer, createApiKey, createUser, type Session, signIn, type TestUser } from './support/auth.ts';
import {
  contractByPhone,
  createProviderUser,
  registerProvider,
  signedInProvider,
  towRequest,
  ZOCALO,
} from './support/dispatch.ts';
import { buildCase } from './support/factories.ts';
import { http } from './support/http.ts';

/**
 * The whole dispatch path through the API: request → eligibility → offer → decline → next
 * provider → accept → en route → on site → completed, with the ledger; cancellation; the tow's
 * excess; refusals; and the bad inputs.
 */
let t: TestApp;
let agentUser: TestUser;
let agent: Session;
let near: { id: string; session: Session };
let middle: { id: string; session: Session };
let far: { id: string; session: Session };
let membershipId: string;
const { post } = http(() => t);

async function getCase(id: string) {
  const res = await t.app.inject({ method: 'GET', url: `/v1/cases/${id}`, headers: agent.read });
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function pendingOfferOf(session: Session) {
  const res = await t.app.inject({ method: 'GET', url: '/v1/provider/offers', headers: session.read });
  expect(res.statusCode).toBe(200);
  return res.json().data as { id: string; caseId: string; etaMinutes: number; distanceKm: number }[];
}

/** The provider's pending offer of this case. */
async function offerOf(session: Session, caseId: string) {
  const offer = (await pendingOfferOf(session)).find((o) => o.caseId === caseId);
  if (!offer) throw new Error(`no pending offer of case ${caseId}`);
  return offer;
}

async function ledgerOf(caseId: string) {
  const rows = await t.services.entitlements['repository'].ofMembership(t.database.handle.db, membershipId);
  return rows.filter((r: { caseId: string | null }) => r.caseId === caseId);
}

beforeAll(async () => {
  t = await buildTestApp();
  agentUser = await createUser(t, 'agent');
  agent = await signIn(t, agentUser);
  // Nearest first: 1 km, 3 km and 6 km north of the Zócalo.
  near = await signedInProvider(t, { kmNorth: 1 });
  middle = await signedInProvider(t, { kmNorth: 3 });
  far = await signedInProvider(t, { kmNorth: 6 });
  membershipId = await contractByPhone(t, agent.write);
});

afterAll(async () => {
  await t?.close();
});

describe('a tow from request to completion', () => {
  it('offers, declines, goes to the next nearest, and completes with the use confirmed', async () => {
    const opened = await post('/v1/cases', agent.write, towRequest(membershipId));
    expect(opened.statusCode).toBe(201);
    const kase = opened.json();
    expect(kase.number).toMatch(/^LP-26-\d{6}$/);
    expect(kase).toMatchObject({ state: 'requested', channel: 'phone', serviceCode: 'tow-truck' });
    expect(kase.decision.allowed).toBe(true);
    expect(kase.offers).toHaveLength(1);
    expect(kase.offers[0]).toMatchObject({ providerId: near.id, status: 'pending', attempt: 1 });

    // The nearest sees the offer and declines it.
    const offer = await offerOf(near.session, kase.id);
    expect(offer.caseId).toBe(kase.id);
    expect(offer.distanceKm).toBeCloseTo(1, 0);
    const declined = await post(`/v1/offers/${offer.id}/decline`, near.session.write, {
      reason: 'Sin unidad',
    });
    expect(declined.statusCode).toBe(204);
    expect(await pendingOfferOf(near.session)).toHaveLength(0);

    // It goes to the next nearest, who accepts with a quote within the cap.
    const [second] = await pendingOfferOf(middle.session);
    expect(second?.caseId).toBe(kase.id);
    const accepted = await post(`/v1/offers/${second?.id}/accept`, middle.session.write, {
      quoteCentavos: 85_000,
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({
      state: 'dispatched',
      provider: { id: middle.id },
      cost: { quoteCentavos: 85_000, coveredCentavos: 85_000, excessCentavos: 0 },
    });
    expect(accepted.json().eta.minutes).toBeGreaterThan(0);
    expect(await ledgerOf(kase.id)).toMatchObject([{ status: 'reserved', serviceCode: 'tow-truck' }]);

    // Progress from the provider, in order.
    for (const status of ['en_route', 'on_site'] as const) {
      const res = await post(`/v1/cases/${kase.id}/status`, middle.session.write, { status });
      expect(res.statusCode).toBe(200);
      expect(res.json().state).toBe(status);
    }
    const done = await post(`/v1/cases/${kase.id}/status`, middle.session.write, {
      status: 'completed',
      finalCostCentavos: 85_000,
    });
    expect(done.statusCode).toBe(200);
    expect(await ledgerOf(kase.id)).toMatchObject([{ status: 'confirmed' }]);

    const final = await getCase(kase.id);
    expect(final).toMatchObject({
      state: 'completed',
      closeReason: 'completed',
      cost: { finalCostCentavos: 85_000 },
    });
    expect(final.timeline.map((e: { type: string }) => e.type)).toEqual([
      'requested',
      'offered',
      'offer_declined',
      'offered',
      'offer_accepted',
      'dispatched',
      'en_route',
      'on_site',
      'completed',
    ]);
    expect(final.timeline.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(final.timeline[2]).toMatchObject({ note: 'Sin unidad', actor: { kind: 'provider' } });
    expect(final.offers.map((o: { status: string }) => o.status)).toEqual(['declined', 'accepted']);
    expect(final.sla.minutesToDispatch).toBe(0);

    // Staff see which providers were asked; anyone else sees only the provider assigned.
    type Event = { type: string; data: Record<string, unknown> };
    const offeredTo = (timeline: Event[]) =>
      timeline.filter((e) => e.type.startsWith('offer')).map((e) => e.data.providerId);
    expect(offeredTo(final.timeline)).toEqual([near.id, near.id, middle.id, middle.id]);
    expect(final.timeline.some((e: Event) => 'offerId' in e.data)).toBe(true);
    const partner = await createApiKey(t, 'partner', ['cases:read']);
    const outside = await t.app.inject({
      method: 'GET',
      url: `/v1/cases/${kase.id}`,
      headers: bearer(partner.key),
    });
    expect(outside.statusCode).toBe(200);
    const timeline: Event[] = outside.json().timeline;
    expect(timeline.map((e) => e.type)).toEqual(final.timeline.map((e: Event) => e.type));
    expect(offeredTo(timeline)).toEqual([undefined, undefined, middle.id, middle.id]);
    expect(timeline.some((e) => 'offerId' in e.data)).toBe(false);
    expect(timeline.find((e) => e.type === 'offer_declined')?.data).not.toHaveProperty('distanceKm');
    expect(outside.json()).not.toHaveProperty('offers');
  });

  it('gives the use back when the case is cancelled before the provider arrives', async () => {
    const kase = await buildCase(t, { membershipId, by: agent.write });
    const offer = await offerOf(near.session, kase.id);
    expect(offer.caseId).toBe(kase.id);
    await post(`/v1/offers/${offer.id}/accept`, near.session.write, { quoteCentavos: 50_000 });
    await post(`/v1/cases/${kase.id}/status`, near.session.write, { status: 'en_route' });
    expect(await ledgerOf(kase.id)).toMatchObject([{ status: 'reserved' }]);

    const cancelled = await post(`/v1/cases/${kase.id}/cancel`, agent.write, {
      reason: 'El cliente ya arrancó el coche',
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ state: 'cancelled', closeReason: 'cancelled_by_request' });
    expect(await ledgerOf(kase.id)).toMatchObject([{ status: 'released' }]);
    // The provider's job is gone and it is free again.
    const jobs = await t.app.inject({ method: 'GET', url: '/v1/provider/jobs', headers: near.session.read });
    expect(jobs.json().data.map((j: { id: string }) => j.id)).not.toContain(kase.id);
  });

  it('refuses to cancel once the provider is on site', async () => {
    const kase = await buildCase(t, { membershipId, by: agent.write });
    const offer = await offerOf(near.session, kase.id);
    await post(`/v1/offers/${offer.id}/accept`, near.session.write, { quoteCentavos: 50_000 });
    await post(`/v1/cases/${kase.id}/status`, near.session.write, { status: 'on_site' });
    const res = await post(`/v1/cases/${kase.id}/cancel`, agent.write, { reason: 'Ya no lo necesito' });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('CASE_NOT_CANCELLABLE');
    await post(`/v1/cases/${kase.id}/status`, near.session.write, { status: 'completed' });
  });
});

describe('the tow excess', () => {
  it('waits for the customer to accept a quote above the cap, records it, then dispatches', async () => {
    const kase = await buildCase(t, { membershipId, by: agent.write });
    const offer = await offerOf(near.session, kase.id);
    const accepted = await post(`/v1/offers/${offer.id}/accept`, near.session.write, {
      quoteCentavos: 140_000,
    });
    expect(accepted.json()).toMatchObject({
      state: 'awaiting_excess_acceptance',
      cost: {
        quoteCentavos: 140_000,
        coveredCentavos: 100_000,
        excessCentavos: 40_000,
        excessAcceptedAt: null,
      },
    });
    expect(await ledgerOf(kase.id)).toEqual([]);

    const answer = await post(`/v1/cases/${kase.id}/excess-acceptance`, agent.write, {
      accept: true,
      note: 'Aceptado por teléfono',
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.json().state).toBe('dispatched');
    expect(answer.json().cost.excessAcceptedAt).toBe(t.clock.now().toISOString());
    expect(answer.json().cost.excessAcceptedBy).toMatch(/^agent:/);
    expect(await ledgerOf(kase.id)).toMatchObject([{ status: 'reserved' }]);
    const timeline = (await getCase(kase.id)).timeline as { type: string; actor: { kind: string } }[];
    expect(timeline.slice(-3).map((e) => e.type)).toEqual([
      'excess_pending',
      'excess_accepted',
      'dispatched',
    ]);
    // Each step is credited to who did it: the agent accepted; the dispatch that follows is Libra's.
    expect(timeline.slice(-3).map((e) => e.actor.kind)).toEqual(['system', 'agent', 'system']);

    const again = await post(`/v1/cases/${kase.id}/excess-acceptance`, agent.write, { accept: true });
    expect(again.json().code).toBe('CASE_NO_EXCESS_PENDING');
    await post(`/v1/cases/${kase.id}/cancel`, agent.write, { reason: 'fin de la prueba' });
  });

  it('closes the case when the customer rejects the excess, with no use taken', async () => {
    const kase = await buildCase(t, { membershipId, by: agent.write });
    const offer = await offerOf(near.session, kase.id);
    await post(`/v1/offers/${offer.id}/accept`, near.session.write, { quoteCentavos: 250_000 });
    const answer = await post(`/v1/cases/${kase.id}/excess-acceptance`, agent.write, { accept: false });
    expect(answer.json()).toMatchObject({ state: 'cancelled', closeReason: 'excess_declined' });
    expect(await ledgerOf(kase.id)).toEqual([]);
  });

  it('needs the quote to accept a capped service', async () => {
    const kase = await buildCase(t, { membershipId, by: agent.write });
    const offer = await offerOf(near.session, kase.id);
    const res = await post(`/v1/offers/${offer.id}/accept`, near.session.write, {});
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('QUOTE_REQUIRED');
    await post(`/v1/cases/${kase.id}/cancel`, agent.write, { reason: 'fin de la prueba' });
  });
});

describe('hand assignment and an empty network', () => {
  it('flags a case nobody can take, and an agent assigns a provider by hand with a reason', async () => {
    // Nobody gives home-glazier service in this test's network.
    const kase = (
      await post('/v1/cases', agent.write, {
        ...towRequest(membershipId),
        serviceCode: 'home-glazier',
        description: 'Se rompió el ventanal de la sala.',
        details: {},
      })
    ).json();
    expect(kase).toMatchObject({ state: 'requested', needsManualDispatch: true });
    expect(kase.timeline.at(-1).type).toBe('no_provider_available');

    const glazier = await registerProvider(t, { services: ['home-glazier'], kmNorth: 2 });
    const refused = await post(`/v1/cases/${kase.id}/assignment`, agent.write, {
      providerId: near.id,
      reason: 'El más cercano',
    });
    expect(refused.json().code).toBe('PROVIDER_CANNOT_SERVE');
    const assigned = await post(`/v1/cases/${kase.id}/assignment`, agent.write, {
      providerId: glazier,
      reason: 'Proveedor de confianza del cliente',
      etaMinutes: 40,
      quoteCentavos: 90_000,
    });
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json()).toMatchObject({
      state: 'dispatched',
      needsManualDispatch: false,
      provider: { id: glazier },
      eta: { minutes: 40 },
    });
    const event = assigned.json().timeline.find((e: { type: string }) => e.type === 'assigned_by_hand');
    expect(event).toMatchObject({ note: 'Proveedor de confianza del cliente', actor: { kind: 'agent' } });
    const twice = await post(`/v1/cases/${kase.id}/assignment`, agent.write, {
      providerId: glazier,
      reason: 'otra vez',
    });
    expect(twice.json().code).toBe('CASE_ALREADY_DISPATCHED');
  });
});

describe('refusals are recorded, not lost', () => {
  it('refuses at dispatch when the last use was taken meanwhile, keeping the case and its reasons', async () => {
    // Home plumbing: 2 a membership year (illustrative). Three requests, all allowed when asked.
    const plumber = await registerProvider(t, { services: ['home-plumbing'], kmNorth: 2, capacity: 10 });
    const member = await contractByPhone(t, agent.write);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await post('/v1/cases', agent.write, {
        ...towRequest(member),
        serviceCode: 'home-plumbing',
        description: 'Fuga de agua en la cocina',
        details: {},
      });
      expect(res.json().decision.allowed).toBe(true);
      ids.push(res.json().id);
    }
    const states: string[] = [];
    for (const id of ids) {
      const offer = await offerOf(await signIn(t, await createProviderUser(t, plumber)), id);
      const session = await signIn(t, await createProviderUser(t, plumber));
      const res = await post(`/v1/offers/${offer.id}/accept`, session.write, { quoteCentavos: 80_000 });
      expect(res.statusCode).toBe(200);
      states.push(res.json().state);
    }
    expect(states).toEqual(['dispatched', 'dispatched', 'refused']);
    const refused = await getCase(ids[2] as string);
    expect(refused).toMatchObject({ closeReason: 'ENTITLEMENT_EXHAUSTED', provider: null });
    expect(refused.timeline.at(-1)).toMatchObject({
      type: 'refused',
      data: { reasons: ['ENTITLEMENT_EXHAUSTED'] },
    });
  });

  it('keeps a request outside the territory as refused, with its reasons, and offers it to nobody', async () => {
    const res = await post('/v1/cases', agent.write, {
      ...towRequest(membershipId),
      serviceCode: 'land-ambulance',
      place: { address: 'Main St 1, Laredo TX', lat: 27.5, lng: -99.5, country: 'US' },
      description: 'Dolor de pecho',
      details: {},
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ state: 'refused', closeReason: 'OUTSIDE_TERRITORY', offers: [] });
    expect(res.json().decision.reasons.find((r: { ok: boolean }) => !r.ok).code).toBe('OUTSIDE_TERRITORY');
    expect(res.json().timeline.map((e: { type: string }) => e.type)).toEqual(['requested', 'refused']);
  });
});

describe('bad input and someone else’s job', () => {
  it('refuses coordinates out of range and an unknown service with clear codes', async () => {
    const badLat = await post('/v1/cases', agent.write, {
      ...towRequest(membershipId),
      place: { address: 'Nowhere', lat: 91, lng: -99 },
    });
    expect(badLat.statusCode).toBe(400);
    expect(badLat.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(badLat.json().errors.map((e: { field: string }) => e.field)).toContain('body/place/lat');

    const unknown = await post('/v1/cases', agent.write, {
      ...towRequest(membershipId),
      serviceCode: 'teleport',
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().code).toBe('SERVICE_UNKNOWN');
  });

  it('does not let a provider act on another provider’s offer or job', async () => {
    const kase = await buildCase(t, { membershipId, by: agent.write });
    const offer = await offerOf(near.session, kase.id);
    const stolen = await post(`/v1/offers/${offer.id}/accept`, far.session.write, { quoteCentavos: 1 });
    expect(stolen.statusCode).toBe(404);
    expect(stolen.json().code).toBe('OFFER_NOT_FOUND');
    await post(`/v1/offers/${offer.id}/accept`, near.session.write, { quoteCentavos: 50_000 });
    const meddling = await post(`/v1/cases/${kase.id}/status`, far.session.write, { status: 'en_route' });
    expect(meddling.statusCode).toBe(404);
    expect(meddling.json().code).toBe('CASE_NOT_ASSIGNED_TO_YOU');
    // A provider cannot read the case (the membership behind it) either.
    const read = await t.app.inject({
      method: 'GET',
      url: `/v1/cases/${kase.id}`,
      headers: near.session.read,
    });
    expect(read.statusCode).toBe(403);
    // Skipping a step or going back is refused.
    const back = await post(`/v1/cases/${kase.id}/status`, near.session.write, { status: 'completed' });
    expect(back.statusCode).toBe(409);
    expect(back.json().code).toBe('CASE_TRANSITION_INVALID');
    const accepted = await post(`/v1/offers/${offer.id}/accept`, near.session.write, {
      quoteCentavos: 50_000,
    });
    expect(accepted.json().code).toBe('OFFER_NOT_PENDING');
    await post(`/v1/cases/${kase.id}/cancel`, agent.write, { reason: 'fin de la prueba' });
  });

  it('shows a customer only their own cases', async () => {
    const customer = await createUser(t, 'customer');
    const session = await signIn(t, customer);
    const kase = await buildCase(t, { membershipId, by: agent.write });
    const read = await t.app.inject({ method: 'GET', url: `/v1/cases/${kase.id}`, headers: session.read });
    expect(read.statusCode).toBe(404);
    const mine = await t.app.inject({ method: 'GET', url: '/v1/cases', headers: session.read });
    expect(mine.json().data).toEqual([]);
    const open = await post('/v1/cases', session.write, towRequest(membershipId));
    expect(open.statusCode).toBe(404);
    expect(open.json().code).toBe('MEMBERSHIP_NOT_FOUND');
    await post(`/v1/cases/${kase.id}/cancel`, agent.write, { reason: 'fin de la prueba' });
  });
});

describe('provider location', () => {
  it('updates the ETA of a job on the way', async () => {
    const opened = await post('/v1/cases', agent.write, towRequest(membershipId));
    expect(opened.statusCode, opened.body).toBe(201);
    const kase = opened.json();
    const offer = await offerOf(near.session, kase.id);
    await post(`/v1/offers/${offer.id}/accept`, near.session.write, { quoteCentavos: 50_000 });
    await post(`/v1/cases/${kase.id}/status`, near.session.write, { status: 'en_route' });
    const moved = await t.app.inject({
      method: 'PUT',
      url: '/v1/provider/location',
      headers: near.session.write,
      payload: { lat: ZOCALO.lat + 0.2, lng: ZOCALO.lng },
    });
    expect(moved.json()).toEqual({ updated: 1 });
    const after = await getCase(kase.id);
    expect(after.timeline.at(-1)).toMatchObject({ type: 'eta_updated' });
    // 22 km north (straight): the road estimate's 29 km, 10 at city speed and the rest on the highway.
    expect(after.eta.minutes).toBe(37);
    await post(`/v1/cases/${kase.id}/cancel`, agent.write, { reason: 'fin de la prueba' });
  });
});

describe('SLA', () => {
  it('flags open cases past their target for supervisors', async () => {
    const supervisorUser = await createUser(t, 'supervisor');
    let supervisor = await signIn(t, supervisorUser);
    const kase = (await post('/v1/cases', agent.write, towRequest(membershipId))).json();
    expect(kase.sla.arrivalDueAt).toBe(new Date(t.clock.now().getTime() + 45 * 60_000).toISOString());
    const before = await t.app.inject({
      method: 'GET',
      url: '/v1/cases?overdue=true',
      headers: supervisor.read,
    });
    expect(before.json().data.map((c: { id: string }) => c.id)).not.toContain(kase.id);
    (t.clock as ManualClock).advance({ minutes: 46 });
    // Staff sessions end after 30 idle minutes: sign in again.
    agent = await signIn(t, agentUser);
    supervisor = await signIn(t, supervisorUser);
    const after = await t.app.inject({
      method: 'GET',
      url: '/v1/cases?overdue=true',
      headers: supervisor.read,
    });
    expect(after.statusCode, after.body).toBe(200);
    const flagged = after.json().data.find((c: { id: string }) => c.id === kase.id);
    expect(flagged.sla.breached).toEqual(['dispatch', 'arrival']);
    await post(`/v1/cases/${kase.id}/cancel`, agent.write, { reason: 'fin de la prueba' });

    const set = await t.app.inject({
      method: 'PUT',
      url: '/v1/sla-targets/tow-truck',
      headers: supervisor.write,
      payload: { dispatchMinutes: 10, arrivalMinutes: 30 },
    });
    expect(set.statusCode).toBe(200);
    const next = (await post('/v1/cases', agent.write, towRequest(membershipId))).json();
    expect(next.sla.arrivalDueAt).toBe(new Date(t.clock.now().getTime() + 30 * 60_000).toISOString());
    await post(`/v1/cases/${next.id}/cancel`, agent.write, { reason: 'fin de la prueba' });
  });
});
