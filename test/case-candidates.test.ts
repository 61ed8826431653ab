import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { contractByPhone, registerProvider, towRequest, ZOCALO } from './support/dispatch.ts';

/**
 * The dispatch board's list of providers (GET /v1/cases/{id}/candidates): every provider giving
 * the case's service, with its distance and ETA to the place and whether it can take the case now.
 */
let t: TestApp;
let agent: Session;
let caseId: string;
const ids = {} as Record<'near' | 'far' | 'busy' | 'away' | 'outside' | 'ambulance', string>;

beforeAll(async () => {
  t = await buildTestApp();
  agent = await signIn(t, await createUser(t, 'agent'));
  ids.near = await registerProvider(t, { name: 'Grúas Cerca', kmNorth: 2 });
  ids.far = await registerProvider(t, { name: 'Grúas Lejos', kmNorth: 12 });
  ids.busy = await registerProvider(t, { name: 'Grúas Ocupadas', kmNorth: 1, available: false });
  ids.away = await registerProvider(t, {
    name: 'Grúas Fuera',
    kmNorth: 0.5,
    coverage: { kind: 'states', states: ['NLE'] },
  });
  ids.outside = await registerProvider(t, {
    name: 'Grúas Circulo',
    kmNorth: 3,
    coverage: { kind: 'radius', center: { lat: ZOCALO.lat + 1, lng: ZOCALO.lng }, radiusKm: 10 },
  });
  ids.ambulance = await registerProvider(t, {
    name: 'Ambulancias',
    kmNorth: 0.2,
    services: ['land-ambulance'],
  });
  const membershipId = await contractByPhone(t, agent.write);
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/cases',
    headers: agent.write,
    payload: towRequest(membershipId, {
      details: { estimatedCostCentavos: 80_000, vehicle: { make: 'Nissan' } },
    }),
  });
  expect(res.statusCode, res.body).toBe(201);
  caseId = res.json().id;
}, 60_000);

afterAll(async () => t?.close());

async function candidates(headers: Record<string, string> = agent.read, id = caseId) {
  return t.app.inject({ method: 'GET', url: `/v1/cases/${id}/candidates`, headers });
}

describe('GET /v1/cases/{id}/candidates', () => {
  it('lists the providers of the service, those who can go first, nearest first, with distance and ETA', async () => {
    const res = await candidates();
    expect(res.statusCode, res.body).toBe(200);
    // The platform's clock (here the test's), for the board's countdown of an offer.
    expect(res.json().asOf).toBe(t.clock.now().toISOString());
    const data = res.json().data as {
      providerId: string;
      name: string;
      distanceKm: number;
      etaMinutes: number;
      covers: boolean;
      available: boolean;
      canTake: boolean;
    }[];
    expect(data.map((c) => c.name)).toEqual([
      'Grúas Cerca',
      'Grúas Lejos',
      'Grúas Fuera',
      'Grúas Ocupadas',
      'Grúas Circulo',
    ]);
    const near = data[0];
    expect(near?.canTake).toBe(true);
    expect(near?.distanceKm).toBeCloseTo(2, 0);
    // 5 minutes to set out, then the road estimate: 2 km straight is 2.6 km of streets at 25 km/h.
    expect(near?.etaMinutes).toBe(12);
    const fuera = data.find((c) => c.name === 'Grúas Fuera');
    expect(fuera).toMatchObject({ covers: false, available: true, canTake: false });
    expect(data.find((c) => c.name === 'Grúas Ocupadas')).toMatchObject({
      covers: true,
      available: false,
      canTake: false,
    });
    expect(data.some((c) => c.name === 'Ambulancias')).toBe(false);
  });

  it('keeps listing the provider already offered the case (the board shows its offer)', async () => {
    const kase = await t.app.inject({ method: 'GET', url: `/v1/cases/${caseId}`, headers: agent.read });
    const offer = kase.json().offers[0];
    expect(offer.providerId).toBe(ids.near);
    const data = (await candidates()).json().data as { providerId: string; etaMinutes: number }[];
    expect(data[0]?.providerId).toBe(ids.near);
    // The same distance and ETA as the automatic offer's.
    expect(data[0]?.etaMinutes).toBe(offer.etaMinutes);
  });

  it('is audited as a staff read of the case', async () => {
    await candidates();
    const found = await rows<{ n: number }>(
      t.database.handle.db,
      sql`select count(*)::int as n from audit_log where action = 'case.candidates' and record_id = ${caseId}`,
    );
    expect(Number(found[0]?.n)).toBeGreaterThan(0);
  });

  it('answers 404 for a case that does not exist and 400 for an id that is not one', async () => {
    expect((await candidates(agent.read, '0190a5b2-0000-7000-8000-000000000000')).statusCode).toBe(404);
    expect((await candidates(agent.read, 'nope')).statusCode).toBe(400);
  });

  it('is for agents, supervisors and admins only', async () => {
    const finance = await signIn(t, await createUser(t, 'finance'));
    expect((await candidates(finance.read)).statusCode).toBe(403);
    const supervisor = await signIn(t, await createUser(t, 'supervisor'));
    expect((await candidates(supervisor.read)).statusCode).toBe(200);
    expect((await candidates({})).statusCode).toBe(401);
  });
});

describe('a provider’s dispatch phone', () => {
  it('is read with libphonenumber-js at registration, kept in E.164, and refused at its field when not Mexican', async () => {
    const admin = await signIn(t, await createUser(t, 'admin'));
    const register = (name: string, phone: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/providers',
        headers: admin.write,
        payload: {
          name,
          phone,
          services: ['tow-truck'],
          coverage: { kind: 'states', states: ['YUC'] },
          location: { lat: 20.97, lng: -89.62 },
          capacity: 1,
        },
      });
    const made = await register('Grúas Mérida Teléfono', '+52 1 (999) 123-4567');
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().phone).toBe('+529991234567');
    for (const phone of ['+1 212 555 0100', '999 123 456', '0 999 123 4567']) {
      const refused = await register(`Grúas Mal ${phone}`, phone);
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json()).toMatchObject({ code: 'PHONE_INVALID', errors: [{ field: 'body/phone' }] });
    }
  });
});
