import type { ReadSource } from '../../db/read-replica.ts';
import type { Actor } from '../../platform/principal.ts';
import type { PaceTimer } from './pace.ts';
import type { ClaimedCharge } from './repository.ts';

export interface BillingOptions {
  /** Days after the first failure (Mexico City days) on which a declined charge is tried again. */
  retryDays: number[];
  /** Memberships or charges a statement takes at a time. */
  batchSize: number;
  /** Processor calls in flight at once. */
  concurrency: number;
  /**
   * Units of work a run takes a second (charges created or retried; notices written), in small
   * batches; unset or 0: as fast as the processor and the database allow (`RunPace`). Recovery
   * (reconciling, sending again what a crashed run left) is not paced.
   */
  pace?: number;
  /**
   * The longest a claim holds charges before another run may take them. A run found dead lets go
   * of its charges at once; this bounds the rest (claims without a run, a run stuck in a call).
   */
  claimSeconds: number;
  /** How often a running run writes its heartbeat; silent for `SILENT_HEARTBEATS` of them, it is dead. */
  heartbeatSeconds: number;
  /** Where finance's exports read (the replica when there is one); the primary when absent. */
  reads?: ReadSource;
  /**
   * Sandbox: the test clock whose memberships (and only them) this service bills, in the clock's
   * time (docs/test-clocks.md). Unset: real time, every membership on no clock.
   */
  testClock?: string;
  /**
   * Debit cards (`method` direct_debit): `gateway`, charged through the processor like credit cards;
   * `file`, put in `collecting` for the bank's collection file (domiciliación) and settled by its
   * answer file. Unset: `gateway`.
   */
  directDebit?: 'gateway' | 'file';
}

export const DEFAULT_BILLING_OPTIONS: BillingOptions = {
  retryDays: [1, 3, 7],
  batchSize: 2000,
  concurrency: 256,
  claimSeconds: 300,
  heartbeatSeconds: 5,
};

/** Refuses options a run could not keep (retries out of order, a claim or heartbeat of no length). */
export function checkBillingOptions(options: BillingOptions): void {
  if (
    options.retryDays.some(
      (d, i) => !Number.isInteger(d) || d < 1 || (i > 0 && d <= (options.retryDays[i - 1] ?? 0)),
    )
  )
    throw new RangeError('retryDays must be increasing whole days ≥ 1');
  if (!(options.claimSeconds > 0 && options.heartbeatSeconds > 0))
    throw new RangeError('claimSeconds and heartbeatSeconds must be positive');
}

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
  /** Attempts put in `collecting` for the bank's collection file (`DIRECT_DEBIT=file`). */
  collecting: number;
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
  /** Test hook: the time a paced run waits on (real time when unset). */
  paceTimer?: PaceTimer;
}

/** The next batch to send to the processor (and how much work it stands for), or null when none is left. */
export type BatchSource = () => Promise<{ claimed: ClaimedCharge[]; work: number } | null>;

/** The processor's idempotency key of attempt n: the charge id itself, then `<id>:<n>`. */
export function attemptKey(chargeId: string, attempt: number): string {
  return attempt === 1 ? chargeId : `${chargeId}:${attempt}`;
}

export function emptySummary(runId: string, at: Date): RunSummary {
  return {
    runId,
    at: at.toISOString(),
    due: 0,
    created: 0,
    skippedSuspended: 0,
    resent: 0,
    takenOver: 0,
    retried: 0,
    collecting: 0,
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

/** The summary's counters, as a run's record keeps them. */
export function summaryCounters(summary: RunSummary): Record<string, number> {
  const { runId: _id, at: _at, ...counters } = summary;
  return counters;
}
