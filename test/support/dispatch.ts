import type { ProviderInput } from '../../src/domains/dispatch/service.ts';
import { SYSTEM_ACTOR } from '../../src/platform/principal.ts';
import type { TestApp } from './app.ts';
import { TEST_PASSWORD, type TestUser } from './auth.ts';
import { contractBody, tokenize } from './factories.ts';

let serial = 0;

/** Mexico City's Zócalo: cases in tests happen around here. */
export const ZOCALO = { lat: 19.4326, lng: -99.1332 };

/** A tow provider `km` kilometres north of the Zócalo (0.009° of latitude ≈ 1 km). */
export async function registerProvider(
  t: TestApp,
  overrides: Partial<ProviderInput> & { kmNorth?: number } = {},
): Promise<string> {
  serial++;
  const { kmNorth = 1, ...rest } = overrides;
  const provider = await t.services.dispatch.register(SYSTEM_ACTOR, {
    name: `Proveedor de prueba ${serial}-${Math.random().toString(36).slice(2, 6)}`,
    phone: '55 5000 0000',
    services: ['tow-truck'],
    coverage: { kind: 'radius', center: ZOCALO, radiusKm: 50 },
    location: { lat: ZOCALO.lat + kmNorth * 0.009, lng: ZOCALO.lng },
    capacity: 2,
    ...rest,
  });
  return provider.id;
}

/** An account of a provider's staff. */
export async function createProviderUser(t: TestApp, providerId: string): Promise<TestUser> {
  serial++;
  const email = `provider-${serial}-${Math.random().toString(36).slice(2, 8)}@test.libra.mx`;
  const user = await t.services.identity.createUser(
    SYSTEM_ACTOR,
    { email, name: `Operador ${serial}`, role: 'provider', password: TEST_PASSWORD, providerId },
    'system',
  );
  return { id: user.id, email: user.email, role: 'provider', password: TEST_PASSWORD };
}

/** A membership contracted by phone (agent headers), returning its id. */
export async function contractByPhone(
  t: TestApp,
  agentHeaders: Record<string, string>,
  planCode = 'libra-plus',
): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/memberships',
    headers: agentHeaders,
    payload: contractBody(await tokenize(t), { planCode }),
  });
  if (res.statusCode !== 201) throw new Error(`contract failed: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

/** A tow request at the Zócalo. */
export function towRequest(membershipId: string, extra: Record<string, unknown> = {}) {
  return {
    membershipId,
    personId: 'titular',
    serviceCode: 'tow-truck',
    place: { address: 'Plaza de la Constitución s/n, Centro, CDMX', ...ZOCALO, stateCode: 'CMX' },
    description: 'El coche no arranca; necesito grúa al taller.',
    details: { vehicle: { make: 'Nissan', model: 'Versa', year: 2019, plates: 'ABC-123-D' } },
    ...extra,
  };
}
