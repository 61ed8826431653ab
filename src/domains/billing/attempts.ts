import pLimit, { type LimitFunction } from 'p-limit';
import type { Database, Executor } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { EventRecorder, NewEvent } from '../events/recorder.ts';
import type { ChargeOutcome, PaymentGateway } from '../payments/gateway.ts';
import type { BillingMessages } from './messages.ts';
import { BILLING_MOVES, stateSteps } from './payment-states.ts';
import type { AttemptOutcome, BillingRepository, ClaimedCharge, SettledCharge } from './repository.ts';
import {
  attemptKey,
  type BatchSource,
  type BillingOptions,
  emptySummary,
  type RunOptions,
  type RunSummary,
} from './run-options.ts';

/** A membership state move billing made, as the event log tells it. */
interface StateMove {
  membershipId: string;
  fromState: string;
  toState: string;
  reason: string;
  chargeId: string | null;
}

/**
 * What a batch of settled charges tells partners: each paid or declined charge (an unknown answer
 * is nothing yet), then the membership moves it caused, in that order.
 */
function chargeEvents(
  settled: SettledCharge[],
  declines: Map<string, string | null>,
  moves: StateMove[],
): NewEvent[] {
  const events: NewEvent[] = [];
  const channels = new Map(settled.map((s) => [s.membershipId, s]));
  for (const s of settled) {
    if (s.status === 'unknown') continue;
    const base = {
      chargeId: s.id,
      membershipId: s.membershipId,
      membershipNumber: s.membershipNumber,
      periodKey: s.periodKey,
      amountCentavos: s.amountCentavos,
      currency: 'MXN',
      attempt: s.attempts,
    };
    events.push({
      type: s.status === 'succeeded' ? 'charge.succeeded' : 'charge.failed',
      membershipId: s.membershipId,
      channel: s.membershipChannel,
      data:
        s.status === 'succeeded'
          ? base
          : { ...base, declineCode: declines.get(s.id) ?? null, retryAt: s.retryAt?.toISOString() ?? null },
    });
  }
  for (const m of moves) {
    const charge = channels.get(m.membershipId);
    events.push({
      type: 'membership.state_changed',
      membershipId: m.membershipId,
      channel: charge?.membershipChannel ?? null,
      data: {
        membershipId: m.membershipId,
        number: charge?.membershipNumber ?? null,
        fromState: m.fromState,
        toState: m.toState,
        reason: m.reason,
        chargeId: m.chargeId,
      },
    });
  }
  return events;
}

/**
 * Charges at the processor: sends the charges a run claimed (bounded concurrency, never inside a
 * transaction), asks about the ones whose answer never came, and writes the answers with the
 * memberships' state moves in one transaction. `BillingService` decides what to claim and when.
 */
export class ChargeAttempts {
  constructor(
    private readonly db: Database,
    private readonly repository: BillingRepository,
    private readonly gateway: PaymentGateway,
    private readonly clock: Clock,
    private readonly messages: BillingMessages,
    private readonly options: BillingOptions,
    private readonly events: EventRecorder,
  ) {}

  /** Until when a claim made now holds its charges. */
  claimUntil(): Date {
    return new Date(this.clock.now().getTime() + this.options.claimSeconds * 1000);
  }

  /** Sends again the `pending` charges nobody holds (ones the processor never saw), same key. */
  async resendPending(
    claimedBy: string | null,
    at: Date,
    summary: RunSummary,
    options: Pick<RunOptions, 'beforeAttempts'>,
    progress: (n: number) => void,
  ): Promise<void> {
    await this.pipelined(
      async () => {
        const claimed = await this.repository.claimWaiting(this.db, 'pending', {
          now: this.clock.now(),
          claimUntil: this.claimUntil(),
          claimedBy,
          limit: this.options.batchSize,
          scope: this.options.testClock ?? null,
        });
        if (claimed.length === 0) return null;
        summary.resent += claimed.length;
        return { claimed, work: claimed.length };
      },
      at,
      summary,
      options,
      progress,
    );
  }

  /** Asks the processor about `unknown` charges nobody holds; `claimedBy` is the run asking, if any. */
  async reconcileInto(
    summary: RunSummary,
    progress: (n: number) => void,
    claimedBy: string | null,
  ): Promise<void> {
    const limit = pLimit(this.options.concurrency);
    for (;;) {
      const claimed = await this.repository.claimWaiting(this.db, 'unknown', {
        now: this.clock.now(),
        claimUntil: this.claimUntil(),
        claimedBy,
        limit: this.options.batchSize,
        scope: this.options.testClock ?? null,
      });
      if (claimed.length === 0) return;
      const answers = await Promise.all(
        claimed.map((c) =>
          limit(async () => {
            const key = attemptKey(c.id, c.attempts);
            try {
              return { c, key, outcome: await this.gateway.lookupCharge(key), failed: false };
            } catch {
              // Still no answer: the charge stays unknown, held until the claim lapses.
              return { c, key, outcome: null, failed: true };
            }
          }),
        ),
      );
      const neverSeen = answers.filter((a) => !a.failed && a.outcome === null).map((a) => a.c.id);
      await this.repository.backToPending(this.db, neverSeen, this.clock.now());
      const stillUnknown = answers
        .filter((a) => a.failed || a.outcome?.status === 'unknown')
        .map((a) => a.c.id);
      await this.repository.holdForNobody(this.db, stillUnknown, this.clock.now());
      const known = answers.flatMap((a) =>
        a.outcome && a.outcome.status !== 'unknown' ? [this.toAttempt(a.c, a.key, a.outcome)] : [],
      );
      summary.reconciled += known.length;
      await this.settle(known, this.clock.now(), summary);
      progress(claimed.length);
    }
  }

  private toAttempt(c: ClaimedCharge, key: string, outcome: ChargeOutcome): AttemptOutcome {
    return {
      id: c.id,
      attempt: c.attempts,
      key,
      status: outcome.status,
      gatewayChargeId: outcome.status === 'unknown' ? null : outcome.gatewayChargeId || null,
      declineCode: outcome.status === 'declined' ? outcome.declineCode : null,
    };
  }

  /** One processor call per charge, at most `limit` in flight; never inside a transaction. */
  private async attempt(
    claimed: ClaimedCharge[],
    limit: LimitFunction = pLimit(this.options.concurrency),
  ): Promise<AttemptOutcome[]> {
    return Promise.all(
      claimed.map((c) =>
        limit(async () => {
          const key = attemptKey(c.id, c.attempts);
          try {
            const outcome = await this.gateway.charge({
              idempotencyKey: key,
              token: c.cardToken,
              amountCentavos: c.amountCentavos,
              currency: 'MXN',
              description: `Asistencia Libra Plus, periodo ${c.periodKey}`,
            });
            return this.toAttempt(c, key, outcome);
          } catch (error) {
            // The processor refused the request itself (unknown card…): nothing was charged.
            if (error instanceof AppError && error.code === 'CARD_TOKEN_UNKNOWN') {
              return this.toAttempt(c, key, {
                status: 'declined',
                gatewayChargeId: '',
                declineCode: 'card_declined',
              });
            }
            // Anything else (network, timeout): it may have gone through. Ask later, same key.
            return this.toAttempt(c, key, { status: 'unknown' });
          }
        }),
      ),
    );
  }

  /**
   * Takes batches (`take` answers null when nothing is left) and sends each to the processor as
   * soon as it is taken: the next batch is taken, and its calls started, while the previous one's
   * calls finish and its answers are written. So processor calls overlap the database's work, and
   * call slots do not idle while a batch's last calls finish. At most two batches are held at once,
   * `concurrency` bounds the calls in flight across both, and answers are written in the order their
   * batches were taken. When `take` finds nothing while a batch is in flight, it looks again once
   * that batch is written (its transaction may have held rows `take` skips).
   */
  async pipelined(
    take: BatchSource,
    at: Date,
    summary: RunSummary,
    options: Pick<RunOptions, 'beforeAttempts'>,
    progress: (n: number) => void,
  ): Promise<void> {
    const limit = pLimit(this.options.concurrency);
    let inFlight: Promise<void> | null = null;
    try {
      for (;;) {
        const batch = await take();
        if (!batch) {
          if (!inFlight) return;
          const last: Promise<void> = inFlight;
          inFlight = null;
          await last;
          continue;
        }
        if (batch.claimed.length > 0) await options.beforeAttempts?.(batch.claimed);
        const answers = this.attempt(batch.claimed, limit);
        const previous = inFlight;
        inFlight = (async () => {
          const outcomes = await answers;
          await previous;
          await this.settle(outcomes, at, summary);
          progress(batch.work);
        })();
        // Its failure is met when the loop next awaits it; until then it must not count as an
        // unhandled rejection (which would stop the whole process).
        inFlight.catch(() => {});
        await previous;
      }
    } catch (error) {
      // Nothing more is taken; what is in flight finishes (or fails) before the run is marked failed.
      await inFlight?.catch(() => {});
      throw error;
    }
  }

  /** A finance retry, or the new card's: the charges' next attempt now, with the card on file. */
  async retryNow(ids: string[]): Promise<SettledCharge[]> {
    if (ids.length === 0) return [];
    const now = this.clock.now();
    const { claimed } = await this.repository.startRetries(this.db, {
      at: now,
      now,
      claimUntil: this.claimUntil(),
      claimedBy: null,
      limit: ids.length,
      ids,
      directDebit: this.options.directDebit ?? 'gateway',
    });
    return this.attemptAndSettle(claimed, now, emptySummary(newId(), now));
  }

  private async attemptAndSettle(
    claimed: ClaimedCharge[],
    at: Date,
    summary: RunSummary,
    options?: Pick<RunOptions, 'beforeAttempts'>,
  ): Promise<SettledCharge[]> {
    await options?.beforeAttempts?.(claimed);
    const outcomes = await this.attempt(claimed);
    return this.settle(outcomes, at, summary);
  }

  /** Writes the answers and moves the memberships they concern, in one transaction. */
  private async settle(outcomes: AttemptOutcome[], at: Date, summary: RunSummary): Promise<SettledCharge[]> {
    if (outcomes.length === 0) return [];
    return this.db.transaction(async (tx) => this.settleWithin(tx, outcomes, at, summary));
  }

  /**
   * Writes the answers in the caller's transaction, with all they cause: the charges' receipts or
   * retries, the memberships' state moves, the messages and the events. The processor's answers
   * come through here, and the bank's answer file (direct debit) too, so both have the same effects.
   */
  async settleWithin(
    tx: Executor,
    outcomes: AttemptOutcome[],
    at: Date,
    summary: RunSummary,
  ): Promise<SettledCharge[]> {
    if (outcomes.length === 0) return [];
    const now = this.clock.now();
    const settled = await this.repository.settle(tx, outcomes, {
      at,
      now,
      retryDays: this.options.retryDays,
    });
    for (const s of settled) {
      if (s.status === 'succeeded') summary.succeeded++;
      else if (s.status === 'failed') summary.declined++;
      else summary.unknown++;
    }
    const declines = new Map(outcomes.map((o) => [o.id, o.declineCode]));
    const moves = await this.followPayments(tx, settled, declines, now, summary);
    await this.messages.chargeOutcomes(tx, settled, now);
    await this.events.record(tx, chargeEvents(settled, declines, moves));
    return settled;
  }

  /** Makes the state moves the settled charges call for (`stateSteps`), counting them. */
  private async followPayments(
    tx: Executor,
    settled: SettledCharge[],
    declines: Map<string, string | null>,
    now: Date,
    summary: RunSummary,
  ): Promise<StateMove[]> {
    const made: StateMove[] = [];
    for (const step of stateSteps(settled, declines)) {
      const moves = await this.repository.changeStates(tx, step, { now, allowed: BILLING_MOVES });
      const reasons = new Map(step.map((c) => [c.membershipId, c]));
      for (const m of moves) {
        if (m.toState === 'active' && m.fromState !== 'trial') summary.reactivated++;
        else if (m.toState === 'past_due') summary.pastDue++;
        else if (m.toState === 'suspended') summary.suspended++;
        const change = reasons.get(m.membershipId);
        made.push({ ...m, reason: change?.reason ?? '', chargeId: change?.chargeId ?? null });
      }
    }
    return made;
  }
}
