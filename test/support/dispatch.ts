import type { ProviderInput } from '../../src/domains/dispatch/service.ts';
import { SYSTEM_ACTOR } from '../../src/platform/principal.ts';
import type { TestApp } from './app.ts';
import { type Session, signIn, TEST_PASSWORD, type TestUser } from './auth.ts';
import { buildMembership, ZOCALO } from './factories.ts';

// Where the tests have always found them; they live with the factories.
export { towRequest, ZOCALO } from './factories.ts';

let serial = 0;

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
  return (await buildMembership(t, { by: agentHeaders, planCode })).id;
}

/** A provider of the network (registerProvider's overrides) and a signed-in account of its staff. */
export async function signedInProvider(
  t: TestApp,
  overrides: Parameters<typeof registerProvider>[1] = {},
): Promise<{ id: string; session: Session }> {
  const id = await registerProvider(t, overrides);
  return { id, session: await signIn(t, await createProviderUser(t, id)) };
}
