import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import type { PaceTimer } from '../src/domains/billing/pace.ts';
import type { RunSummary } from '../src/domains/billing/service.ts';
import { type ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import { buildTestApp } from './support/app.ts';
import { createUser, signIn } from './support/auth.ts';
import { buildMembership } from './support/factories.ts';
import { TEST_CARD } from './support/payments.ts';

/** Memberships contracted in this order, by the card each pays with. */
const CARDS = [
  TEST_CARD.visaCredit,
  TEST_CARD.insufficientFunds,
  TEST_CARD.visaDebit,
  TEST_CARD.timesOut,
  TEST_CARD.mastercardCredit,
  TEST_CARD.alwaysDeclined,
  TEST_CARD.visaCredit,
];

/**
 * Runs at these Mexico City times: the contracting day, then three months due at once, then later,
 * then five days before the next charge (its notices, written in batches too).
 */
const RUNS = ['2026-11-25T14:10', '2027-02-26T00:05', '2027-03-05T00:05', '2027-03-20T00:05'];

/**
 * The same memberships billed through the same runs, with the given batch size and concurrency:
 * what every run did and where every membership and charge ended.
 */
async function billAll(env: Record<string, string>, paceTimer?: PaceTimer) {
  const t = await buildTestApp({ env });
  try {
    const clock = t.clock as ManualClock;
    clock.set(mexicoCityTime('2026-11-25T14:05'));
    const agent = await signIn(t, await createUser(t, 'agent'));
    for (const card of CARDS) await buildMembership(t, { by: agent.write, card });
    const summaries: Omit<RunSummary, 'runId' | 'at' | 'durationMs'>[] = [];
    for (const local of RUNS) {
      const at = mexicoCityTime(local);
      clock.set(at);
      const {
        runId: _r,
        at: _a,
        durationMs: _d,
        ...counters
      } = await t.services.billing.run({
        at,
        trigger: 'test',
        ...(paceTimer ? { paceTimer } : {}),
      });
      summaries.push(counters);
    }
    const db = t.database.handle.db;
    const charges = await rows(
      db,
      sql`select m.number, c.period_key, c.status, c.attempts::int, c.decline_code, c.retry_at,
            (select string_agg(a.status, ',' order by a.number) from charge_attempts a where a.charge_id = c.id) as answers,
            (select count(*)::int from sandbox_charges s where s.idempotency_key like c.id::text || '%') as processor_charges
          from charges c join memberships m on m.id = c.membership_id
          order by m.number, c.period_key`,
    );
    const memberships = await rows(
      db,
      sql`select m.number, m.state, s.next_charge_at,
            (select string_agg(coalesce(e.from_state, '') || '>' || coalesce(e.to_state, ''), ' ' order by e.at, e.id)
               from membership_events e where e.membership_id = m.id and e.type = 'state_changed') as moves
          from memberships m join billing_schedule s on s.membership_id = m.id order by m.number`,
    );
    return { summaries, charges, memberships };
  } finally {
    await t.close();
  }
}

describe('billing in batches', () => {
  it('charges, retries and reconciles the same in batches of 2, overlapping, as in one batch', async () => {
    const whole = await billAll({ BILLING_BATCH_SIZE: '2000' });
    const batched = await billAll({ BILLING_BATCH_SIZE: '2', BILLING_CONCURRENCY: '3' });
    // Each membership's first period, three more due at once (each taken again as it advances),
    // then the retries of those declined and the charge that timed out, reconciled.
    expect(whole.charges).toHaveLength(CARDS.length * 4);
    expect(whole.summaries[1]).toMatchObject({ due: CARDS.length * 3, created: CARDS.length * 3 });
    expect(whole.charges.every((c) => c.processor_charges === c.attempts)).toBe(true);
    // The last run's notices: more than a batch of 2, so later batches start where earlier ones ended.
    expect(whole.summaries[3]?.notices).toBeGreaterThan(2);
    expect(batched.summaries).toEqual(whole.summaries);
    expect(batched.charges).toEqual(whole.charges);
    expect(batched.memberships).toEqual(whole.memberships);
  });

  it('charges the same when paced, waiting for each batch until its work is due at the pace', async () => {
    const whole = await billAll({ BILLING_BATCH_SIZE: '2000' });
    // Virtual time: the run sleeps on it, so the test neither waits nor depends on the machine.
    let now = 0;
    const sleeps: number[] = [];
    const timer: PaceTimer = {
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    };
    // Four units a second: batches of two, each taken half a second after the one before.
    const paced = await billAll({ BILLING_BATCH_SIZE: '2000', BILLING_RUN_PACE: '4' }, timer);
    expect(paced.summaries).toEqual(whole.summaries);
    expect(paced.charges).toEqual(whole.charges);
    expect(paced.memberships).toEqual(whole.memberships);
    // Every batch after each run's first waited; the waits add up to the runs' work at the pace,
    // less each run's last batch (taken as soon as it was due) — within a batch per run.
    const work = whole.summaries.reduce((sum, s) => sum + s.due + s.retried + s.notices, 0);
    const slept = sleeps.reduce((a, b) => a + b, 0);
    expect(sleeps.every((ms) => ms > 0 && ms <= 500)).toBe(true);
    expect(slept).toBeGreaterThanOrEqual(((work - 2 * RUNS.length * 2) / 4) * 1000);
    expect(slept).toBeLessThanOrEqual((work / 4) * 1000);
  });
});
