import { DateTime } from 'luxon';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Database, Executor } from '../../db/client.ts';
import { type Clock, MEXICO_CITY } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Jobs } from '../../platform/jobs.ts';
import { type Actor, isStaff, SYSTEM_ACTOR } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import { MEMBERSHIP_TRANSITIONS, type MembersService } from '../members/service.ts';
import type { ChargeOutcome, PaymentGateway } from '../payments/gateway.ts';
import './errors.ts';
import { RunLiveness } from './liveness.ts';
import { RunLivenessRepository } from './liveness-repository.ts';
import type {
  AttemptOutcome,
  BillingRepository,
  ChargeRecord,
  ClaimedCharge,
  SettledCharge,
  StateChange,
} from './repository.ts';
import {
  type BillingRunView,
  type ChargeView,
  DECLINE_LABELS,
  presentCharge,
  presentRefund,
  presentRun,
  type RefundView,
} from './views.ts';

export interface BillingOptions {
  /** Days after the first failure (Mexico City days) on which a declined charge is tried again. */
  retryDays: number[];
  /** Memberships or charges a statement takes at a time. */
  batchSize: number;
  /** Processor calls in flight at once. */
  concurrency: number;
  /**
   * The longest a claim holds charges before another run may take them. A run found dead lets go
   * of its charges at once; this bounds the rest (claims without a run, a run stuck in a call).
   */
  claimSeconds: number;
  /** How often a running run writes its heartbeat; silent for `SILENT_HEARTBEATS` of them, it is dead. */
  heartbeatSeconds: number;
}

export const DEFAULT_BILLING_OPTIONS: BillingOptions = {
  retryDays: [1, 3, 7],
  batchSize: 2000,
  concurrency: 256,
  claimSeconds: 300,
  heartbeatSeconds: 5,
};

/** The notice before each automatic charge: sent this many days before it (LFPC art. 76 Bis)… */
export const NOTICE_LEAD_DAYS = 5;
/** …and written when the charge comes within this many days, so a daily run never misses one. */
export const NOTICE_LOOK_AHEAD_DAYS = 7;

export const BILLING_RUN_QUEUE = 'billing-run';
/** A run lasts less than this: the daily run's job expires after it. */
export const RUN_MAX_SECONDS = 4 * 3600;
export const BILLING_RECONCILE_QUEUE = 'billing-reconcile';
/** Every minute: runs whose process died are marked interrupted and their charges finished. */
export const BILLING_JANITOR_QUEUE = 'billing-janitor';

export type RunTrigger = 'schedule' | 'cli' | 'api' | 'test';

export interface RunSummary {
  runId: string;
  at: string;
  /** Periods that fell due (charged, or skipped while suspended). */
  due: number;
  created: number;
  skippedSuspended: number;
  /** Earlier attempts sent again (a crashed run's, or ones the processor never saw). */
  resent: number;
  /** Charges a dead run held, released to be asked about and finished (reconciled or sent again). */
  takenOver: number;
  retried: number;
  reconciled: number;
  succeeded: number;
  declined: number;
  unknown: number;
  pastDue: number;
  suspended: number;
  reactivated: number;
  notices: number;
  refundsCompleted: number;
  durationMs: number;
}

export interface RunOptions {
  at: Date;
  trigger: RunTrigger;
  actor?: Actor;
  /** Called as work is done (`done` of an estimated `total`). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Test hook: called before each batch is sent to the processor; throwing stops the run there,
   * as a crash would (what was committed stays).
   */
  beforeAttempts?: (claimed: ClaimedCharge[]) => void | Promise<void>;
}

/** The next batch to send to the processor (and how much work it stands for), or null when none is left. */
type BatchSource = () => Promise<{ claimed: ClaimedCharge[]; work: number } | null>;

/** The processor's idempotency key of attempt n: the charge id itself, then `<id>:<n>`. */
export function attemptKey(chargeId: string, attempt: number): string {
  return attempt === 1 ? chargeId : `${chargeId}:${attempt}`;
}

function emptySummary(runId: string, at: Date): RunSummary {
  return {
    runId,
    at: at.toISOString(),
    due: 0,
    created: 0,
    skippedSuspended: 0,
    resent: 0,
    takenOver: 0,
    retried: 0,
    reconciled: 0,
    succeeded: 0,
    declined: 0,
    unknown: 0,
    pastDue: 0,
    suspended: 0,
    reactivated: 0,
    notices: 0,
    refundsCompleted: 0,
    durationMs: 0,
  };
}

/** Lifecycle moves billing may make (cancellation is never billing's). */
const BILLING_MOVES: [string, string][] = Object.entries(MEMBERSHIP_TRANSITIONS).flatMap(([from, tos]) =>
  tos.filter((to) => to !== 'cancelled').map((to): [string, string] => [from, to]),
);

function mexicoCityDay(at: Date): string {
  return DateTime.fromJSDate(at, { zone: MEXICO_CITY }).toFormat('dd/MM/yyyy');
}

/**
 * Monthly billing: the run that charges what is due exactly once, retries, reconciliation,
 * membership states that follow payment, receipts and refunds.
 *
 * Exactly once rests on three things: the database's unique (membership, period) key, the charge's
 * id as the processor's idempotency key (one key per attempt), and answers written only for the
 * attempt they belong to. A crash anywhere leaves a `pending` or `unknown` charge that a later run
 * sends again under the same key, and the processor answers it without charging twice.
 */
export class BillingService {
  private readonly background = new Set<Promise<void>>();
  private readonly liveness: RunLiveness;

  constructor(
    private readonly db: Database,
    private readonly repository: BillingRepository,
    private readonly members: MembersService,
    private readonly gateway: PaymentGateway,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly options: BillingOptions = DEFAULT_BILLING_OPTIONS,
  ) {
    if (
      options.retryDays.some(
        (d, i) => !Number.isInteger(d) || d < 1 || (i > 0 && d <= (options.retryDays[i - 1] ?? 0)),
      )
    )
      throw new RangeError('retryDays must be increasing whole days ≥ 1');
    if (!(options.claimSeconds > 0 && options.heartbeatSeconds > 0))
      throw new RangeError('claimSeconds and heartbeatSeconds must be positive');
    this.liveness = new RunLiveness(db, new RunLivenessRepository(), clock, options.heartbeatSeconds);
  }

  private claimUntil(): Date {
    return new Date(this.clock.now().getTime() + this.options.claimSeconds * 1000);
  }

  /**
   * Bills at `at`: takes over what dead runs held, asks the processor about unanswered charges,
   * sends again what a crashed run left, charges every period due (in batches), retries the
   * declines whose day has come, finishes what other runs held (waiting for them to settle it or to
   * be found dead), and writes the notices of the charges coming up. Safe to run twice, or two at
   * once.
   */
  async run(options: RunOptions): Promise<RunSummary> {
    return this.execute(await this.begin(options), options);
  }

  /** Writes the run's record (and, for staff, the audit entry); the run itself is `execute`. */
  private async begin(options: RunOptions): Promise<string> {
    const runId = newId();
    const actor = options.actor ?? SYSTEM_ACTOR;
    const p = actor.principal;
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      await this.repository.insertRun(tx, {
        id: runId,
        at: options.at,
        trigger: options.trigger,
        requestedByType: p ? p.kind : 'system',
        requestedById: p ? (p.kind === 'user' ? p.userId : p.apiKeyId) : null,
        status: 'running',
        startedAt: now,
        heartbeatAt: now,
      });
      if (isStaff(p)) {
        await this.audit.record(tx, actor, {
          action: 'billing.run',
          recordType: 'billing_run',
          recordId: runId,
          details: { at: options.at.toISOString() },
        });
      }
    });
    return runId;
  }

  private async execute(runId: string, options: RunOptions): Promise<RunSummary> {
    const started = Date.now();
    const { at } = options;
    const summary = emptySummary(runId, at);
    const heartbeat = this.liveness.start(runId, () =>
      this.counters({ ...summary, durationMs: Date.now() - started }),
    );
    let total = 0;
    let done = 0;
    const progress = (n: number) => {
      done += n;
      options.onProgress?.(Math.min(done, Math.max(total, done)), Math.max(total, done));
    };
    try {
      total = await this.repository.workAt(this.db, at);
      options.onProgress?.(0, total);
      summary.takenOver += await this.liveness.takeOverSilent(runId);
      await this.reconcileInto(summary, progress, runId);
      const batch = this.options.batchSize;
      const pipeline = (take: BatchSource) => this.pipelined(take, at, summary, options, progress);
      await this.resendPending(runId, at, summary, options, progress);
      await pipeline(async () => {
        const due = await this.repository.createDue(this.db, {
          at,
          now: this.clock.now(),
          claimUntil: this.claimUntil(),
          runId,
          limit: batch,
        });
        if (due.advanced === 0) return null;
        summary.due += due.advanced;
        summary.created += due.created.length;
        summary.skippedSuspended += due.skipped;
        return { claimed: due.created, work: due.advanced };
      });
      await pipeline(async () => {
        const claimed = await this.repository.startRetries(this.db, {
          at,
          now: this.clock.now(),
          claimUntil: this.claimUntil(),
          claimedBy: runId,
          limit: batch,
        });
        if (claimed.length === 0) return null;
        summary.retried += claimed.length;
        return { claimed, work: claimed.length };
      });
      // What other runs hold now: a live run settles it, a dead one's is this run's to finish once
      // the dead run is found silent — so a run started right after a kill finishes its work.
      summary.takenOver += await this.liveness.awaitOthers(runId, async () => {
        await this.reconcileInto(summary, progress, runId);
        await this.resendPending(runId, at, summary, options, progress);
      });
      summary.refundsCompleted = await this.completePendingRefunds();
      summary.notices = await this.repository.createNotices(this.db, {
        at,
        now: this.clock.now(),
        lookAheadDays: NOTICE_LOOK_AHEAD_DAYS,
        leadDays: NOTICE_LEAD_DAYS,
      });
      await heartbeat.stop();
      summary.durationMs = Date.now() - started;
      await this.repository.finishRun(this.db, runId, {
        status: 'completed',
        summary: this.counters(summary),
        error: null,
        finishedAt: this.clock.now(),
      });
      return summary;
    } catch (error) {
      await heartbeat.stop();
      summary.durationMs = Date.now() - started;
      // The record says why it stopped, and what it held is let go at once, as a dead run's is.
      await this.db
        .transaction(async (tx) => {
          await this.repository.finishRun(tx, runId, {
            status: 'failed',
            summary: this.counters(summary),
            error: error instanceof Error ? error.message : String(error),
            finishedAt: this.clock.now(),
          });
          await this.liveness.release(tx, runId);
        })
        .catch(() => {});
      throw error;
    }
  }

  /** Sends again the `pending` charges nobody holds (ones the processor never saw), same key. */
  private async resendPending(
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

  private counters(summary: RunSummary): Record<string, number> {
    const { runId: _id, at: _at, ...counters } = summary;
    return counters;
  }

  /** Asks the processor about every charge whose answer never came (also a job of its own). */
  async reconcile(): Promise<RunSummary> {
    const summary = emptySummary(newId(), this.clock.now());
    await this.reconcileInto(summary, () => {}, null);
    summary.refundsCompleted = await this.completePendingRefunds();
    return summary;
  }

  /**
   * The janitor (a job every minute, by whichever process has workers): runs whose process died
   * are marked `interrupted`, and the charges they held are asked about and finished now, not at
   * the next daily run.
   */
  async janitor(): Promise<RunSummary> {
    const now = this.clock.now();
    const summary = emptySummary(newId(), now);
    summary.takenOver = await this.liveness.takeOverSilent(null);
    if (summary.takenOver > 0) {
      await this.reconcileInto(summary, () => {}, null);
      await this.resendPending(null, now, summary, {}, () => {});
    }
    return summary;
  }

  /** Asks the processor about `unknown` charges nobody holds; `claimedBy` is the run asking, if any. */
  private async reconcileInto(
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
  private async pipelined(
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
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
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
      await this.followPayments(tx, settled, declines, now, summary);
      return settled;
    });
  }

  /**
   * A membership follows its charges: a decline makes it past_due, the last decline suspended, a
   * payment active again (when no other charge of it is still declined).
   */
  private async followPayments(
    tx: Executor,
    settled: SettledCharge[],
    declines: Map<string, string | null>,
    now: Date,
    summary: RunSummary,
  ): Promise<void> {
    const rank = { active: 0, past_due: 1, suspended: 2 } as const;
    const target = new Map<string, StateChange & { rank: number }>();
    for (const s of settled) {
      if (s.status === 'unknown') continue;
      const decline = DECLINE_LABELS[declines.get(s.id) ?? '']?.es ?? 'cargo rechazado';
      const change =
        s.status === 'succeeded'
          ? { toState: 'active', reason: 'Pago recibido', rank: rank.active }
          : s.retryAt
            ? {
                toState: 'past_due',
                reason: `Cargo rechazado (${decline}); se reintenta el ${mexicoCityDay(s.retryAt)}`,
                rank: rank.past_due,
              }
            : {
                toState: 'suspended',
                reason: `Cargo rechazado (${decline}) tras agotar los reintentos`,
                rank: rank.suspended,
              };
      const current = target.get(s.membershipId);
      if (!current || change.rank > current.rank)
        target.set(s.membershipId, { membershipId: s.membershipId, chargeId: s.id, ...change });
    }
    // A payment of a membership already active moves nothing, whatever happens to it meanwhile
    // (see `changeStates`): the usual case of a run, which then makes no statement here at all.
    const stateOf = new Map(settled.map((s) => [s.membershipId, s.membershipState]));
    for (const [id, change] of target)
      if (change.toState === 'active' && stateOf.get(id) === 'active') target.delete(id);
    if (target.size === 0) return;
    const changes = [...target.values()].map(({ rank: _r, ...c }) => c);
    const suspensions = changes.filter((c) => c.toState === 'suspended');
    // Suspension comes from past_due: a membership never past due passes through it first.
    const steps = [
      ...(suspensions.length > 0
        ? [
            [
              ...changes.filter((c) => c.toState !== 'suspended'),
              ...suspensions.map((c) => ({ ...c, toState: 'past_due' })),
            ],
          ]
        : [changes]),
      ...(suspensions.length > 0 ? [suspensions] : []),
    ];
    for (const step of steps) {
      const moves = await this.repository.changeStates(tx, step, { now, allowed: BILLING_MOVES });
      for (const m of moves) {
        if (m.toState === 'active' && m.fromState !== 'trial') summary.reactivated++;
        else if (m.toState === 'past_due') summary.pastDue++;
        else if (m.toState === 'suspended') summary.suspended++;
      }
    }
  }

  /** A finance retry, or the new card's: the charges' next attempt now, with the card on file. */
  private async retryNow(ids: string[]): Promise<SettledCharge[]> {
    if (ids.length === 0) return [];
    const now = this.clock.now();
    const claimed = await this.repository.startRetries(this.db, {
      at: now,
      now,
      claimUntil: this.claimUntil(),
      claimedBy: null,
      limit: ids.length,
      ids,
    });
    return this.attemptAndSettle(claimed, now, emptySummary(newId(), now));
  }

  /** After a new card: what the old one could not pay is charged to it at once. */
  async retryAfterCardReplaced(_actor: Actor, membershipId: string): Promise<void> {
    await this.retryNow(await this.repository.failedChargeIds(this.db, membershipId));
  }

  /**
   * The daily run (cron in Mexico City time, by whichever process has workers; one at a time), the
   * reconciliation of unanswered charges every 15 minutes and the janitor every minute.
   */
  registerJobs(jobs: Jobs, schedule: string): void {
    jobs.handle(
      BILLING_RUN_QUEUE,
      async () => {
        await this.run({ at: this.clock.now(), trigger: 'schedule' });
      },
      {
        policy: 'singleton',
        expireInSeconds: RUN_MAX_SECONDS,
        schedule: { cron: schedule, tz: MEXICO_CITY },
      },
    );
    jobs.handle(
      BILLING_RECONCILE_QUEUE,
      async () => {
        await this.reconcile();
      },
      { policy: 'singleton', expireInSeconds: 3600, schedule: { cron: '*/15 * * * *', tz: MEXICO_CITY } },
    );
    jobs.handle(
      BILLING_JANITOR_QUEUE,
      async () => {
        await this.janitor();
      },
      { policy: 'singleton', expireInSeconds: 3600, schedule: { cron: '* * * * *', tz: MEXICO_CITY } },
    );
  }

  // Charges, receipts ----------------------------------------------------------------------------

  /** Charges as their views: attempts, refunds and membership numbers read once for all. */
  private async present(executor: Executor, found: ChargeRecord[]): Promise<ChargeView[]> {
    const ids = found.map((c) => c.id);
    const attempts = await this.repository.attemptsOf(executor, ids);
    const refunds = await this.repository.refundsOf(executor, ids);
    const numbers = await this.repository.membershipNumbers(
      executor,
      found.map((c) => c.membershipId),
    );
    return found.map((c) =>
      presentCharge(
        c,
        attempts.filter((a) => a.chargeId === c.id),
        refunds.filter((r) => r.chargeId === c.id),
        numbers.get(c.membershipId) ?? '',
      ),
    );
  }

  private async view(executor: Executor, charge: ChargeRecord): Promise<ChargeView> {
    const [view] = await this.present(executor, [charge]);
    if (!view) throw new Error('charge view vanished');
    return view;
  }

  /** Reads by staff are reads of someone's personal data: audited. */
  private async auditRead(executor: Executor, actor: Actor, action: string, recordId: string) {
    if (isStaff(actor.principal)) {
      await this.audit.record(executor, actor, { action, recordType: 'charge', recordId });
    }
  }

  /** A charge the caller may see (a customer: their own), or CHARGE_NOT_FOUND. */
  private async loadCharge(executor: Executor, actor: Actor, id: string, forUpdate = false) {
    const charge = await this.repository.chargeById(executor, id, forUpdate);
    if (!charge) throw new AppError('CHARGE_NOT_FOUND');
    try {
      await this.members.load(executor, actor, charge.membershipId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'MEMBERSHIP_NOT_FOUND')
        throw new AppError('CHARGE_NOT_FOUND');
      throw error;
    }
    return charge;
  }

  async charge(actor: Actor, id: string): Promise<ChargeView> {
    return this.db.transaction(async (tx) => {
      const charge = await this.loadCharge(tx, actor, id);
      await this.auditRead(tx, actor, 'charge.read', id);
      return this.view(tx, charge);
    });
  }

  async chargesOfMembership(actor: Actor, membershipId: string): Promise<ChargeView[]> {
    return this.db.transaction(async (tx) => {
      await this.members.load(tx, actor, membershipId);
      const found = await this.repository.chargesOf(tx, membershipId);
      if (isStaff(actor.principal)) {
        await this.audit.record(tx, actor, {
          action: 'membership.charges_read',
          recordType: 'membership',
          recordId: membershipId,
        });
      }
      return this.present(tx, found);
    });
  }

  /** Finance's list: by status (failed payments), membership or period, newest first. */
  async list(
    actor: Actor,
    filter: { status?: string; membershipId?: string; periodKey?: string; before?: string; limit: number },
  ): Promise<ChargeView[]> {
    return this.db.transaction(async (tx) => {
      const found = await this.repository.listCharges(tx, filter);
      await this.audit.record(tx, actor, {
        action: 'charge.list',
        recordType: 'charge',
        details: { ...filter, results: found.length },
      });
      return this.present(tx, found);
    });
  }

  /** Finance tries a declined charge again now, with the card on file. */
  async retry(actor: Actor, id: string): Promise<ChargeView> {
    await this.db.transaction(async (tx) => {
      const charge = await this.loadCharge(tx, actor, id);
      if (charge.status !== 'failed') throw new AppError('CHARGE_NOT_RETRYABLE');
      await this.audit.record(tx, actor, { action: 'charge.retry', recordType: 'charge', recordId: id });
    });
    const settled = await this.retryNow([id]);
    if (settled.length === 0) throw new AppError('CHARGE_NOT_RETRYABLE');
    return this.db.transaction(async (tx) => this.view(tx, await this.loadCharge(tx, actor, id)));
  }

  // For cancellation --------------------------------------------------------------------------------

  /** Stops retrying a membership's declines (it was cancelled), inside the caller's transaction. */
  async stopRetries(tx: Executor, membershipId: string): Promise<void> {
    await this.repository.stopRetries(tx, membershipId, this.clock.now());
  }

  /** When the period the membership last paid for ends (null: nothing paid). */
  async paidThrough(executor: Executor, membershipId: string, at: Date): Promise<Date | null> {
    return this.repository.paidThrough(executor, membershipId, at);
  }

  /** What the membership has paid and not had back: what a full refund would return. */
  async refundableCentavos(executor: Executor, membershipId: string): Promise<number> {
    const found = await this.repository.refundableCharges(executor, membershipId);
    return found.reduce((sum, c) => sum + c.amountCentavos - c.refundedCentavos, 0);
  }

  /**
   * Refunds everything a membership paid (the 30-day cancellation). Each charge's refund is keyed
   * by `keyPrefix` and the charge, so finishing it again after a crash refunds nothing twice.
   * Returns the refunds; `complete` is false when any is still pending.
   */
  async refundAll(
    actor: Actor,
    membershipId: string,
    reason: string,
    keyPrefix: string,
  ): Promise<{ refunds: RefundView[]; complete: boolean }> {
    const refunds: RefundView[] = [];
    const paid = await this.repository.chargesOf(this.db, membershipId);
    for (const charge of paid.filter((c) => c.status === 'succeeded')) {
      const key = `${keyPrefix}:${charge.id}`;
      const earlier = await this.repository.refundByRequestKey(this.db, charge.id, key);
      if (!earlier && charge.refundedCentavos >= charge.amountCentavos) continue;
      try {
        const { refund } = await this.refund(actor, charge.id, { reason }, key);
        refunds.push(refund);
      } catch (error) {
        // Finance already gave it all back (or has a refund of the rest on its way).
        if (error instanceof AppError && error.code === 'REFUND_EXCEEDS_CHARGE') continue;
        throw error;
      }
    }
    return { refunds, complete: refunds.every((r) => r.status === 'succeeded') };
  }

  // Refunds ----------------------------------------------------------------------------------------

  /**
   * Gives back all or part of a charge. The refund is recorded (pending) before the processor is
   * asked, under the refund's id as its key, so a crash in between is finished later and never
   * refunds twice. The same Idempotency-Key on the same charge answers the same refund.
   */
  async refund(
    actor: Actor,
    chargeId: string,
    input: { amountCentavos?: number | undefined; reason: string },
    requestKey: string | undefined,
  ): Promise<{ refund: RefundView; replayed: boolean }> {
    const reason = input.reason.trim();
    if (!reason) {
      throw new AppError('VALIDATION_FAILED', { errors: [{ field: 'body/reason', message: 'is required' }] });
    }
    const key = requestKey ?? newId();
    const now = this.clock.now();
    const prepared = await this.db.transaction(async (tx) => {
      const charge = await this.loadCharge(tx, actor, chargeId, true);
      const earlier = await this.repository.refundByRequestKey(tx, chargeId, key);
      if (earlier) {
        if (input.amountCentavos !== undefined && input.amountCentavos !== earlier.amountCentavos)
          throw new AppError('REFUND_KEY_REUSED');
        return { refund: earlier, charge, replayed: true };
      }
      if (charge.status !== 'succeeded' || !charge.gatewayChargeId)
        throw new AppError('CHARGE_NOT_REFUNDABLE');
      const committed = await this.repository.committedRefundCentavos(tx, chargeId);
      const refundable = charge.amountCentavos - committed;
      const amount = input.amountCentavos ?? refundable;
      if (amount <= 0 || amount > refundable) {
        throw new AppError('REFUND_EXCEEDS_CHARGE', { extensions: { refundableCentavos: refundable } });
      }
      const refund = {
        id: newId(),
        chargeId,
        amountCentavos: amount,
        reason,
        status: 'pending',
        failureReason: null,
        gatewayRefundId: null,
        requestKey: key,
        requestedByType: actor.principal ? actor.principal.kind : 'system',
        requestedById: actor.principal
          ? actor.principal.kind === 'user'
            ? actor.principal.userId
            : actor.principal.apiKeyId
          : null,
        createdAt: now,
        completedAt: null,
      };
      await this.repository.insertRefund(tx, refund);
      await this.audit.record(tx, actor, {
        action: 'charge.refund',
        recordType: 'charge',
        recordId: chargeId,
        details: { refundId: refund.id, amountCentavos: amount, reason },
      });
      return { refund, charge, replayed: false };
    });
    if (prepared.refund.status === 'pending') {
      await this.completeRefund(
        prepared.refund.id,
        prepared.charge.gatewayChargeId ?? '',
        prepared.refund.amountCentavos,
      );
    }
    const refund = await this.repository.refundById(this.db, prepared.refund.id);
    if (!refund) throw new Error('refund vanished');
    return { refund: presentRefund(refund), replayed: prepared.replayed };
  }

  /** Asks the processor for the refund and records its answer; a processor error leaves it pending. */
  private async completeRefund(
    id: string,
    gatewayChargeId: string,
    amountCentavos: number,
  ): Promise<boolean> {
    let outcome: Awaited<ReturnType<PaymentGateway['refund']>>;
    try {
      outcome = await this.gateway.refund({ idempotencyKey: id, gatewayChargeId, amountCentavos });
    } catch {
      return false;
    }
    return this.db.transaction((tx) =>
      this.repository.completeRefund(
        tx,
        id,
        outcome.status === 'succeeded'
          ? { status: 'succeeded', gatewayRefundId: outcome.gatewayRefundId, failureReason: null }
          : { status: 'failed', gatewayRefundId: null, failureReason: outcome.reason },
        this.clock.now(),
      ),
    );
  }

  /** Refunds left pending by a crash or a processor error, finished under their own key. */
  private async completePendingRefunds(): Promise<number> {
    const olderThan = new Date(this.clock.now().getTime() - 60_000);
    const pending = await this.repository.pendingRefunds(this.db, olderThan, 500);
    let completed = 0;
    for (const refund of pending) {
      const charge = await this.repository.chargeById(this.db, refund.chargeId);
      if (
        charge?.gatewayChargeId &&
        (await this.completeRefund(refund.id, charge.gatewayChargeId, refund.amountCentavos))
      )
        completed++;
    }
    return completed;
  }

  // Runs -------------------------------------------------------------------------------------------

  /**
   * Starts a run for finance and answers at once; the run goes on in this process and its record
   * shows its progress and summary. Refuses an instant in the future: charging ahead of time.
   */
  async startRun(actor: Actor, at: Date | undefined): Promise<BillingRunView> {
    const now = this.clock.now();
    const when = at ?? now;
    if (when.getTime() > now.getTime()) throw new AppError('BILLING_RUN_IN_FUTURE');
    const options: RunOptions = { at: when, trigger: 'api', actor };
    const runId = await this.begin(options);
    // A failure is written on the run's record (execute does it); nothing else waits for it.
    const running = this.execute(runId, options).then(
      () => {},
      () => {},
    );
    this.background.add(running);
    void running.finally(() => this.background.delete(running));
    return this.runView(runId);
  }

  /** Waits for runs started through the API (the app waits for them when it closes). */
  async drain(): Promise<void> {
    await Promise.all([...this.background]);
  }

  async runView(id: string): Promise<BillingRunView> {
    const run = await this.repository.runById(this.db, id);
    if (!run) throw new AppError('BILLING_RUN_NOT_FOUND');
    return presentRun(run);
  }

  async runs(limit: number): Promise<BillingRunView[]> {
    return (await this.repository.listRuns(this.db, limit)).map(presentRun);
  }
}
