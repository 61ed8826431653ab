/**
 * A billing run whose process died, found by its silent heartbeat (issue 19), with the clock in the
 * test's hands; on PGlite, and on PostgreSQL with TEST_DATABASE_URL. (The real thing, `kill -9` of
 * `libra billing run`, is test/billing-crash.test.ts, on PostgreSQL.)
 *
 * A dead run is made as the kill leaves one: its record `running` with its last heartbeat, the
 * charges it created claimed by it, and the processor holding some of them (charged, the answer
 * lost). Then:
 *   - silent for exactly three heartbeats it is still alive; a millisecond more and the janitor job
 *     marks it `interrupted` and finishes its charges: those the processor made are reconciled
 *     (asked about, never charged again), the others sent under their key;
 *   - the next run finds it dead when it starts, and finishes them the same way;
 *   - a run started while the dead one still looks alive waits for it, and finishes its charges
 *     within that same run once the heartbeat is silent long enough;
 *   - a live run's heartbeat keeps it from being taken over, however far the clock moves;
 *   - a run that stops on an error lets go of its charges at once, for the next run to finish.
 * Each ends with exactly once, by query: one charge per membership, succeeded, one processor charge
 * under its key with the same processor id, one attempt.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import { BillingMessages } from '../src/domains/billing/messages.ts';
import { BillingRepository } from '../src/domains/billing/repository.ts';
import { attemptKey, BillingService } from '../src/domains/billing/service.ts';
import type { PaymentGateway } from '../src/domains/payments/gateway.ts';
import type { ManualClock } from '../src/lib/clock.ts';
import { newId } from '../src/lib/ids.ts';
import type { Actor } from '../src/platform/principal.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser } from './support/auth.ts';
import { contractBody } from './support/factories.ts';
import { TEST_CARD, tokenizeTestCard } from './support/payments.ts';
import { sleep, until as untilHolds } from './support/wait.ts';

const HEARTBEAT_SECONDS = 5;
const SILENT_MS = 3 * HEARTBEAT_SECONDS * 1000;
/** Generous: a loaded two-core machine. */
const WAIT_LIMIT_MS = 60_000;

let t: TestApp;
let clock: ManualClock;
let agent: Actor;

beforeAll(async () => {
  t = await buildTestApp();
  clock = t.clock as ManualClock;
  const user = await createUser(t, 'agent');
  agent = {
    principal: {
      kind: 'user',
      userId: user.id,
      role: 'agent',
      email: user.email,
      name: 'Test agent',
      providerId: null,
      sessionId: newId(),
      sessionExpiresAt: new Date('2100-01-01T00:00:00Z'),
    },
    requestId: null,
    ip: null,
  };
}, 120_000);
afterAll(async () => t?.close());

function billing(
  heartbeatSeconds = HEARTBEAT_SECONDS,
  gateway: PaymentGateway = t.services.payments,
  batchSize = 3,
): BillingService {
  return new BillingService(
    t.database.handle.db,
    new BillingRepository(),
    t.services.members,
    gateway,
    t.services.audit,
    clock,
    new BillingMessages(t.services.notifier),
    t.services.eventLog,
    { retryDays: [1, 3, 7], batchSize, concurrency: 2, claimSeconds: 300, heartbeatSeconds },
  );
}

/**
 * The sandbox, but no lookup is answered: each waits until `together` lookups are in flight, then
 * all fail — so that many runs each hold a charge they could not ask about.
 */
function lookupsUnanswered(together: number): PaymentGateway {
  const real = t.services.payments;
  let asked = 0;
  let answer: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    answer = resolve;
  });
  return {
    name: real.name,
    tokenize: (card) => real.tokenize(card),
    describeToken: (token) => real.describeToken(token),
    charge: (request) => real.charge(request),
    lookupCharge: async () => {
      if (++asked >= together) answer();
      await all;
      throw new Error('simulated: the processor did not answer');
    },
    refund: (request) => real.refund(request),
    payout: (request) => real.payout(request),
  };
}

/** Polls `check` every 20 ms until it holds, or fails after the limit. */
const until = (what: string, check: () => Promise<boolean>) =>
  untilHolds(what, check, { timeoutMs: WAIT_LIMIT_MS, everyMs: 20 });

/** Phone memberships contracted now: period 1 is due at once. */
async function contract(count: number, card: string = TEST_CARD.visaCredit): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const token = (await tokenizeTestCard(t, card)).token;
    ids.push((await t.services.contracting.contract(agent, contractBody(token), undefined)).body.id);
  }
  return ids;
}

/**
 * What `kill -9` leaves of a run: its record `running` with its last heartbeat now, the charges of
 * every period due created and claimed by it, and the first `charged` of them made by the
 * processor, whose answers never came back.
 */
async function deadRun(charged: number): Promise<{ runId: string; chargeIds: string[] }> {
  const db = t.database.handle.db;
  const runId = newId();
  const now = clock.now();
  await db.execute(
    sql`insert into billing_runs (id, at, trigger, requested_by_type, status, started_at, heartbeat_at)
        values (${runId}, ${now}, 'cli', 'system', 'running', ${new Date(now.getTime() - 60_000)}, ${now})`,
  );
  const due = await new BillingRepository().createDue(db, {
    at: now,
    now,
    claimUntil: new Date(now.getTime() + 300_000),
    runId,
    limit: 1000,
  });
  for (const c of due.created.slice(0, charged)) {
    await t.services.payments.charge({
      idempotencyKey: attemptKey(c.id, c.attempts),
      token: c.cardToken,
      amountCentavos: c.amountCentavos,
      currency: 'MXN',
      description: 'test',
    });
  }
  return { runId, chargeIds: due.created.map((c) => c.id) };
}

async function runRecord(id: string) {
  const [run] = await rows<{
    status: string;
    error: string | null;
    heartbeat_at: Date | null;
    summary: object;
  }>(
    t.database.handle.db,
    sql`select status, error, heartbeat_at, summary from billing_runs where id = ${id}`,
  );
  return run;
}

async function chargesOf(ids: string[]) {
  return rows<{ id: string; status: string; claimed_by: string | null }>(
    t.database.handle.db,
    sql`select id, status, claimed_by from charges
        where membership_id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)
        order by id`,
  );
}

/** Exactly once for these memberships, by query. */
async function expectExactlyOnce(memberships: string[]): Promise<void> {
  const db = t.database.handle.db;
  const list = sql`(select jsonb_array_elements_text(${JSON.stringify(memberships)}::jsonb)::uuid)`;
  const [row] = await rows<Record<string, number>>(
    db,
    sql`select
          (select count(*) from charges where membership_id in ${list})::int as charges,
          (select count(distinct membership_id) from charges where membership_id in ${list})::int as charged,
          (select count(*) from charges where membership_id in ${list} and status = 'succeeded')::int as succeeded,
          (select count(*) from charges c join sandbox_charges s on s.idempotency_key = c.id::text
             where c.membership_id in ${list} and s.status = 'succeeded'
               and s.gateway_charge_id = c.gateway_charge_id and s.amount_centavos = c.amount_centavos)::int as processor,
          (select count(*) from sandbox_charges s join charges c on s.idempotency_key like c.id::text || '%'
             where c.membership_id in ${list})::int as processor_rows,
          (select count(*) from charge_attempts a join charges c on c.id = a.charge_id
             where c.membership_id in ${list} and a.idempotency_key = c.id::text)::int as attempts`,
  );
  const n = memberships.length;
  expect(row).toEqual({
    charges: n,
    charged: n,
    succeeded: n,
    processor: n,
    processor_rows: n,
    attempts: n,
  });
}

describe('a billing run whose process died', () => {
  it('is alive while silent for three heartbeats; a moment more and the janitor marks it interrupted and finishes its charges', async () => {
    clock.advance({ minutes: 10 });
    const memberships = await contract(5);
    const dead = await deadRun(2);
    expect(dead.chargeIds).toHaveLength(5);

    clock.advance({ ms: SILENT_MS });
    const early = await billing().janitor();
    expect(early.takenOver).toBe(0);
    expect((await runRecord(dead.runId))?.status).toBe('running');
    expect((await chargesOf(memberships)).map((c) => [c.status, c.claimed_by])).toEqual(
      memberships.map(() => ['pending', dead.runId]),
    );

    clock.advance({ ms: 1 });
    const janitor = await billing().janitor();
    expect(janitor).toMatchObject({ takenOver: 5, reconciled: 2, resent: 3, succeeded: 5 });
    expect(await runRecord(dead.runId)).toMatchObject({
      status: 'interrupted',
      error: expect.stringContaining('no heartbeat since'),
    });
    await expectExactlyOnce(memberships);
    // Nothing left for anyone: a second pass finds no dead run.
    expect((await billing().janitor()).takenOver).toBe(0);
  });

  it('is found dead by the next run when it starts, which finishes its charges', async () => {
    clock.advance({ minutes: 10 });
    const memberships = await contract(4);
    const dead = await deadRun(3);
    clock.advance({ minutes: 1 });
    const next = await billing().run({ at: clock.now(), trigger: 'test' });
    expect(next).toMatchObject({ takenOver: 4, reconciled: 3, resent: 1, created: 0, succeeded: 4 });
    expect((await runRecord(dead.runId))?.status).toBe('interrupted');
    expect((await runRecord(next.runId))?.status).toBe('completed');
    await expectExactlyOnce(memberships);
  });

  it('is waited for by a run started while it still looks alive, which finishes its charges within that run', async () => {
    clock.advance({ minutes: 10 });
    const held = await contract(4);
    const dead = await deadRun(1);
    // Due too, and the new run's own work: created once the dead run has its charges.
    const own = await contract(2);
    clock.advance({ seconds: 1 });

    let ended = false;
    const running = billing()
      .run({ at: clock.now(), trigger: 'test' })
      .finally(() => {
        ended = true;
      });
    // Its own charges done, the run waits: the dead run's heartbeat is a second old, and the clock
    // does not move, so it cannot end whatever the machine's speed.
    await until('the new run has charged its own memberships', async () =>
      (await chargesOf(own)).every((c) => c.status === 'succeeded'),
    );
    await sleep(600);
    expect(ended).toBe(false);
    expect((await runRecord(dead.runId))?.status).toBe('running');

    clock.advance({ ms: SILENT_MS });
    const next = await running;
    expect(next).toMatchObject({ takenOver: 4, reconciled: 1, resent: 3, created: 2, succeeded: 6 });
    expect((await runRecord(dead.runId))?.status).toBe('interrupted');
    expect((await runRecord(next.runId))?.status).toBe('completed');
    await expectExactlyOnce([...held, ...own]);
  });

  it('is not what a live run is: its heartbeat keeps it alive however far the clock moves', async () => {
    clock.advance({ minutes: 10 });
    const memberships = await contract(3);
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let held = false;
    const live = billing(1);
    const running = live.run({
      at: clock.now(),
      trigger: 'test',
      beforeAttempts: async () => {
        held = true;
        await gate;
      },
    });
    await until('the live run holds its first batch', async () => held);
    const [{ id } = { id: '' }] = await rows<{ id: string }>(
      t.database.handle.db,
      sql`select id from billing_runs where status = 'running'`,
    );

    clock.advance({ minutes: 30 });
    const later = clock.now().getTime();
    await until('the live run beats at the new time', async () => {
      const run = await runRecord(id);
      return run?.heartbeat_at?.getTime() === later;
    });
    // Each beat writes the counters so far: an interrupted run's record shows how far it got.
    expect((await runRecord(id))?.summary).toHaveProperty('created');
    expect((await billing().janitor()).takenOver).toBe(0);
    expect((await runRecord(id))?.status).toBe('running');

    open();
    const summary = await running;
    expect(summary.takenOver).toBe(0);
    expect((await runRecord(id))?.status).toBe('completed');
    await expectExactlyOnce(memberships);
  });
});

describe('two runs at once', () => {
  it('never wait for each other: a charge a run could not ask about is held by no run', async () => {
    clock.advance({ minutes: 10 });
    // The processor takes these charges but never answers: they are left `unknown`.
    const memberships = await contract(2, TEST_CARD.timesOut);
    expect(await billing().run({ at: clock.now(), trigger: 'test' })).toMatchObject({ unknown: 2 });

    // Two runs, a charge each to ask about (batches of one), and neither lookup is answered: each
    // is left holding one for a while. Then each waits for what the other holds — which must be
    // nothing, or they would wait for each other until the claims lapse (never, on this clock).
    const gateway = lookupsUnanswered(2);
    const [a, b] = await Promise.all([
      billing(HEARTBEAT_SECONDS, gateway, 1).run({ at: clock.now(), trigger: 'test' }),
      billing(HEARTBEAT_SECONDS, gateway, 1).run({ at: clock.now(), trigger: 'test' }),
    ]);
    expect([a.reconciled, b.reconciled]).toEqual([0, 0]);
    expect((await chargesOf(memberships)).map((c) => [c.status, c.claimed_by])).toEqual(
      memberships.map(() => ['unknown', null]),
    );

    // Once the pause is over, the processor is asked again and answers.
    clock.advance({ seconds: 301 });
    expect(await billing().reconcile()).toMatchObject({ reconciled: 2, succeeded: 2 });
    await expectExactlyOnce(memberships);
  });
});

describe('a billing run that stops on an error', () => {
  it('lets go of its charges at once, and the next run finishes them without waiting for the claim', async () => {
    clock.advance({ minutes: 10 });
    const memberships = await contract(3);
    await expect(
      billing().run({
        at: clock.now(),
        trigger: 'test',
        beforeAttempts: () => {
          throw new Error('simulated crash before the processor');
        },
      }),
    ).rejects.toThrow('simulated crash');
    // Released as `unknown`: nobody knows whether a call went out before the error.
    expect((await chargesOf(memberships)).map((c) => [c.status, c.claimed_by])).toEqual(
      memberships.map(() => ['unknown', null]),
    );

    // The same instant: no claim had to lapse.
    const next = await billing().run({ at: clock.now(), trigger: 'test' });
    expect(next).toMatchObject({ takenOver: 0, reconciled: 0, resent: 3, succeeded: 3 });
    await expectExactlyOnce(memberships);
  });
});
