import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { contractByPhone, registerProvider, towRequest } from './support/dispatch.ts';
import { http } from './support/http.ts';

/**
 * A case opened from an address said aloud (issue 22): the geocoder places it before the case is
 * opened, dispatch ranks by travel time from there, and an address that cannot be placed is refused
 * with the reason and nothing written. Points are the bundled GeoNames data's
 * (docs/places-data.md): 45010 (Ciudad Granja, Zapopan) answers at Zapopan's municipal point,
 * 20.7603, -103.4553, with municipality precision (GeoNames placed Zapopan by estimate); Tonalá's
 * municipal point is 20.6168, -103.2139, across the metropolitan area.
 */
let t: TestApp;
let agent: Session;
let membershipId: string;
let zapopan: string;
let tonala: string;
const { post } = http(() => t);

const CIUDAD_GRANJA = { lat: 20.6805, lng: -103.4491 };
const ZAPOPAN = { lat: 20.7603, lng: -103.4553 };

beforeAll(async () => {
  t = await buildTestApp();
  agent = await signIn(t, await createUser(t, 'agent'));
  membershipId = await contractByPhone(t, agent.write);
  // Both cover all of Jalisco; registered across the metropolitan area first, so the order of
  // registration cannot be what puts the Zapopan one first.
  tonala = await registerProvider(t, {
    name: 'Grúas Tonalá',
    coverage: { kind: 'states', states: ['JAL'] },
    location: { lat: 20.6168, lng: -103.2139 },
  });
  zapopan = await registerProvider(t, {
    name: 'Grúas Zapopan',
    coverage: { kind: 'states', states: ['JAL'] },
    location: { lat: CIUDAD_GRANJA.lat, lng: CIUDAD_GRANJA.lng - 0.02 },
  });
});

afterAll(async () => {
  await t?.close();
});

async function caseCount(): Promise<number> {
  const [row] = await rows<{ n: number }>(t.database.handle.db, sql`select count(*)::int as n from cases`);
  return row?.n ?? 0;
}

describe('POST /v1/cases with an address and no coordinates', () => {
  it('places a tow in Zapopan by postal code and colonia, and offers it first to the Zapopan provider', async () => {
    const opened = await post(
      '/v1/cases',
      agent.write,
      towRequest(membershipId, {
        place: { street: 'Av. Patria', number: '1200', postalCode: '45010', colonia: 'ciudad granja' },
      }),
    );
    expect(opened.statusCode, opened.body).toBe(201);
    const kase = opened.json();
    expect(kase.place).toMatchObject({
      ...ZAPOPAN,
      precision: 'municipality',
      stateCode: 'JAL',
      address: 'Av. Patria 1200, Ciudad Granja, C.P. 45010, Zapopan, Jalisco',
    });
    expect(kase.offers[0]).toMatchObject({ providerId: zapopan, attempt: 1 });

    // The board ranks the same way, with the offer's ETA.
    const board = await t.app.inject({
      method: 'GET',
      url: `/v1/cases/${kase.id}/candidates`,
      headers: agent.read,
    });
    const data = board.json().data as { providerId: string; etaMinutes: number }[];
    expect(data.map((c) => c.providerId)).toEqual([zapopan, tonala]);
    expect(data[0]?.etaMinutes).toBe(kase.offers[0].etaMinutes);
    expect(data[1]?.etaMinutes).toBeGreaterThan(data[0]?.etaMinutes ?? 0);
    await post(`/v1/cases/${kase.id}/cancel`, agent.write, { reason: 'fin de la prueba' });
  });

  it('refuses an unknown postal code with 422 PLACE_NOT_FOUND and the reason, writing nothing', async () => {
    const before = await caseCount();
    const refused = await post(
      '/v1/cases',
      agent.write,
      towRequest(membershipId, { place: { postalCode: '00001', street: 'Calle 1' } }),
    );
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'PLACE_NOT_FOUND', reason: 'UNKNOWN_POSTAL_CODE' });
    expect(refused.json().detail).toMatch(/código postal/);
    expect(await caseCount()).toBe(before);

    const english = await t.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: { ...agent.write, 'accept-language': 'en' },
      payload: towRequest(membershipId, { place: { postalCode: '00001' } }),
    });
    expect(english.statusCode).toBe(422);
    expect(english.json().detail).toMatch(/postal code/);
  });

  it('places a state alone at state precision, flagged as such', async () => {
    const opened = await post(
      '/v1/cases',
      agent.write,
      towRequest(membershipId, { place: { stateCode: 'jal' } }),
    );
    expect(opened.statusCode, opened.body).toBe(201);
    expect(opened.json().place).toMatchObject({ precision: 'state', stateCode: 'JAL', address: 'Jalisco' });
    await post(`/v1/cases/${opened.json().id}/cancel`, agent.write, { reason: 'fin de la prueba' });
  });

  it('keeps the request with coordinates as it was (precision as given: null)', async () => {
    const opened = await post('/v1/cases', agent.write, towRequest(membershipId));
    expect(opened.statusCode, opened.body).toBe(201);
    expect(opened.json().place).toMatchObject({ stateCode: 'CMX', precision: null });
    await post(`/v1/cases/${opened.json().id}/cancel`, agent.write, { reason: 'fin de la prueba' });
  });

  it.each([
    ['a latitude without its longitude', { address: 'Reforma 222, CDMX', lat: 19.4 }, 'body/place/lng'],
    ['coordinates without the address', { lat: 19.4, lng: -99.1 }, 'body/place/address'],
    ['nothing to place', { street: 'Reforma', number: '222' }, 'body/place'],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_, place, field) => {
    const before = await caseCount();
    const res = await post('/v1/cases', agent.write, towRequest(membershipId, { place }));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field }] });
    expect(await caseCount()).toBe(before);
  });
});
