import type { Database, Executor } from '../../db/client.ts';
import { type Clock, MEXICO_CITY } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Jobs } from '../../platform/jobs.ts';
import { type Actor, isStaff, SYSTEM_ACTOR } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { EventRecorder } from '../events/recorder.ts';
import type { MembersService, OutstandingChargeRetried } from '../members/service.ts';
import type { PaymentGateway } from '../payments/gateway.ts';
import { ChargeAttempts } from './attempts.ts';
import type { ChargeFilterQuery } from './charge-filter.ts';
import { ChargesService } from './charges.ts';
import { type ChargeRecord, ChargesRepository } from './charges-repository.ts';
import { ClockedRun } from './clocked-run.ts';
import { DirectDebitRepository } from './direct-debit-repository.ts';
import { type AnswerImportReport, DirectDebits, type ImportOptions } from './direct-debits.ts';
import { type ChargeTotals, EXPORT_BATCH, FinanceCharges } from './finance-charges.ts';
import { FinanceRefunds, type RefundExportQuery } from './finance-refunds.ts';
import type { BillingMessages } from './messages.ts';
import { writeUpcomingNotices } from './notices.ts';
import { RunPace } from './pace.ts';
import './errors.ts';
import { RunLiveness } from './liveness.ts';
import { RunLivenessRepository } from './liveness-repository.ts';
import { type RefundSucceededListener, RefundsService } from './refunds.ts';
import { RefundsRepository } from './refunds-repository.ts';
import type { BillingRepository } from './repository.ts';
import {
  type BatchSource,
  BILLING_JANITOR_QUEUE,
  BILLING_RECONCILE_QUEUE,
  BILLING_RUN_QUEUE,
  type BillingOptions,
  checkBillingOptions,
  DEFAULT_BILLING_OPTIONS,
  emptySummary,
  RUN_MAX_SECONDS,
  type RunOptions,
  type RunSummary,
  summaryCounters,
} from './run-options.ts';
import { BillingRunsRepository } from './runs-repository.ts';
import { type BillingRunView, type ChargeView, presentRun, type RefundView } from './views.ts';

// Callers (the CLI, tests, the bench) know these as the billing service's.
export {
  attemptKey,
  type BillingOptions,
  DEFAULT_BILLING_OPTIONS,
  type RunOptions,
  type RunSummary,
  type RunTrigger,
} from './run-options.ts';

/**
 * Monthly billing: the run that charges what is due exactly once, retries, reconciliation,
 * membership states that follow payment, receipts and refunds. This class runs the runs (and their
 * jobs); it hands the processor calls to `ChargeAttempts`, a charge's reads and finance's retry to
 * `ChargesService` and refunds to `RefundsService`, and is the one entry the routes, cancellation
 * and members call.
 *
 * Exactly once rests on three things: the database's unique (membership, period) key, the charge's
 * id as the processor's idempotency key (one key per attempt), and answers written only for the
 * attempt they belong to. A crash anywhere leaves a `pending` or `unknown` charge that a later run
 * sends again under the same key, and the processor answers it without charging twice.
 */
/** A run this process ended: how, why it ran and how long it took. */
export interface FinishedRun {
  status: 'completed' | 'failed';
  trigger: RunOptions['trigger'];
  durationMs: number;
}
export type RunFinishedListener = (run: FinishedRun) => void;

export class BillingService {
  private readonly background = new Set<Promise<void>>();
  private readonly liveness: RunLiveness;
  private readonly runsRepository = new BillingRunsRepository();
  private readonly attempts: ChargeAttempts;
  private readonly charges: ChargesService;
  private readonly finance: FinanceCharges;
  private readonly refunds: RefundsService;
  private readonly directDebits: DirectDebits;
  private readonly financeRefunds: FinanceRefunds;
  private readonly refundListeners: RefundSucceededListener[] = [];
  private readonly runListeners: RunFinishedListener[] = [];
  private readonly clocked: ClockedRun;

  constructor(
    private readonly db: Database,
    private readonly repository: BillingRepository,
    members: MembersService,
    gateway: PaymentGateway,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly messages: BillingMessages,
    /** The event log partners read: charges, refunds and the state moves they cause. */
    events: EventRecorder,
    private readonly options: BillingOptions = DEFAULT_BILLING_OPTIONS,
  ) {
    checkBillingOptions(options);
    this.liveness = new RunLiveness(db, new RunLivenessRepository(), clock, options.heartbeatSeconds);
    this.attempts = new ChargeAttempts(db, repository, gateway, clock, messages, options, events);
    const chargesRepository = new ChargesRepository();
    this.charges = new ChargesService(db, chargesRepository, members, this.attempts, audit, clock);
    this.clocked = new ClockedRun(db, repository, this.attempts, messages, clock, options);
    this.finance = new FinanceCharges(
      db,
      chargesRepository,
      this.charges,
      audit,
      Math.min(options.batchSize, EXPORT_BATCH),
      options.reads,
    );
    this.financeRefunds = new FinanceRefunds(
      db,
      new RefundsRepository(),
      chargesRepository,
      audit,
      Math.min(options.batchSize, EXPORT_BATCH),
      options.reads,
    );
    this.directDebits = new DirectDebits(db, new DirectDebitRepository(), this.attempts, audit, clock);
    this.refunds = new RefundsService(
      db,
      new RefundsRepository(),
      chargesRepository,
      this.charges,
      gateway,
      audit,
      clock,
      messages,
      events,
      this.refundListeners,
    );
  }

  /** Listens to every succeeded refund, inside the transaction that records it (credit notes). */
  onRefundSucceeded(listener: RefundSucceededListener): void {
    this.refundListeners.push(listener);
  }

  /** Hears of every run this process ends, completed or failed (the run-duration metric). */
  onRunFinished(listener: RunFinishedListener): void {
    this.runListeners.push(listener);
  }

  private runFinished(run: FinishedRun): void {
    for (const listener of this.runListeners) {
      try {
        listener(run);
      } catch {
        // A listener's failure is its own: the run is over either way.
      }
    }
  }

  /** A charge the caller may see (a customer: their own), optionally locked, or CHARGE_NOT_FOUND. */
  async loadCharge(executor: Executor, actor: Actor, id: string, forUpdate = false): Promise<ChargeRecord> {
    return this.charges.loadCharge(executor, actor, id, forUpdate);
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
      await this.runsRepository.insertRun(tx, {
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
      summaryCounters({ ...summary, durationMs: Date.now() - started }),
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
      await this.attempts.reconcileInto(summary, progress, runId);
      // Recovery (reconciling, sending again) is not paced: it is rare and small. New work is.
      const pace = new RunPace(this.options.pace, options.paceTimer);
      const batch = pace.batch(this.options.batchSize);
      const pipeline = (take: BatchSource) =>
        this.attempts.pipelined(
          async () => {
            await pace.wait();
            const taken = await take();
            if (taken) pace.count(taken.work);
            return taken;
          },
          at,
          summary,
          options,
          progress,
        );
      await this.attempts.resendPending(runId, at, summary, options, progress);
      await pipeline(async () => {
        const due = await this.repository.createDue(this.db, {
          at,
          now: this.clock.now(),
          claimUntil: this.attempts.claimUntil(),
          runId,
          limit: batch,
          directDebit: this.options.directDebit ?? 'gateway',
        });
        if (due.advanced === 0) return null;
        summary.due += due.advanced;
        summary.created += due.created.length + due.collecting;
        summary.collecting += due.collecting;
        summary.skippedSuspended += due.skipped;
        return { claimed: due.created, work: due.advanced };
      });
      await pipeline(async () => {
        const { claimed, collecting } = await this.repository.startRetries(this.db, {
          at,
          now: this.clock.now(),
          claimUntil: this.attempts.claimUntil(),
          claimedBy: runId,
          limit: batch,
          directDebit: this.options.directDebit ?? 'gateway',
        });
        // A batch may be all debit cards gone to the collection file: nothing to send, more to take.
        if (claimed.length + collecting === 0) return null;
        summary.retried += claimed.length + collecting;
        summary.collecting += collecting;
        return { claimed, work: claimed.length + collecting };
      });
      // What other runs hold now: a live run settles it, a dead one's is this run's to finish once
      // the dead run is found silent — so a run started right after a kill finishes its work.
      summary.takenOver += await this.liveness.awaitOthers(runId, async () => {
        await this.attempts.reconcileInto(summary, progress, runId);
        await this.attempts.resendPending(runId, at, summary, options, progress);
      });
      summary.refundsCompleted = await this.refunds.completePendingRefunds();
      summary.notices = await writeUpcomingNotices(
        { db: this.db, repository: this.repository, messages: this.messages },
        {
          at,
          batchSize: this.options.batchSize,
          now: () => this.clock.now(),
          pace,
        },
      );
      await heartbeat.stop();
      summary.durationMs = Date.now() - started;
      await this.runsRepository.finishRun(this.db, runId, {
        status: 'completed',
        summary: summaryCounters(summary),
        error: null,
        finishedAt: this.clock.now(),
      });
      this.runFinished({ status: 'completed', trigger: options.trigger, durationMs: summary.durationMs });
      return summary;
    } catch (error) {
      await heartbeat.stop();
      summary.durationMs = Date.now() - started;
      // The record says why it stopped, and what it held is let go at once, as a dead run's is.
      await this.db
        .transaction(async (tx) => {
          await this.runsRepository.finishRun(tx, runId, {
            status: 'failed',
            summary: summaryCounters(summary),
            error: error instanceof Error ? error.message : String(error),
            finishedAt: this.clock.now(),
          });
          await this.liveness.release(tx, runId);
        })
        .catch(() => {});
      this.runFinished({ status: 'failed', trigger: options.trigger, durationMs: summary.durationMs });
      throw error;
    }
  }

  /**
   * Sandbox: what the daily runs would have done to a test clock's memberships from `from` to `to`
   * (this service must be the clock's: `options.testClock`, built with the clock's time); see
   * `ClockedRun`.
   */
  async advanceTestClock(
    from: Date,
    to: Date,
    moveTo: (at: Date) => void,
  ): Promise<RunSummary & { steps: number }> {
    return this.clocked.advance(from, to, moveTo);
  }

  /** Asks the processor about every charge whose answer never came (also a job of its own). */
  async reconcile(): Promise<RunSummary> {
    const summary = emptySummary(newId(), this.clock.now());
    await this.attempts.reconcileInto(summary, () => {}, null);
    summary.refundsCompleted = await this.refunds.completePendingRefunds();
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
      await this.attempts.reconcileInto(summary, () => {}, null);
      await this.attempts.resendPending(null, now, summary, {}, () => {});
    }
    return summary;
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

  // Charges, for the routes, members and cancellation --------------------------------------------

  async charge(actor: Actor, id: string): Promise<ChargeView> {
    return this.charges.charge(actor, id);
  }

  async chargesOfMembership(actor: Actor, membershipId: string): Promise<ChargeView[]> {
    return this.charges.chargesOfMembership(actor, membershipId);
  }

  /** A charge loaded by the caller, as its view (receipt, refunds), in the caller's transaction. */
  async chargeView(executor: Executor, charge: ChargeRecord): Promise<ChargeView> {
    const [view] = await this.charges.present(executor, [charge]);
    if (!view) throw new Error('charge view vanished');
    return view;
  }

  /** Finance's list: filtered by status, membership, period and days; with the filter's totals. */
  async list(
    actor: Actor,
    query: ChargeFilterQuery & { before?: string | undefined; limit: number },
  ): Promise<{ data: ChargeView[]; totals: ChargeTotals }> {
    return this.finance.list(actor, query);
  }

  /** The same filter as CSV text, streamed batch by batch (audited). */
  async exportCsv(actor: Actor, query: ChargeFilterQuery): Promise<AsyncGenerator<string>> {
    return this.finance.exportCsv(actor, query);
  }

  /** Refunds filtered by status, membership and days, as CSV streamed batch by batch (audited). */
  async exportRefundsCsv(actor: Actor, query: RefundExportQuery): Promise<AsyncGenerator<string>> {
    return this.financeRefunds.exportCsv(actor, query);
  }

  /** Finance tries a declined charge again now, with the card on file. */
  async retry(actor: Actor, id: string): Promise<ChargeView> {
    return this.charges.retry(actor, id);
  }

  /** After a new card: what the old one could not pay is charged to it at once. */
  async retryAfterCardReplaced(_actor: Actor, membershipId: string): Promise<OutstandingChargeRetried[]> {
    return this.charges.retryAfterCardReplaced(membershipId);
  }

  /** Stops retrying a membership's declines (it was cancelled), inside the caller's transaction. */
  async stopRetries(tx: Executor, membershipId: string): Promise<void> {
    await this.charges.stopRetries(tx, membershipId);
  }

  /** When the period the membership last paid for ends (null: nothing paid). */
  async paidThrough(executor: Executor, membershipId: string, at: Date): Promise<Date | null> {
    return this.charges.paidThrough(executor, membershipId, at);
  }

  // Direct debit (domiciliación) -------------------------------------------------------------------

  /** A day's collection file for the bank (sealed at its first export; audited). */
  async exportDirectDebitFile(
    actor: Actor,
    fileDate: string,
  ): Promise<{ lines: number; amountCentavos: number; body: AsyncGenerator<string> }> {
    return this.directDebits.exportFile(actor, fileDate);
  }

  /** The bank's answer file applied line by line, exactly once (audited). */
  async importDirectDebitAnswers(
    actor: Actor,
    lines: AsyncIterable<string> | Iterable<string>,
    options?: ImportOptions,
  ): Promise<AnswerImportReport> {
    return this.directDebits.importAnswers(actor, lines, options);
  }

  // Refunds ----------------------------------------------------------------------------------------

  /** What the membership has paid and not had back: what a full refund would return. */
  async refundableCentavos(executor: Executor, membershipId: string): Promise<number> {
    return this.refunds.refundableCentavos(executor, membershipId);
  }

  /** Refunds everything a membership paid (the 30-day cancellation); see `RefundsService.refundAll`. */
  async refundAll(
    actor: Actor,
    membershipId: string,
    reason: string,
    keyPrefix: string,
  ): Promise<{ refunds: RefundView[]; complete: boolean }> {
    return this.refunds.refundAll(actor, membershipId, reason, keyPrefix);
  }

  /** Gives back all or part of a charge, exactly once per key; see `RefundsService.refund`. */
  async refund(
    actor: Actor,
    chargeId: string,
    input: { amountCentavos?: number | undefined; reason: string },
    requestKey: string | undefined,
  ): Promise<{ refund: RefundView; replayed: boolean }> {
    return this.refunds.refund(actor, chargeId, input, requestKey);
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
    const run = await this.runsRepository.runById(this.db, id);
    if (!run) throw new AppError('BILLING_RUN_NOT_FOUND');
    return presentRun(run);
  }

  async runs(limit: number): Promise<BillingRunView[]> {
    return (await this.runsRepository.listRuns(this.db, limit)).map(presentRun);
  }
}
