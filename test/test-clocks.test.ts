import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { rows } from '../src/db/client.ts';
import { SCOPES_BY_KIND } from '../src/domains/identity/api-keys.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { bearer, createApiKey, createUser, signIn } from './support/auth.ts';
import { contractBody } from './support/factories.ts';
import { TEST_CARD, tokenizeTestCard } from './support/payments.ts';

/**
 * Test clocks (docs/test-clocks.md): a bank's memberships on a clock are billed, retried,
 * suspended and told about in the clock's time when it is advanced, and nothing else is touched;
 * the real daily run never touches them.
 */
let t: TestApp;
let bank: Record<string, string>;
let otherBank: Record<string, string>;

/** Noon in Mexico City, 10 January 2027: the clocks' starting time. */
const T0 = '2027-01-10T18:00:00.000Z';
const days = (n: number, from = T0) => new Date(new Date(from).getTime() + n * 86_400_000).toISOString();

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, who = bank, payload?: object) {
  const res = await t.app.inject({
    method,
    url,
    headers: who,
    ...(payload === undefined ? {} : { payload }),
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> & { code?: string } };
}

async function newClock(name: string, who = bank): Promise<string> {
  const made = await call('POST', '/v1/test-clocks', who, { name, frozenTime: T0 });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return made.body.id as string;
}

async function contractOn(testClockId: string | undefined, card: string = TEST_CARD.visaCredit, who = bank) {
  const token = (await tokenizeTestCard(t, card)).token;
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/memberships',
    headers: who,
    payload: { ...contractBody(token), ...(testClockId ? { testClockId } : {}) },
  });
  return { status: res.statusCode, body: res.json() as { id: string; code?: string; state: string } };
}

async function advance(id: string, to: string, who = bank) {
  return call('POST', `/v1/test-clocks/${id}/advance`, who, { to });
}

type Charge = { status: string; period: { key: string }; attempts: { number: number }[] };
async function chargesOf(membershipId: string): Promise<Charge[]> {
  const res = await call('GET', `/v1/memberships/${membershipId}/charges`);
  expect(res.status).toBe(200);
  return res.body.data as Charge[];
}

type Event = { type: string; occurredAt: string; membershipId: string | null; data: Record<string, unknown> };
async function eventsOf(membershipId: string): Promise<Event[]> {
  const res = await call('GET', '/v1/events?limit=500');
  expect(res.status).toBe(200);
  return (res.body.data as Event[]).filter((e) => e.membershipId === membershipId);
}

beforeAll(async () => {
  t = await buildTestApp();
  bank = bearer((await createApiKey(t, 'partner', [...SCOPES_BY_KIND.partner])).key);
  otherBank = bearer((await createApiKey(t, 'partner', [...SCOPES_BY_KIND.partner])).key);
});
afterAll(async () => t?.close());

describe('a test clock', () => {
  it('bills its membership once per period it passes, in its time, and nothing else', async () => {
    const clockId = await newClock('Renovación mensual');
    const onClock = await contractOn(clockId);
    expect(onClock.status, JSON.stringify(onClock.body)).toBe(201);
    const realTime = await contractOn(undefined);
    expect(realTime.status).toBe(201);

    // The first period falls due at contracting: an hour on, it is charged.
    const first = await advance(clockId, '2027-01-10T19:00:00.000Z');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(await chargesOf(onClock.body.id)).toHaveLength(1);

    // 35 days on: exactly one new charge, the February period, paid.
    const later = await advance(clockId, days(35));
    expect(later.status, JSON.stringify(later.body)).toBe(200);
    expect((later.body.advance as { charged: number }).charged).toBe(1);
    const charges = await chargesOf(onClock.body.id);
    expect(charges.map((c) => [c.period.key, c.status]).sort()).toEqual([
      ['2027-01', 'succeeded'],
      ['2027-02', 'succeeded'],
    ]);
    expect((later.body.clock as { frozenTime: string }).frozenTime).toBe(days(35));

    // The events carry the clock's time and its id: paid on 10 February 00:00 in Mexico City.
    const paid = (await eventsOf(onClock.body.id)).filter((e) => e.type === 'charge.succeeded');
    expect(paid.map((e) => e.occurredAt)).toEqual(['2027-01-10T18:00:00.000Z', '2027-02-10T06:00:00.000Z']);
    expect(paid.every((e) => e.data.testClockId === clockId)).toBe(true);
    const created = (await eventsOf(onClock.body.id)).find((e) => e.type === 'membership.created');
    expect(created?.occurredAt).toBe(T0);

    // The same advance again does not bill twice; going back is refused.
    const again = await advance(clockId, days(35));
    expect(again.status).toBe(200);
    expect((again.body.advance as { charged: number }).charged).toBe(0);
    expect(await chargesOf(onClock.body.id)).toHaveLength(2);
    const back = await advance(clockId, days(20));
    expect([back.status, back.body.code]).toEqual([422, 'TEST_CLOCK_BACKWARDS']);
    const tooFar = await advance(clockId, days(35 + 2 * 366));
    expect([tooFar.status, tooFar.body.code]).toEqual([422, 'TEST_CLOCK_TOO_FAR']);

    // The membership on real time was not touched by any advance.
    expect(await chargesOf(realTime.body.id)).toHaveLength(0);

    // The real daily run, even months later, charges the real one and leaves the clock's alone.
    await t.services.billing.run({ at: new Date('2027-06-01T12:00:00Z'), trigger: 'test' });
    expect((await chargesOf(realTime.body.id)).length).toBeGreaterThan(0);
    expect(await chargesOf(onClock.body.id)).toHaveLength(2);

    // Its messages (receipts, the February notice) are written as test messages, never delivered.
    const messages = await rows<{ kind: string; status: string }>(
      t.database.handle.db,
      sql`select kind, status from notifications where membership_id = ${onClock.body.id}`,
    );
    expect(messages.map((m) => m.kind)).toEqual(
      expect.arrayContaining(['charge_succeeded', 'charge_notice']),
    );
    expect(new Set(messages.map((m) => m.status))).toEqual(new Set(['test']));
  });

  it('takes a declining card to past due, retries on the schedule, then suspends — all as events', async () => {
    const clockId = await newClock('Tarjeta rechazada');
    const m = await contractOn(clockId, TEST_CARD.alwaysDeclined);
    expect(m.status).toBe(201);

    const moved = await advance(clockId, days(35));
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);

    const [charge, ...others] = await chargesOf(m.body.id);
    expect(others, 'February is not charged while suspended').toEqual([]);
    expect(charge?.status).toBe('failed');
    expect(charge?.attempts).toHaveLength(4);

    const events = await eventsOf(m.body.id);
    // Declined at contracting, then retried 1, 3 and 7 days after that day (00:00 Mexico City).
    expect(events.filter((e) => e.type === 'charge.failed').map((e) => e.occurredAt)).toEqual([
      T0,
      '2027-01-11T06:00:00.000Z',
      '2027-01-13T06:00:00.000Z',
      '2027-01-17T06:00:00.000Z',
    ]);
    const moves = events
      .filter((e) => e.type === 'membership.state_changed')
      .map((e) => [e.data.fromState, e.data.toState, e.occurredAt]);
    expect(moves).toEqual([
      ['active', 'past_due', T0],
      ['past_due', 'suspended', '2027-01-17T06:00:00.000Z'],
    ]);
    const clock = await call('GET', `/v1/test-clocks/${clockId}`);
    expect((clock.body.memberships as { state: string }[]).map((x) => x.state)).toEqual(['suspended']);
  });

  it('runs a year of renewals in one advance, and the anniversary starts a new membership year', async () => {
    const clockId = await newClock('Un año');
    const m = await contractOn(clockId);
    const usage = async () =>
      (await call('GET', `/v1/memberships/${m.body.id}/usage`)).body.membershipYear as {
        number: number;
        startsAt: string;
      };
    expect(await usage()).toMatchObject({ number: 1, startsAt: T0 });
    const moved = await advance(clockId, days(370));
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    // January 2027 to January 2028: thirteen periods, each charged once.
    const periods = (await chargesOf(m.body.id)).map((c) => c.period.key).sort();
    expect(periods).toHaveLength(13);
    expect(new Set(periods).size).toBe(13);
    expect(periods.at(-1)).toBe('2028-01');
    const second = await usage();
    expect(second.number).toBe(2);
    expect(second.startsAt).toMatch(/^2028-01-10T/);
  });

  it('takes one advance at a time: two at once bill each period once', async () => {
    const clockId = await newClock('Dos a la vez');
    const m = await contractOn(clockId);
    const [one, two] = await Promise.all([advance(clockId, days(35)), advance(clockId, days(35))]);
    const statuses = [one.status, two.status].sort();
    // The second either finds the clock advancing, or (if the first ended first) already there.
    expect([
      [200, 200],
      [200, 409],
    ]).toContainEqual(statuses);
    for (const res of [one, two]) if (res.status === 409) expect(res.body.code).toBe('TEST_CLOCK_ADVANCING');
    expect((await chargesOf(m.body.id)).map((c) => c.period.key).sort()).toEqual(['2027-01', '2027-02']);
    const clock = await call('GET', `/v1/test-clocks/${clockId}`);
    expect([clock.body.status, clock.body.frozenTime]).toEqual(['ready', days(35)]);
  });

  it('is its own partner’s: another key neither sees, advances, deletes nor contracts on it', async () => {
    const clockId = await newClock('Privado');
    for (const res of [
      await call('GET', `/v1/test-clocks/${clockId}`, otherBank),
      await advance(clockId, days(1), otherBank),
      await call('DELETE', `/v1/test-clocks/${clockId}`, otherBank),
    ])
      expect([res.status, res.body.code]).toEqual([404, 'TEST_CLOCK_NOT_FOUND']);
    const listed = await call('GET', '/v1/test-clocks', otherBank);
    expect((listed.body.data as { id: string }[]).map((c) => c.id)).not.toContain(clockId);
    const contracted = await contractOn(clockId, TEST_CARD.visaCredit, otherBank);
    expect([contracted.status, contracted.body.code]).toEqual([404, 'TEST_CLOCK_NOT_FOUND']);
    // Its own key lists it; finance sees every clock.
    expect(((await call('GET', '/v1/test-clocks')).body.data as { id: string }[]).map((c) => c.id)).toContain(
      clockId,
    );
    const finance = (await signIn(t, await createUser(t, 'finance'))).write;
    const all = await call('GET', '/v1/test-clocks', finance);
    expect((all.body.data as { id: string }[]).map((c) => c.id)).toContain(clockId);
  });

  it('deleted, cancels its memberships, which are never billed again', async () => {
    const clockId = await newClock('Para borrar');
    const m = await contractOn(clockId);
    const deleted = await call('DELETE', `/v1/test-clocks/${clockId}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.deletedAt).not.toBeNull();
    expect((deleted.body.memberships as { state: string }[]).map((x) => x.state)).toEqual(['cancelled']);
    const moved = await advance(clockId, days(40));
    expect([moved.status, moved.body.code]).toEqual([404, 'TEST_CLOCK_NOT_FOUND']);
    expect(await chargesOf(m.body.id)).toHaveLength(0);
  });
});

describe('without the sandbox', () => {
  it('is unavailable: refused at start in production, and answers TEST_CLOCKS_UNAVAILABLE when off', async () => {
    expect(loadConfig({ NODE_ENV: 'test' }).testClocks).toBe(true);
    expect(() => loadConfig({ NODE_ENV: 'production', TEST_CLOCKS: 'true' })).toThrow(
      /TEST_CLOCKS cannot be true/,
    );
    const off = await buildTestApp({ env: { TEST_CLOCKS: 'false' } });
    try {
      const key = bearer((await createApiKey(off, 'partner', [...SCOPES_BY_KIND.partner])).key);
      const made = await off.app.inject({
        method: 'POST',
        url: '/v1/test-clocks',
        headers: key,
        payload: { name: 'x', frozenTime: T0 },
      });
      expect([made.statusCode, made.json().code]).toEqual([404, 'TEST_CLOCKS_UNAVAILABLE']);
      const token = (await tokenizeTestCard(off)).token;
      const contracted = await off.app.inject({
        method: 'POST',
        url: '/v1/memberships',
        headers: key,
        payload: { ...contractBody(token), testClockId: '01900000-0000-7000-8000-000000000000' },
      });
      expect([contracted.statusCode, contracted.json().code]).toEqual([404, 'TEST_CLOCKS_UNAVAILABLE']);
    } finally {
      await off.close();
    }
  });
});
