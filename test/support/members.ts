import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { rows } from '../../src/db/client.ts';
import type { TestApp } from './app.ts';
import { signIn } from './auth.ts';
import { contractBody, tokenize } from './factories.ts';

/** What the members domain's test files share: contracting as the API does, and counting what it wrote. */

/** POST /v1/memberships with any payload (valid or not) and headers. */
export const postMembership = (t: TestApp, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/v1/memberships', payload: payload as object, headers });

/** Contracts online as a new customer and signs them in. */
export async function contractOnlineAndSignIn(t: TestApp, password = 'mi contraseña segura') {
  const body = contractBody(await tokenize(t), { account: { password } });
  const res = await postMembership(t, body);
  expect(res.statusCode, res.body).toBe(201);
  const session = await signIn(t, { email: body.titular.email, password });
  return { membership: res.json(), session, body };
}

/** How many rows contracting and beneficiaries write to: a refused request must leave them all alone. */
export async function memberRowCounts(t: TestApp) {
  const [row] = await rows<Record<string, number>>(
    t.database.handle.db,
    sql`select (select count(*) from memberships) as memberships, (select count(*) from users) as users,
               (select count(*) from consents) as consents, (select count(*) from membership_events) as events,
               (select count(*) from beneficiaries) as beneficiaries,
               (select count(*) from idempotency_keys) as idempotency`,
  );
  return row;
}

/**
 * Clears an agent (by their session's headers) for a membership's details, as the console's
 * "Omitir" does, for tests about something else; the check itself is verifications.test.ts's.
 */
export async function clearForDetails(t: TestApp, headers: Record<string, string>, membershipId: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/v1/memberships/${membershipId}/verifications`,
    headers,
    payload: { skipReason: 'Prueba: verificación fuera de este caso' },
  });
  expect(res.statusCode, res.body).toBe(201);
}
