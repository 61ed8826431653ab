import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distanceKm, type Point } from '../src/lib/geo.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { contractByPhone, registerProvider, signedInProvider } from './support/dispatch.ts';
import { buildCase, buildMembership } from './support/factories.ts';
import { http } from './support/http.ts';

/**
 * A case's place moved (the agent's pin, the caller's link) keeps dispatch consistent: the state
 * follows the point (state coverage reads it), a case still waiting for a provider is ranked again
 * from the new point — the offer withdrawn and made to whoever now arrives sooner, or kept and
 * refigured — and a case already dispatched keeps its provider, with its ETA and distance
 * refigured. Each test works in a city of its own, so the providers of one do not reach another's.
 */
let t: TestApp;
let agent: Session;
const { get, put, post } = http(() => t);

type Event = { type: string; data: Record<string, unknown> };
type Offer = { providerId: string; status: string; distanceKm: number; etaMinutes: number };

/** 0.009° of latitude ≈ 1 km. */
const north = (p: Point, km: number): Point => ({ lat: p.lat + km * 0.009, lng: p.lng });
const radius = (center: Point, radiusKm: number) => ({ kind: 'radius' as const, center, radiusKm });

beforeAll(async () => {
  t = await buildTestApp();
  agent = await signIn(t, await createUser(t, 'agent'));
});
afterAll(async () => t?.close());

async function openAt(place: Point & { stateCode: string }) {
  const membershipId = await contractByPhone(t, agent.write);
  return buildCase(t, {
    membershipId,
    by: agent.write,
    request: { place: { address: 'Calle de prueba 1', ...place } },
  });
}
const read = async (id: string) => (await get(`/v1/cases/${id}`, agent.read)).json();
const typesAfter = (timeline: Event[], type: string) =>
  timeline.slice(timeline.findIndex((e) => e.type === type)).map((e) => e.type);

describe('moving the place of a case waiting for a provider', () => {
  it('withdraws the offer and offers the case to the provider now soonest to arrive', async () => {
    const PUEBLA = { lat: 19.0414, lng: -98.2063 };
    const first = await registerProvider(t, { location: north(PUEBLA, 1), coverage: radius(PUEBLA, 40) });
    const second = await registerProvider(t, { location: north(PUEBLA, -12), coverage: radius(PUEBLA, 40) });
    const kase = await openAt({ ...PUEBLA, stateCode: 'PUE' });
    expect((await read(kase.id)).offers.map((o: Offer) => o.providerId)).toEqual([first]);

    const moved = await put(`/v1/cases/${kase.id}/place`, agent.write, north(PUEBLA, -12));
    expect(moved.statusCode, moved.body).toBe(200);
    const view = moved.json();
    expect(view.place).toMatchObject({ ...north(PUEBLA, -12), stateCode: 'PUE', precision: 'exact' });
    expect(typesAfter(view.timeline, 'place_updated')).toEqual([
      'place_updated',
      'offer_withdrawn',
      'offered',
    ]);
    const withdrawn = view.timeline.find((e: Event) => e.type === 'offer_withdrawn');
    expect(withdrawn).toMatchObject({
      label: { es: 'Oferta retirada: la ubicación cambió y otro proveedor llega antes' },
      data: { providerId: first, reason: 'place_moved' },
    });
    expect(view.offers.map((o: Offer) => [o.providerId, o.status])).toEqual([
      [first, 'withdrawn'],
      [second, 'pending'],
    ]);
    expect(view.offers[1].distanceKm).toBeLessThan(0.1);
  });

  it('keeps the offer with a provider still the soonest, its distance and ETA from the new place', async () => {
    const QUERETARO = { lat: 20.5931, lng: -100.3927 };
    const only = await registerProvider(t, {
      location: north(QUERETARO, 2),
      coverage: radius(QUERETARO, 30),
    });
    const kase = await openAt({ ...QUERETARO, stateCode: 'QUE' });
    const [before] = (await read(kase.id)).offers as Offer[];
    expect(before).toMatchObject({ providerId: only, status: 'pending' });

    const moved = await put(`/v1/cases/${kase.id}/place`, agent.write, north(QUERETARO, -8));
    expect(moved.statusCode, moved.body).toBe(200);
    const view = moved.json();
    expect(view.timeline.at(-1).type).toBe('place_updated');
    expect(view.offers).toHaveLength(1);
    const after = view.offers[0] as Offer;
    expect(after).toMatchObject({ providerId: only, status: 'pending' });
    expect(after.distanceKm).toBeCloseTo(distanceKm(north(QUERETARO, 2), north(QUERETARO, -8)), 1);
    expect(after.distanceKm).toBeGreaterThan((before as Offer).distanceKm + 5);
    expect(after.etaMinutes).toBeGreaterThan((before as Offer).etaMinutes);
  });

  it('offers a case nobody could take once its new place is covered', async () => {
    const MERIDA = { lat: 20.9674, lng: -89.5926 };
    const near = await registerProvider(t, { location: north(MERIDA, 1), coverage: radius(MERIDA, 10) });
    const kase = await openAt({ ...north(MERIDA, 40), stateCode: 'YUC' });
    expect(kase.needsManualDispatch).toBe(true);

    const view = (await put(`/v1/cases/${kase.id}/place`, agent.write, MERIDA)).json();
    expect(view.needsManualDispatch).toBe(false);
    expect(typesAfter(view.timeline, 'place_updated')).toEqual(['place_updated', 'offered']);
    expect(view.offers.at(-1)).toMatchObject({ providerId: near, status: 'pending' });
  });

  it("recomputes the place's state: a provider covering Jalisco by state gets a case moved there", async () => {
    const GUADALAJARA = { lat: 20.6736, lng: -103.344 };
    const jalisco = await registerProvider(t, {
      location: GUADALAJARA,
      coverage: { kind: 'states', states: ['JAL'] },
    });
    // Opened in Aguascalientes, where nobody works: waiting for an agent.
    const kase = await openAt({ lat: 21.8818, lng: -102.2916, stateCode: 'AGU' });
    expect(kase.needsManualDispatch).toBe(true);

    const view = (await put(`/v1/cases/${kase.id}/place`, agent.write, north(GUADALAJARA, 3))).json();
    expect(view.place.stateCode).toBe('JAL');
    expect(view.timeline.find((e: Event) => e.type === 'place_updated').data).toMatchObject({
      stateCode: 'JAL',
      previous: { stateCode: 'AGU' },
    });
    expect(view.offers.at(-1)).toMatchObject({ providerId: jalisco, status: 'pending' });
  });
});

describe('moving the place of a dispatched case', () => {
  it('keeps its provider and refigures the ETA and distance from the provider to the new place', async () => {
    const MONTERREY = { lat: 25.6866, lng: -100.3161 };
    const assigned = await signedInProvider(t, {
      location: north(MONTERREY, 3),
      coverage: radius(MONTERREY, 40),
    });
    const kase = await openAt({ ...MONTERREY, stateCode: 'NLE' });
    const [offer] = (await read(kase.id)).offers as (Offer & { id: string })[];
    expect(offer?.providerId).toBe(assigned.id);
    const accepted = await post(`/v1/offers/${offer?.id}/accept`, assigned.session.write, {
      quoteCentavos: 80_000,
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    // A provider right at the new place appears: it would be first for a new case, not for this one.
    const nearer = await registerProvider(t, {
      location: north(MONTERREY, 20),
      coverage: radius(MONTERREY, 40),
    });
    const before = await read(kase.id);
    expect(before).toMatchObject({ state: 'dispatched', provider: { id: assigned.id } });

    const moved = await put(`/v1/cases/${kase.id}/place`, agent.write, north(MONTERREY, 20));
    expect(moved.statusCode, moved.body).toBe(200);
    const view = moved.json();
    expect(view).toMatchObject({ state: 'dispatched', provider: { id: assigned.id } });
    expect(typesAfter(view.timeline, 'place_updated')).toEqual(['place_updated', 'eta_updated']);
    const eta = view.timeline.at(-1);
    expect(eta.data.reason).toBe('place_moved');
    expect(eta.data.distanceKm).toBeCloseTo(distanceKm(north(MONTERREY, 3), north(MONTERREY, 20)), 1);
    expect(eta.data.etaMinutes).toBeGreaterThan(before.eta.minutes);
    expect(view.eta.minutes).toBe(eta.data.etaMinutes);
    expect(view.offers.map((o: Offer) => o.providerId)).not.toContain(nearer);
  });
});

describe("what the customer reads of the provider's position", () => {
  it('nothing before dispatch, nothing while a quote waits, the unit once dispatched', async () => {
    const OAXACA = { lat: 17.0654, lng: -96.7237 };
    const unit = north(OAXACA, 2);
    const provider = await signedInProvider(t, { location: unit, coverage: radius(OAXACA, 30) });
    const account = { password: 'mi contraseña segura' };
    const own = await buildMembership(t, { account });
    const customer = await signIn(t, { email: own.body.titular.email, password: account.password });
    const open = async () =>
      (
        await buildCase(t, {
          membershipId: own.id,
          by: agent.write,
          request: { place: { address: 'Centro, Oaxaca', ...OAXACA, stateCode: 'OAX' } },
        })
      ).id;
    const asCustomer = async (id: string) => (await get(`/v1/cases/${id}`, customer.read)).json();
    const offerOf = async (id: string) => ((await read(id)).offers as { id: string }[]).at(-1)?.id;

    // Offered, not accepted: no provider at all.
    const waiting = await open();
    expect((await asCustomer(waiting)).provider).toBeNull();

    // A quote above the tow's cap waits for the customer: the provider is named, its unit is not.
    const quoted = await open();
    await post(`/v1/offers/${await offerOf(quoted)}/accept`, provider.session.write, {
      quoteCentavos: 250_000,
    });
    const pending = await asCustomer(quoted);
    expect(pending.state).toBe('awaiting_excess_acceptance');
    expect(pending.provider).toMatchObject({ id: provider.id, location: null });

    // Dispatched: the unit's last reported point.
    const accepted = await post(`/v1/offers/${await offerOf(waiting)}/accept`, provider.session.write, {
      quoteCentavos: 80_000,
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const sent = await asCustomer(waiting);
    expect(sent.state).toBe('dispatched');
    expect(sent.provider.location).toMatchObject(unit);
    expect(typeof sent.provider.location.updatedAt).toBe('string');
  });
});
