import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import { type ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, sessionsOf, type TestUser } from './support/auth.ts';
import { buildMembership, tokenize } from './support/factories.ts';
import { TEST_CARD } from './support/payments.ts';

/**
 * A new card pays what the old one could not (issue 23): `PUT /v1/memberships/{id}/card` charges
 * each declined charge to the new card in the same request, once, and answers how each went, so
 * the portal can say "paid, active again" or the decline and what to do.
 */
let t: TestApp;
let clock: ManualClock;
let agentUser: TestUser;
const sessionOf = sessionsOf(() => t);
const agent = () => sessionOf(agentUser).then((s) => s.write);

beforeAll(async () => {
  t = await buildTestApp();
  clock = t.clock as ManualClock;
  agentUser = await createUser(t, 'agent');
});
afterAll(async () => t.close());

/** A phone membership whose first charge was declined: past due. */
async function pastDue(at: string) {
  clock.set(mexicoCityTime(at));
  const m = await buildMembership(t, { by: await agent(), card: TEST_CARD.alwaysDeclined });
  await t.services.billing.run({ at: clock.now(), trigger: 'test' });
  expect((await t.services.members.get(SYSTEM_ACTOR, m.id)).state).toBe('past_due');
  return m;
}

async function replaceCard(membershipId: string, card: string) {
  return t.app.inject({
    method: 'PUT',
    url: `/v1/memberships/${membershipId}/card`,
    headers: await agent(),
    payload: { cardToken: await tokenize(t, card) },
  });
}

async function processorCalls(membershipId: string): Promise<number> {
  const [row] = await rows<{ n: number }>(
    t.database.handle.db,
    sql`select count(*)::int as n from charge_attempts a join charges c on c.id = a.charge_id
        where c.membership_id = ${membershipId}`,
  );
  return row?.n ?? 0;
}

describe('a new card pays what is owed', () => {
  it('charges the declined charge to the new card once, in the request, and the membership is active again', async () => {
    const m = await pastDue('2026-11-25T10:00');
    expect(await processorCalls(m.id)).toBe(1);

    const res = await replaceCard(m.id, TEST_CARD.mastercardCredit);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ state: 'active', card: { last4: '4444' } });
    expect(res.json().outstanding).toEqual([
      expect.objectContaining({ status: 'succeeded', amountCentavos: 21_800, declineCode: null }),
    ]);
    expect(await processorCalls(m.id)).toBe(2);

    // Another change of card owes nothing: nothing is charged again.
    const again = await replaceCard(m.id, TEST_CARD.visaCredit);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ state: 'active', outstanding: [] });
    expect(await processorCalls(m.id)).toBe(2);
  });

  it('says why a new card was declined, and the membership stays past due', async () => {
    const m = await pastDue('2026-11-25T11:00');
    const res = await replaceCard(m.id, TEST_CARD.insufficientFunds);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().state).toBe('past_due');
    expect(res.json().outstanding).toEqual([
      expect.objectContaining({
        status: 'failed',
        declineCode: 'insufficient_funds',
        declineLabel: { es: 'Fondos insuficientes', en: 'Insufficient funds' },
      }),
    ]);
    expect(await processorCalls(m.id)).toBe(2);

    // A card that pays, afterwards, pays it.
    const paid = await replaceCard(m.id, TEST_CARD.visaCredit);
    expect(paid.json()).toMatchObject({
      state: 'active',
      outstanding: [expect.objectContaining({ status: 'succeeded' })],
    });
    expect(await processorCalls(m.id)).toBe(3);
  });

  it('charges nothing when nothing is owed', async () => {
    clock.set(mexicoCityTime('2026-11-25T12:00'));
    const m = await buildMembership(t, { by: await agent() });
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    const before = await processorCalls(m.id);
    const res = await replaceCard(m.id, TEST_CARD.mastercardCredit);
    expect(res.json()).toMatchObject({ state: 'active', outstanding: [] });
    expect(await processorCalls(m.id)).toBe(before);
  });

  it('charges once when two card changes arrive together', async () => {
    const m = await pastDue('2026-11-25T14:00');
    const [a, b] = await Promise.all([
      replaceCard(m.id, TEST_CARD.mastercardCredit),
      replaceCard(m.id, TEST_CARD.visaCredit),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    // One of the two charged the debt; the other found it taken and charged nothing.
    const tried = [...a.json().outstanding, ...b.json().outstanding];
    expect(tried).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    expect(await processorCalls(m.id)).toBe(2);
    expect((await t.services.members.get(SYSTEM_ACTOR, m.id)).state).toBe('active');
  });

  it('refuses a card the processor does not know, changing and charging nothing', async () => {
    const m = await pastDue('2026-11-25T13:00');
    const res = await t.app.inject({
      method: 'PUT',
      url: `/v1/memberships/${m.id}/card`,
      headers: await agent(),
      payload: { cardToken: 'tok_no_existe' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('CARD_TOKEN_UNKNOWN');
    expect(await processorCalls(m.id)).toBe(1);
  });
});
