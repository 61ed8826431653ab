import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import type { ChargeView } from '../src/domains/billing/views.ts';
import { type ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, sessionsOf, signIn, type TestUser } from './support/auth.ts';
import { onPostgres } from './support/database.ts';
import { buildMembership, contractBody, tokenize } from './support/factories.ts';
import { clearForDetails } from './support/members.ts';
import { TEST_CARD } from './support/payments.ts';

let t: TestApp;
let clock: ManualClock;
let agentUser: TestUser;
let financeUser: TestUser;
/** Sessions valid at the clock's time (these tests move it by days and weeks). */
const sessionOf = sessionsOf(() => t);

const agent = {
  get read() {
    return sessionOf(agentUser).then((s) => s.read);
  },
  get write() {
    return sessionOf(agentUser).then((s) => s.write);
  },
};
const finance = {
  get read() {
    return sessionOf(financeUser).then((s) => s.read);
  },
  get write() {
    return sessionOf(financeUser).then((s) => s.write);
  },
};

beforeAll(async () => {
  t = await buildTestApp();
  clock = t.clock as ManualClock;
  agentUser = await createUser(t, 'agent');
  financeUser = await createUser(t, 'finance');
});
afterAll(async () => t.close());

/** Runs billing at a Mexico City wall-clock time, with the clock there too. */
async function billAt(local: string) {
  const at = mexicoCityTime(local);
  clock.set(at);
  return t.services.billing.run({ at, trigger: 'test' });
}

async function phoneMembership(card: string = TEST_CARD.visaCredit, at = '2026-11-25T14:05') {
  clock.set(mexicoCityTime(at));
  return buildMembership(t, { by: await agent.write, card });
}

async function chargesOf(membershipId: string, headers?: Record<string, string>) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/memberships/${membershipId}/charges`,
    headers: headers ?? (await finance.read),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as ChargeView[];
}

/** The agent reads the member as on a call, days apart: each read after its own identity check. */
async function membership(id: string) {
  await clearForDetails(t, await agent.write, id);
  const res = await t.app.inject({ method: 'GET', url: `/v1/memberships/${id}`, headers: await agent.read });
  return res.json();
}

async function events(id: string) {
  await clearForDetails(t, await agent.write, id);
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/memberships/${id}/events`,
    headers: await agent.read,
  });
  return (
    res.json().data as Array<{ type: string; fromState: string; toState: string; reason: string }>
  ).filter((e) => e.type === 'state_changed');
}

async function sandboxChargesFor(token: string): Promise<number> {
  const [row] = await rows<{ n: number }>(
    t.database.handle.db,
    sql`select count(*)::int as n from sandbox_charges where token = ${token}`,
  );
  return row?.n ?? 0;
}

describe('the monthly charge', () => {
  it('charges a phone membership on its contracting day, once, with a receipt that splits IVA', async () => {
    const m = await phoneMembership(TEST_CARD.visaCredit, '2026-11-25T14:05');
    expect(m.nextChargeOn).toBe('2026-11-25');

    const first = await billAt('2026-11-25T14:10');
    expect(first.created).toBeGreaterThanOrEqual(1);
    const [charge] = await chargesOf(m.id);
    expect(charge).toMatchObject({
      status: 'succeeded',
      method: 'card',
      period: { key: '2026-11' },
      amount: { totalCentavos: 21800, baseCentavos: 18793, ivaCentavos: 3007, currency: 'MXN' },
    });
    expect(charge?.period.startsAt).toBe(mexicoCityTime('2026-11-25T14:05').toISOString());
    expect(charge?.period.endsAt).toBe(mexicoCityTime('2026-12-25T00:00').toISOString());
    expect(charge?.receipt).toMatchObject({
      totalCentavos: 21800,
      baseCentavos: 18793,
      ivaCentavos: 3007,
      ivaRatePercent: 16,
      card: { brand: 'visa', last4: '4242' },
      cfdi: {
        receiverRfc: 'XAXX010101000',
        receiverFiscalRegime: '616',
        cfdiUse: 'S01',
        paymentForm: '04',
        paymentMethod: 'PUE',
        currency: 'MXN',
      },
    });
    expect((await membership(m.id)).nextChargeOn).toBe('2026-12-25');

    // The same instant again, and later the same day: nothing more.
    await billAt('2026-11-25T14:10');
    await billAt('2026-11-25T23:59');
    expect(await chargesOf(m.id)).toHaveLength(1);

    // The next month's due date.
    await billAt('2026-12-25T00:05');
    const both = await chargesOf(m.id);
    expect(both.map((c) => c.period.key)).toEqual(['2026-12', '2026-11']);
    expect(both.every((c) => c.status === 'succeeded')).toBe(true);
  });

  it('charges a debit card as a direct debit (payment form 28)', async () => {
    const m = await phoneMembership(TEST_CARD.visaDebit, '2026-11-26T10:00');
    await billAt('2026-11-26T10:01');
    const [charge] = await chargesOf(m.id);
    expect(charge).toMatchObject({ method: 'direct_debit', status: 'succeeded' });
    expect(charge?.receipt?.cfdi.paymentForm).toBe('28');
  });

  it('charges nothing in the free months, sends the notice days before, then charges and activates', async () => {
    clock.set(mexicoCityTime('2026-11-27T09:00'));
    const token = await tokenize(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/memberships',
      payload: contractBody(token, { account: { password: 'una contraseña larga 2026' } }),
    });
    expect(res.statusCode, res.body).toBe(201);
    const m = res.json();
    expect(m).toMatchObject({ state: 'trial', nextChargeOn: '2027-01-27' });

    await billAt('2026-12-27T00:05');
    expect(await chargesOf(m.id)).toHaveLength(0);

    // Seven days before the first charge the notice is written, to be sent five days before it.
    await billAt('2027-01-20T00:05');
    const notices = await rows<{ send_at: Date; body_es: string }>(
      t.database.handle.db,
      sql`select send_at, body_es from notifications where membership_id = ${m.id} and kind = 'charge_notice'`,
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]?.send_at.toISOString()).toBe(mexicoCityTime('2027-01-22T00:00').toISOString());
    expect(notices[0]?.body_es).toContain('27 de enero de 2027');
    expect(notices[0]?.body_es).toContain('$218.00');
    await billAt('2027-01-21T00:05');
    const again = await rows(
      t.database.handle.db,
      sql`select 1 from notifications where membership_id = ${m.id} and kind = 'charge_notice'`,
    );
    expect(again).toHaveLength(1);

    await billAt('2027-01-27T00:05');
    const [charge] = await chargesOf(m.id);
    expect(charge).toMatchObject({ status: 'succeeded', period: { key: '2027-01' } });
    expect((await membership(m.id)).state).toBe('active');
    expect((await events(m.id)).map((e) => [e.fromState, e.toState])).toEqual([['trial', 'active']]);
  });
});

describe('declines, retries and suspension', () => {
  it('goes past_due at once, retries after 1, 3 and 7 days, suspends, and a new card makes it active', async () => {
    const m = await phoneMembership(TEST_CARD.insufficientFunds, '2026-11-25T15:00');
    await billAt('2026-11-25T15:05');
    let [charge] = await chargesOf(m.id);
    expect(charge).toMatchObject({ status: 'failed', declineCode: 'insufficient_funds' });
    expect(charge?.retryAt).toBe(mexicoCityTime('2026-11-26T00:00').toISOString());
    expect((await membership(m.id)).state).toBe('past_due');

    // Services are refused while past due.
    const check = await t.app.inject({
      method: 'POST',
      url: '/v1/eligibility/checks',
      headers: await agent.write,
      payload: { membershipId: m.id, personId: 'titular', serviceCode: 'tow-truck' },
    });
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json()).toMatchObject({ allowed: false });

    // Not before its day.
    await billAt('2026-11-25T23:59');
    expect((await chargesOf(m.id))[0]?.attempts).toHaveLength(1);

    await billAt('2026-11-26T00:05');
    [charge] = await chargesOf(m.id);
    expect(charge?.attempts).toHaveLength(2);
    expect(charge?.retryAt).toBe(mexicoCityTime('2026-11-28T00:00').toISOString());

    await billAt('2026-11-28T00:05');
    [charge] = await chargesOf(m.id);
    expect(charge?.retryAt).toBe(mexicoCityTime('2026-12-02T00:00').toISOString());
    expect((await membership(m.id)).state).toBe('past_due');

    await billAt('2026-12-02T00:05');
    [charge] = await chargesOf(m.id);
    expect(charge).toMatchObject({ status: 'failed', retryAt: null });
    expect(charge?.attempts.map((a: { status: string }) => a.status)).toEqual([
      'declined',
      'declined',
      'declined',
      'declined',
    ]);
    expect((await membership(m.id)).state).toBe('suspended');

    // Nothing more is tried on the old card.
    await billAt('2026-12-10T00:05');
    expect((await chargesOf(m.id))[0]?.attempts).toHaveLength(4);

    // A new card that pays: charged at once, active again.
    clock.set(mexicoCityTime('2026-12-10T11:00'));
    await clearForDetails(t, await agent.write, m.id);
    const res = await t.app.inject({
      method: 'PUT',
      url: `/v1/memberships/${m.id}/card`,
      headers: await agent.write,
      payload: { cardToken: await tokenize(t, TEST_CARD.mastercardCredit) },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().state).toBe('active');
    [charge] = await chargesOf(m.id);
    expect(charge).toMatchObject({ status: 'succeeded', card: { last4: '4444' } });
    expect(charge?.attempts).toHaveLength(5);
    expect((await events(m.id)).map((e) => [e.fromState, e.toState])).toEqual([
      ['active', 'past_due'],
      ['past_due', 'suspended'],
      ['suspended', 'active'],
    ]);
  });

  it('skips the periods that fall due while suspended', async () => {
    const m = await phoneMembership(TEST_CARD.alwaysDeclined, '2026-11-24T10:00');
    await billAt('2026-11-24T10:05');
    for (const day of ['2026-11-25', '2026-11-27', '2026-12-01']) await billAt(`${day}T00:05`);
    expect((await membership(m.id)).state).toBe('suspended');
    await billAt('2026-12-24T00:05');
    expect(await chargesOf(m.id)).toHaveLength(1);
    expect((await membership(m.id)).nextChargeOn).toBe('2027-01-24');
  });

  it('finance retries a declined charge by hand', async () => {
    const m = await phoneMembership(TEST_CARD.alwaysDeclined, '2026-11-25T16:00');
    await billAt('2026-11-25T16:05');
    const [charge] = await chargesOf(m.id);
    const retry = await t.app.inject({
      method: 'POST',
      url: `/v1/charges/${charge?.id}/retry`,
      headers: await finance.write,
    });
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toMatchObject({ status: 'failed' });
    expect(retry.json().attempts).toHaveLength(2);

    const agentTry = await t.app.inject({
      method: 'POST',
      url: `/v1/charges/${charge?.id}/retry`,
      headers: await agent.write,
    });
    expect(agentTry.statusCode).toBe(403);
  });
});

describe('processor timeouts', () => {
  it('leaves the charge unknown and reconciles it without a second charge', async () => {
    const m = await phoneMembership(TEST_CARD.timesOut, '2026-11-25T17:00');
    const token = m.body.cardToken;
    const run = await billAt('2026-11-25T17:05');
    expect(run.unknown).toBeGreaterThanOrEqual(1);
    let [charge] = await chargesOf(m.id);
    expect(charge).toMatchObject({ status: 'unknown', receipt: null });
    expect((await membership(m.id)).state).toBe('active');
    expect(await sandboxChargesFor(token)).toBe(1);

    const reconciled = await t.services.billing.reconcile();
    expect(reconciled.reconciled).toBeGreaterThanOrEqual(1);
    [charge] = await chargesOf(m.id);
    expect(charge).toMatchObject({ status: 'succeeded' });
    expect(charge?.attempts).toEqual([expect.objectContaining({ number: 1, status: 'succeeded' })]);
    expect(await sandboxChargesFor(token)).toBe(1);

    // A later run changes nothing.
    await billAt('2026-11-26T00:05');
    expect(await sandboxChargesFor(token)).toBe(1);
  });
});

describe('a crash in the middle of a run', () => {
  it('is finished by the next run without charging anyone twice', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await phoneMembership(TEST_CARD.visaCredit, '2026-11-23T09:00')).id);
    clock.set(mexicoCityTime('2026-11-23T09:05'));
    await expect(
      t.services.billing.run({
        at: clock.now(),
        trigger: 'test',
        beforeAttempts: () => {
          throw new Error('crash');
        },
      }),
    ).rejects.toThrow('crash');
    // Let go by the crashed run as it stopped: unknown (a call may have gone out), held by nobody.
    const released = await rows<{ n: number }>(
      t.database.handle.db,
      sql`select count(*)::int as n from charges
          where status = 'unknown' and claimed_until is null and claimed_by is null`,
    );
    expect(released[0]?.n).toBeGreaterThanOrEqual(5);
    // So the next run, at the same instant, asks about them and sends them: no claim to wait out.
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    for (const id of ids) {
      const list = await chargesOf(id);
      expect(list).toHaveLength(1);
      expect(list[0]?.status).toBe('succeeded');
    }
  });
});

describe('refunds', () => {
  it('refunds in parts, never more than charged, idempotently', async () => {
    const m = await phoneMembership(TEST_CARD.visaCredit, '2026-11-25T18:00');
    await billAt('2026-11-25T18:05');
    const [charge] = await chargesOf(m.id);
    const refund = async (
      payload: object,
      key?: string,
      headers: Promise<Record<string, string>> = finance.write,
    ) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/charges/${charge?.id}/refunds`,
        headers: { ...(await headers), ...(key ? { 'idempotency-key': key } : {}) },
        payload,
      });

    const part = await refund({ amountCentavos: 10_000, reason: 'Cobro duplicado reportado' }, 'r-1');
    expect(part.statusCode, part.body).toBe(201);
    expect(part.json()).toMatchObject({ amountCentavos: 10_000, status: 'succeeded' });
    const replay = await refund({ amountCentavos: 10_000, reason: 'Cobro duplicado reportado' }, 'r-1');
    expect(replay.json().id).toBe(part.json().id);
    expect(replay.headers['idempotent-replayed']).toBe('true');

    const tooMuch = await refund({ amountCentavos: 11_801, reason: 'Demasiado' });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json()).toMatchObject({ code: 'REFUND_EXCEEDS_CHARGE', refundableCentavos: 11_800 });

    const rest = await refund({ reason: 'Cancelación dentro de 30 días' });
    expect(rest.json()).toMatchObject({ amountCentavos: 11_800, status: 'succeeded' });
    const none = await refund({ amountCentavos: 1, reason: 'Otra vez' });
    expect(none.json().code).toBe('REFUND_EXCEEDS_CHARGE');

    const [after] = await chargesOf(m.id);
    expect(after?.refundedCentavos).toBe(21_800);
    expect(after?.refunds).toHaveLength(2);

    expect((await refund({ reason: 'No soy finanzas' }, undefined, agent.write)).statusCode).toBe(403);
  });

  it('refuses to refund a charge that was not collected', async () => {
    const m = await phoneMembership(TEST_CARD.alwaysDeclined, '2026-11-25T19:00');
    await billAt('2026-11-25T19:05');
    const [charge] = await chargesOf(m.id);
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/charges/${charge?.id}/refunds`,
      headers: await finance.write,
      payload: { reason: 'Intento' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('CHARGE_NOT_REFUNDABLE');
  });
});

describe('who sees charges', () => {
  it('a customer sees their own charges and receipts, never another’s', async () => {
    clock.set(mexicoCityTime('2026-11-25T12:00'));
    const mine = await buildMembership(t, { account: { password: 'una contraseña larga 2026' } });
    const { body } = mine;
    const customer = await signIn(t, { email: body.titular.email, password: 'una contraseña larga 2026' });
    const other = await phoneMembership(TEST_CARD.visaCredit, '2026-11-25T12:30');
    await billAt('2026-11-25T12:35');
    const [othersCharge] = await chargesOf(other.id);

    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/v1/memberships/${mine.id}/charges`,
          headers: customer.read,
        })
      ).statusCode,
    ).toBe(200);
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${other.id}/charges`,
      headers: customer.read,
    });
    expect(foreign.statusCode).toBe(404);
    const foreignCharge = await t.app.inject({
      method: 'GET',
      url: `/v1/charges/${othersCharge?.id}`,
      headers: customer.read,
    });
    expect(foreignCharge.statusCode).toBe(404);
    expect(foreignCharge.json().code).toBe('CHARGE_NOT_FOUND');
  });

  it('audits staff reads of charges', async () => {
    const m = await phoneMembership(TEST_CARD.visaCredit, '2026-11-25T13:00');
    await billAt('2026-11-25T13:05');
    const [charge] = await chargesOf(m.id);
    await t.app.inject({ method: 'GET', url: `/v1/charges/${charge?.id}`, headers: await finance.read });
    const audited = await rows<{ action: string }>(
      t.database.handle.db,
      sql`select action from audit_log where record_id = ${charge?.id} and action = 'charge.read'`,
    );
    expect(audited.length).toBeGreaterThanOrEqual(1);
  });

  it('finance lists failed charges', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/charges?status=failed',
      headers: await finance.read,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.length).toBeGreaterThan(0);
    expect(res.json().data.every((c: { status: string }) => c.status === 'failed')).toBe(true);
  });
});

describe('billing runs through the API', () => {
  it('finance starts a run and follows it to its summary', async () => {
    clock.set(mexicoCityTime('2026-12-26T00:05'));
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/billing/runs',
      headers: await finance.write,
      payload: {},
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().status).toBe('running');
    await t.services.billing.drain();
    const done = await t.app.inject({
      method: 'GET',
      url: `/v1/billing/runs/${res.json().id}`,
      headers: await finance.read,
    });
    expect(done.json()).toMatchObject({ status: 'completed', trigger: 'api' });
    expect(done.json().summary).toHaveProperty('created');
  });

  it('marks interrupted the record of a run whose process died hours ago', async () => {
    clock.set(mexicoCityTime('2026-12-27T00:05'));
    const ghost = '01a2aaaa-0000-7000-8000-0000000000aa';
    await t.database.handle.db.execute(
      sql`insert into billing_runs (id, at, trigger, requested_by_type, status, started_at)
          values (${ghost}, ${clock.now()}, 'cli', 'system', 'running', ${new Date(clock.now().getTime() - 5 * 3600_000)})`,
    );
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    const view = await t.services.billing.runView(ghost);
    expect(view).toMatchObject({
      status: 'interrupted',
      error: expect.stringContaining('no heartbeat since'),
    });
  });

  it('refuses a run in the future, and anyone but finance', async () => {
    clock.set(mexicoCityTime('2026-12-26T00:05'));
    const future = await t.app.inject({
      method: 'POST',
      url: '/v1/billing/runs',
      headers: await finance.write,
      payload: { at: '2027-01-01T00:05' },
    });
    expect(future.statusCode).toBe(422);
    expect(future.json().code).toBe('BILLING_RUN_IN_FUTURE');
    const byAgent = await t.app.inject({
      method: 'POST',
      url: '/v1/billing/runs',
      headers: await agent.write,
      payload: {},
    });
    expect(byAgent.statusCode).toBe(403);
  });
});

describe('the daily schedule', () => {
  it('keeps the run on a cron in Mexico City time, and a job of its queue bills', async () => {
    const app = await buildTestApp({ env: { JOB_WORKERS: 'true', JOB_POLL_SECONDS: '1' } });
    try {
      const schedules = await rows<{ name: string; cron: string; timezone: string }>(
        app.database.handle.db,
        sql`select name, cron, timezone from pgboss.schedule where name like 'billing-%' order by name`,
      );
      expect(schedules).toEqual([
        { name: 'billing-janitor', cron: '* * * * *', timezone: 'America/Mexico_City' },
        { name: 'billing-reconcile', cron: '*/15 * * * *', timezone: 'America/Mexico_City' },
        { name: 'billing-run', cron: '5 0 * * *', timezone: 'America/Mexico_City' },
      ]);
      // What the cron does at 00:05: a job on the queue, which a worker runs.
      await app.services.jobs.send(app.database.handle.db, 'billing-run', {}, new Date());
      let runs: { trigger: string; status: string }[] = [];
      for (let i = 0; i < 40 && runs.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        runs = await rows(
          app.database.handle.db,
          sql`select trigger, status from billing_runs where trigger = 'schedule' and status = 'completed'`,
        );
      }
      expect(runs).toEqual([{ trigger: 'schedule', status: 'completed' }]);
    } finally {
      await app.close();
    }
  }, 60_000);
});

describe('a run beside a cancellation in progress', () => {
  // Only PostgreSQL has two transactions at once (PGlite is one connection).
  it.skipIf(!onPostgres)(
    'neither waits for the other: the run bills while the cancellation holds the membership, which then clears the schedule',
    async () => {
      const active = await phoneMembership(TEST_CARD.visaCredit, '2028-06-10T10:00');
      const suspended = await phoneMembership(TEST_CARD.visaCredit, '2028-06-10T10:01');
      const db = t.database.handle.db;
      await db.execute(sql`update memberships set state = 'suspended' where id = ${suspended.id}`);
      // As `cancel` does: each membership locked first, its schedule cleared last, in one transaction.
      let holding!: () => void;
      const held = new Promise<void>((resolve) => {
        holding = resolve;
      });
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const cancelling = db.transaction(async (tx) => {
        await t.services.members.load(tx, SYSTEM_ACTOR, active.id, true);
        await t.services.members.load(tx, SYSTEM_ACTOR, suspended.id, true);
        holding();
        await released;
        for (const id of [active.id, suspended.id])
          await t.services.members.changeState(tx, SYSTEM_ACTOR, id, 'cancelled', 'Cancelación (prueba)');
      });
      await held;
      // The suspended membership's skipped period is an event that references it: with the
      // membership locked `for update` the run waited for the cancellation, which waited for the
      // run's schedule rows.
      await billAt('2028-06-10T10:05');
      release();
      await cancelling;
      const charged = await rows<{ membership_id: string; period_key: string }>(
        db,
        sql`select membership_id, period_key from charges where membership_id in (${active.id}, ${suspended.id})`,
      );
      expect(charged).toEqual([{ membership_id: active.id, period_key: '2028-06' }]);
      const skipped = await rows<{ n: number }>(
        db,
        sql`select count(*)::int as n from membership_events
            where membership_id = ${suspended.id} and type = 'period_not_charged'`,
      );
      expect(skipped).toEqual([{ n: 1 }]);
      expect(await membership(active.id)).toMatchObject({ state: 'cancelled', nextChargeOn: null });
      const schedules = await rows<{ next_charge_at: Date | null }>(
        db,
        sql`select next_charge_at from billing_schedule where membership_id in (${active.id}, ${suspended.id})`,
      );
      expect(schedules).toEqual([{ next_charge_at: null }, { next_charge_at: null }]);
    },
    60_000,
  );
});
