import type { Database } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import type { ChargeAttempts } from './attempts.ts';
import type { BillingMessages } from './messages.ts';
import { writeUpcomingNotices } from './notices.ts';
import type { BillingRepository } from './repository.ts';
import {
  type BatchSource,
  type BillingOptions,
  emptySummary,
  NOTICE_LOOK_AHEAD_DAYS,
  type RunSummary,
} from './run-options.ts';

/** More steps than two years of any schedule can need: a bound against a loop that never ends. */
const MAX_STEPS = 5000;

/**
 * A test clock's billing (sandbox, docs/test-clocks.md): between the clock's old and new time, the
 * daily run's work for that clock's memberships only, step by step in time order — at each instant
 * where something of theirs falls due (a period, its notice, a retry), then at the new time. Each
 * step is the daily run's own statements, scoped to the clock and with the clock set to the step's
 * instant, so what is written (charges, attempts, states, messages, events) carries that time.
 *
 * No run record, heartbeat or take-over: one advance at a time holds a clock (its lease), and only
 * its advances touch its memberships' charges. Safe to repeat: what is due is charged once per
 * (membership, period), and a step finds nothing where an earlier one did it.
 */
export class ClockedRun {
  constructor(
    private readonly db: Database,
    private readonly repository: BillingRepository,
    private readonly attempts: ChargeAttempts,
    private readonly messages: BillingMessages,
    private readonly clock: Clock,
    private readonly options: BillingOptions,
  ) {}

  /**
   * Runs `from` → `to`; `moveTo` sets the clock this service reads to each step's instant before the
   * step runs. Answers what the steps did, summed.
   */
  async advance(from: Date, to: Date, moveTo: (at: Date) => void): Promise<RunSummary & { steps: number }> {
    const testClock = this.options.testClock;
    if (!testClock) throw new Error('a clocked run needs a test clock');
    const summary = emptySummary(testClock, to);
    let at = from;
    let steps = 0;
    for (;;) {
      moveTo(at);
      await this.step(at, summary);
      steps++;
      const next = await this.repository.nextWorkAfter(this.db, {
        testClock,
        after: at,
        lookAheadDays: NOTICE_LOOK_AHEAD_DAYS,
      });
      if (!next || next.getTime() > to.getTime()) break;
      if (steps >= MAX_STEPS) throw new Error(`test clock ${testClock}: more than ${MAX_STEPS} steps`);
      at = next;
    }
    if (at.getTime() < to.getTime()) {
      moveTo(to);
      await this.step(to, summary);
      steps++;
    }
    return { ...summary, steps };
  }

  /** The daily run's work at `at`, for the clock's memberships. */
  private async step(at: Date, summary: RunSummary): Promise<void> {
    const scope = this.options.testClock ?? null;
    const runId = summary.runId;
    const batch = this.options.batchSize;
    const none = () => {};
    await this.attempts.reconcileInto(summary, none, null);
    await this.attempts.resendPending(null, at, summary, {}, none);
    const pipeline = (take: BatchSource) => this.attempts.pipelined(take, at, summary, {}, none);
    await pipeline(async () => {
      const due = await this.repository.createDue(this.db, {
        at,
        now: this.clock.now(),
        claimUntil: this.attempts.claimUntil(),
        runId,
        limit: batch,
        scope,
      });
      if (due.advanced === 0) return null;
      summary.due += due.advanced;
      summary.created += due.created.length;
      summary.skippedSuspended += due.skipped;
      return { claimed: due.created, work: due.advanced };
    });
    await pipeline(async () => {
      // A clock's memberships are always charged through the sandbox gateway, never the bank's file.
      const { claimed } = await this.repository.startRetries(this.db, {
        at,
        now: this.clock.now(),
        claimUntil: this.attempts.claimUntil(),
        claimedBy: null,
        limit: batch,
        scope,
      });
      if (claimed.length === 0) return null;
      summary.retried += claimed.length;
      return { claimed, work: claimed.length };
    });
    summary.notices += await writeUpcomingNotices(
      { db: this.db, repository: this.repository, messages: this.messages },
      {
        at,
        batchSize: batch,
        now: () => this.clock.now(),
        scope,
      },
    );
  }
}
