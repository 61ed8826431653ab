import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import type { ChargeView } from '../src/domains/billing/views.ts';
import { type ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn, type TestUser } from './support/auth.ts';
import { registerProvider } from './support/dispatch.ts';
import { buildCase, buildMembership, contractBody, tokenize } from './support/factories.ts';
import { clearForDetails } from './support/members.ts';

let t: TestApp;
let clock: ManualClock;
let agentUser: TestUser;
let financeUser: TestUser;
let providerId: string;
const PASSWORD = 'una contraseña larga 2026';

beforeAll(async () => {
  t = await buildTestApp();
  clock = t.clock as ManualClock;
  agentUser = await createUser(t, 'agent');
  financeUser = await createUser(t, 'finance');
  providerId = await registerProvider(t);
});
afterAll(async () => t.close());

/** A fresh session at the clock's time (these tests move the clock by weeks). */
const session = (user: TestUser): Promise<Session> => signIn(t, user);

async function at(local: string) {
  clock.set(mexicoCityTime(local));
}

async function bill(local: string) {
  await at(local);
  return t.services.billing.run({ at: clock.now(), trigger: 'test' });
}

async function byPhone(local: string): Promise<string> {
  await at(local);
  return (await buildMembership(t, { by: (await session(agentUser)).write })).id;
}

async function online(local: string) {
  await at(local);
  const { id, body } = await buildMembership(t, { account: { password: PASSWORD } });
  return { id, email: body.titular.email, body };
}

/** The agent on the call that cancels: who is calling is checked first (the gate's own tests elsewhere). */
async function cancelByAgent(membershipId: string, reason = 'El cliente ya no la necesita') {
  const agent = await session(agentUser);
  await clearForDetails(t, agent.write, membershipId);
  return t.app.inject({
    method: 'POST',
    url: `/v1/memberships/${membershipId}/cancellation`,
    headers: agent.write,
    payload: { reason },
  });
}

async function charges(membershipId: string): Promise<ChargeView[]> {
  const finance = await session(financeUser);
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/memberships/${membershipId}/charges`,
    headers: finance.read,
  });
  return res.json().data;
}

async function mayUseTow(membershipId: string): Promise<boolean> {
  const agent = await session(agentUser);
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/eligibility/checks',
    headers: agent.write,
    payload: { membershipId, personId: 'titular', serviceCode: 'tow-truck' },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().allowed;
}

describe('who cancels where', () => {
  it('refuses online cancellation of a phone-contracted membership, giving the phone line and its hours', async () => {
    const id = await byPhone('2026-11-25T10:00');
    // The titular has an account of their own (signed up later); the membership stays a phone one.
    const user = await createUser(t, 'customer');
    await t.database.handle.db.execute(
      sql`update memberships set titular_user_id = ${user.id} where id = ${id}`,
    );
    const customer = await session(user);
    const preview = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${id}/cancellation`,
      headers: customer.read,
    });
    expect(preview.json()).toMatchObject({ canCancelOnline: false, cancellable: true });

    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${id}/cancellation`,
      headers: customer.write,
      payload: {},
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'CANCELLATION_BY_PHONE_ONLY',
      cancellationLine: { phone: '55 5480 0900', international: expect.stringContaining('+52') },
    });
    expect(res.json().detail).toContain('55 5480 0900');
    expect(res.json().cancellationLine.hours.es).toContain('08:00 a 21:00');
    const [row] = await rows<{ state: string }>(
      t.database.handle.db,
      sql`select state from memberships where id = ${id}`,
    );
    expect(row?.state).toBe('active');
  });

  it('lets a customer cancel online what they contracted online; another customer’s is not there', async () => {
    const mine = await online('2026-11-25T11:00');
    const other = await online('2026-11-25T11:10');
    const customer = await signIn(t, { email: mine.email, password: PASSWORD });
    const foreign = await t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${other.id}/cancellation`,
      headers: customer.write,
      payload: {},
    });
    expect(foreign.statusCode).toBe(404);

    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${mine.id}/cancellation`,
      headers: customer.write,
      payload: {},
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      channel: 'online',
      confirmationNumber: expect.stringMatching(/^LC-26-\d{6}$/),
      outsideHours: false,
    });
    const again = await t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${mine.id}/cancellation`,
      headers: customer.write,
      payload: {},
    });
    expect(again.statusCode).toBe(409);
    const notices = await rows<{ body_es: string }>(
      t.database.handle.db,
      sql`select body_es from notifications where membership_id = ${mine.id} and kind = 'cancellation_confirmation'`,
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]?.body_es).toContain(res.json().confirmationNumber);
  });

  it('an agent gives the reason, and a cancellation outside the line’s hours is flagged, not refused', async () => {
    const id = await byPhone('2026-11-28T10:00');
    await at('2026-11-29T12:00'); // a Sunday
    const noReason = await cancelByAgent(id, '');
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json().code).toBe('CANCELLATION_REASON_REQUIRED');
    const res = await cancelByAgent(id, 'Se cambia de banco');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ channel: 'phone', outsideHours: true, reason: 'Se cambia de banco' });
  });
});

describe('no charge after cancelling; coverage to the end of the period paid', () => {
  it('keeps services until the paid period ends and never charges again', async () => {
    const id = await byPhone('2026-10-20T09:00');
    await bill('2026-10-20T09:05');
    await bill('2026-11-20T00:05');
    expect(await charges(id)).toHaveLength(2);

    await at('2026-12-01T10:00'); // 42 days after contracting: no refund
    const res = await cancelByAgent(id);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().coverageEndsAt).toBe(mexicoCityTime('2026-12-20T00:00').toISOString());
    expect(res.json().refund).toMatchObject({ eligible: false, status: 'not_applicable', amountCentavos: 0 });

    await at('2026-12-10T10:00');
    expect(await mayUseTow(id)).toBe(true);
    await bill('2026-12-20T00:05');
    await bill('2027-01-20T00:05');
    expect(await charges(id)).toHaveLength(2);
    await at('2026-12-20T00:10');
    expect(await mayUseTow(id)).toBe(false);
  });
});

describe('the 30-day refund', () => {
  it('day 29 without use: every charge refunded, coverage ends at once', async () => {
    const id = await byPhone('2026-11-02T09:00');
    await bill('2026-11-02T09:05');
    await at('2026-12-01T12:00'); // 29 natural days
    const agent = await session(agentUser);
    await clearForDetails(t, agent.write, id);
    const preview = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${id}/cancellation`,
      headers: agent.read,
    });
    expect(preview.json().refund).toMatchObject({ eligible: true, amountCentavos: 21_800 });

    const res = await cancelByAgent(id);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().refund).toMatchObject({ eligible: true, status: 'completed', amountCentavos: 21_800 });
    expect(res.json().refund.reasons.map((r: { code: string }) => r.code)).toEqual([
      'WITHIN_REFUND_WINDOW',
      'NO_ASSISTANCE_USED',
    ]);
    expect(res.json().coverageEndsAt).toBe(clock.now().toISOString());
    const [charge] = await charges(id);
    expect(charge).toMatchObject({ refundedCentavos: 21_800 });
    expect(await mayUseTow(id)).toBe(false);
    // The processor refunded it once.
    const refunded = await rows<{ n: number }>(
      t.database.handle.db,
      sql`select count(*)::int as n from sandbox_refunds r
          join sandbox_charges s on s.id = r.charge_id
          join charges c on c.gateway_charge_id = s.gateway_charge_id
          where c.membership_id = ${id}`,
    );
    expect(refunded[0]?.n).toBe(1);
  });

  it('day 31: no refund, and the answer says why', async () => {
    const id = await byPhone('2026-11-01T09:00');
    await bill('2026-11-01T09:05');
    await at('2026-12-02T12:00'); // 31 natural days
    const res = await cancelByAgent(id);
    expect(res.json().refund).toMatchObject({ eligible: false, amountCentavos: 0 });
    const reason = res.json().refund.reasons.find((r: { code: string }) => r.code === 'REFUND_WINDOW_PASSED');
    expect(reason.es).toContain('31 días naturales');
    expect((await charges(id))[0]?.refundedCentavos).toBe(0);
    // The period paid (1 November to 1 December) is over: coverage ends now.
    expect(res.json().coverageEndsAt).toBe(clock.now().toISOString());
  });

  it('day 10 after a tow: no refund, because assistance was used', async () => {
    const id = await byPhone('2026-11-15T09:00');
    await bill('2026-11-15T09:05');
    await at('2026-11-20T10:00');
    const kase = await buildCase(t, { membershipId: id, by: 'system' });
    await t.services.onsite.assignByHand(SYSTEM_ACTOR, kase.id, {
      providerId,
      reason: 'prueba',
      quoteCentavos: 50_000,
    });
    await at('2026-11-25T10:00');
    const res = await cancelByAgent(id);
    expect(res.json().refund).toMatchObject({ eligible: false });
    expect(res.json().refund.reasons.map((r: { code: string }) => r.code)).toEqual([
      'WITHIN_REFUND_WINDOW',
      'ASSISTANCE_USED',
    ]);
    expect((await charges(id))[0]?.refundedCentavos).toBe(0);
  });
});

describe('after a cancellation', () => {
  it('the same person can contract again as new, and the old membership keeps its history', async () => {
    const first = await online('2026-11-25T13:00');
    const customer = await signIn(t, { email: first.email, password: PASSWORD });
    await t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${first.id}/cancellation`,
      headers: customer.write,
      payload: {},
    });
    const again = await t.app.inject({
      method: 'POST',
      url: '/v1/memberships',
      headers: customer.write,
      payload: contractBody(await tokenize(t)),
    });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().id).not.toBe(first.id);
    const events = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${first.id}/events`,
      headers: customer.read,
    });
    expect(events.json().data.map((e: { type: string }) => e.type)).toEqual(['contracted', 'state_changed']);
  });
});
