/**
 * A billing run killed with SIGKILL in the middle, on PostgreSQL only (it needs a database that two
 * processes share: CI sets TEST_DATABASE_URL; locally run it with
 * TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres).
 *
 * Some thousands of memberships fall due at once (loaded with one set-based insert). `libra billing
 * run --at …` runs as a child process with batches of 100 and is killed with SIGKILL as soon as some
 * charges have been paid but not all are made: no `finally`, no rollback but the database's own, and
 * processor calls in flight whose answers are lost. The test asserts the kill came mid-run, then runs
 * billing again at once — in process, on the real clock, while the killed run's last heartbeat is
 * still fresh and its charges' claims have minutes to go — then through the CLI once more, and
 * asserts that:
 *   - the next run finishes the killed run's charges within that one run: it waits until the killed
 *     run's heartbeat has been silent for three beats, marks it `interrupted`, and takes over every
 *     charge it held — those the processor had made are reconciled (looked up under their key, not
 *     charged again), the others sent under their key — and creates the rest;
 *   - every membership has exactly one charge for the period (grouped by query), all succeeded;
 *   - the sandbox processor holds exactly one charge per billing charge, under the charge's id as
 *     its idempotency key, with the same processor id on both sides: nothing charged twice, nothing
 *     missing — the charges the killed run had sent but never heard back about were sent again
 *     under the same key and answered from the processor's record;
 *   - every membership moved on to its next due date, and the last CLI run finds nothing to do.
 * Sending again under a new key, or creating a second charge for a period, breaks these.
 */
import type { ChildProcess } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServices, serviceOptionsOf } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { rows } from '../src/db/client.ts';
import { duePeriods } from '../src/lib/billing-calendar.ts';
import { mexicoCityTime, systemClock } from '../src/lib/clock.ts';
import { freshDatabase, onPostgres, type TestDatabase } from './support/database.ts';
import { billingCli, exitOf, loadDueMemberships, outputOf } from './support/due-memberships.ts';
import { sleep } from './support/wait.ts';

const MEMBERSHIPS = 3000;
/** The daily run of 1 December 2026, 00:05 Mexico City; memberships contracted since midnight. */
const AT = '2026-12-01T00:05';
const CONTRACTED_FROM = '2026-12-01T00:00:01';

let database: TestDatabase;

beforeAll(async () => {
  if (onPostgres) database = await freshDatabase();
}, 120_000);
afterAll(async () => database?.drop());

/** The run under test: batches of 100, the processor answering 50 ms after each charge is made. */
function billingRunCli(url: string): ChildProcess {
  // Where the sandbox simulates the processor's answer time, answers come 50 ms after the charge
  // is made: a wider window for the kill, and one that leaves charges made but unanswered.
  return billingCli(url, AT, { BILLING_BATCH_SIZE: '100', SANDBOX_LATENCY_MS: '50' });
}

describe.skipIf(!onPostgres)('a billing run killed with SIGKILL', () => {
  it('is finished by the next runs: one charge per membership, one processor charge each, none missing', async () => {
    const db = database.handle.db;
    const url = database.url;
    if (!url) throw new Error('no database url');
    const at = mexicoCityTime(AT);
    const contractedFrom = mexicoCityTime(CONTRACTED_FROM);

    await loadDueMemberships(database, MEMBERSHIPS, contractedFrom);
    const [sample] = await rows<{ contracted_at: Date; next_charge_at: Date }>(
      db,
      sql`select m.contracted_at, s.next_charge_at
          from memberships m join billing_schedule s on s.membership_id = m.id
          order by m.contracted_at desc limit 1`,
    );
    if (!sample) throw new Error('no memberships');
    expect(sample.next_charge_at.getTime()).toBeLessThanOrEqual(at.getTime());
    const due = duePeriods(
      { contractedAt: sample.contracted_at, billingDay: 1, trialEndsAt: null, cancelledAt: null },
      new Date(sample.contracted_at.getTime() - 1),
      at,
    );
    expect(due.map((p) => p.key)).toEqual(['2026-12']);

    const count = async () => {
      const [row] = await rows<{ charges: number; succeeded: number; pending: number; sandbox: number }>(
        db,
        sql`select (select count(*) from charges)::int as charges,
                   (select count(*) from charges where status = 'succeeded')::int as succeeded,
                   (select count(*) from charges where status = 'pending')::int as pending,
                   (select count(*) from sandbox_charges)::int as sandbox`,
      );
      if (!row) throw new Error('no counts');
      return row;
    };

    // The run, killed once a batch is paid, while the processor has made charges whose answers the
    // run has not written yet (or, should that moment be missed, halfway through at the latest).
    const child = billingRunCli(url);
    const output = outputOf(child);
    const started = Date.now();
    let atKill: Awaited<ReturnType<typeof count>> | undefined;
    let inFlight = false;
    try {
      while (child.exitCode === null && child.signalCode === null && Date.now() - started < 120_000) {
        const now = await count();
        inFlight = now.succeeded >= 100 && now.sandbox >= now.succeeded + 20;
        if ((inFlight || now.charges >= MEMBERSHIPS / 2) && now.charges < MEMBERSHIPS) {
          child.kill('SIGKILL');
          atKill = now;
          break;
        }
        await sleep(5);
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null && !atKill) child.kill('SIGKILL');
    }
    const exit = await exitOf(child);
    expect(
      atKill,
      `the run ended before it could be killed (${JSON.stringify(exit)}):\n${output()}`,
    ).toBeDefined();
    expect(exit.signal).toBe('SIGKILL');
    // The database may still be finishing a statement the process sent before it died (a commit):
    // count once no other session is at work, so what is counted stays as it is.
    const quietSince = Date.now();
    for (;;) {
      const [busy] = await rows<{ n: number }>(
        db,
        sql`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'`,
      );
      if (busy?.n === 0) break;
      if (Date.now() - quietSince > 60_000) throw new Error("the killed run's sessions never went quiet");
      await sleep(20);
    }

    // What the kill left: some charges made, not all; some maybe sent and never answered.
    const left = await count();
    const [orphans] = await rows<{ n: number }>(
      db,
      sql`select count(*)::int as n from charges c join sandbox_charges s on s.idempotency_key = c.id::text
          where c.status = 'pending'`,
    );
    const runs = await rows<{ id: string; status: string }>(db, sql`select id, status from billing_runs`);
    const killed = runs[0]?.id ?? '';
    const [held] = await rows<{ n: number }>(
      db,
      sql`select count(*)::int as n from charges where claimed_by = ${killed} and status in ('pending', 'unknown')`,
    );
    console.log(
      `killed after ${Date.now() - started} ms: ${left.charges} of ${MEMBERSHIPS} charges made, ${left.succeeded} succeeded, ` +
        `${left.pending} pending (${orphans?.n ?? 0} of them charged by the processor, answer lost), ` +
        `${left.sandbox} processor charges; the run's record: ${runs.map((r) => r.status).join(', ')}`,
    );
    expect(left.charges).toBeGreaterThan(0);
    expect(left.charges < MEMBERSHIPS || left.pending > 0).toBe(true);
    // Until it is found dead its record says it runs, and it holds every charge it left open.
    expect(runs.map((r) => r.status)).toEqual(['running']);
    expect(held?.n).toBe(left.pending);
    // Whatever the moment of the kill: every card the processor charged is either a charge the run
    // recorded as paid or one it sent and never heard back from (pending, found again below); how
    // many of each depends on timing, their sum does not.
    expect(left.sandbox).toBe(left.succeeded + (orphans?.n ?? 0));

    // The next run, in process, at once and on the real clock: the killed run's heartbeat is fresh
    // and its claims hold for minutes more, yet this run finishes its charges.
    const services = buildServices(
      database.handle,
      systemClock,
      serviceOptionsOf(loadConfig({ NODE_ENV: 'test', JOB_WORKERS: 'false', BILLING_BATCH_SIZE: '500' })),
    );
    const summary = await services.billing.run({ at, trigger: 'test' });
    console.log(
      `next run: ${summary.takenOver} taken over (${summary.reconciled} reconciled, ${summary.resent} sent again), ` +
        `${summary.created} created, ${summary.succeeded} succeeded in ${summary.durationMs} ms`,
    );
    expect(summary.takenOver).toBe(left.pending);
    expect(summary.reconciled).toBe(orphans?.n ?? 0);
    expect(summary.resent).toBe(left.pending - (orphans?.n ?? 0));
    expect(summary.created).toBe(MEMBERSHIPS - left.charges);
    const after = await rows<{ id: string; status: string; error: string | null }>(
      db,
      sql`select id, status, error from billing_runs order by started_at`,
    );
    expect(after).toEqual([
      { id: killed, status: 'interrupted', error: expect.stringContaining('no heartbeat since') },
      { id: summary.runId, status: 'completed', error: null },
    ]);

    // And the CLI once more, now: nothing left to do.
    const again = billingRunCli(url);
    const againOutput = outputOf(again);
    const againExit = await exitOf(again);
    expect(againExit, againOutput()).toEqual({ code: 0, signal: null });
    expect(againOutput()).toMatch(/periods due:\s+0 /);
    expect(againOutput()).toMatch(/attempts:\s+0 /);

    // Exactly once, by query.
    const end = await count();
    expect(end).toEqual({ charges: MEMBERSHIPS, succeeded: MEMBERSHIPS, pending: 0, sandbox: MEMBERSHIPS });
    const perMembership = await rows<{ charges: number; keys: string; memberships: number }>(
      db,
      sql`select n.charges, n.keys, count(*)::int as memberships from (
            select m.id, count(c.id)::int as charges, coalesce(string_agg(c.period_key, ','), '') as keys
            from memberships m left join charges c on c.membership_id = m.id group by m.id) n
          group by n.charges, n.keys`,
    );
    expect(perMembership).toEqual([{ charges: 1, keys: '2026-12', memberships: MEMBERSHIPS }]);
    const [processor] = await rows<{ matched: number; paid: number; same_id: number; same_amount: number }>(
      db,
      sql`select count(*)::int as matched,
                 count(*) filter (where s.status = 'succeeded')::int as paid,
                 count(*) filter (where s.gateway_charge_id = c.gateway_charge_id)::int as same_id,
                 count(*) filter (where s.amount_centavos = c.amount_centavos)::int as same_amount
          from charges c join sandbox_charges s on s.idempotency_key = c.id::text`,
    );
    expect(processor).toEqual({
      matched: MEMBERSHIPS,
      paid: MEMBERSHIPS,
      same_id: MEMBERSHIPS,
      same_amount: MEMBERSHIPS,
    });
    const [attempts] = await rows<{ n: number; keyed: number }>(
      db,
      sql`select count(*)::int as n, count(*) filter (where a.idempotency_key = a.charge_id::text)::int as keyed
          from charge_attempts a`,
    );
    expect(attempts).toEqual({ n: MEMBERSHIPS, keyed: MEMBERSHIPS });
    const [advanced] = await rows<{ n: number }>(
      db,
      sql`select count(*)::int as n from billing_schedule where next_charge_at = ${mexicoCityTime('2027-01-01T00:00')}`,
    );
    expect(advanced?.n).toBe(MEMBERSHIPS);
  }, 300_000);
});
