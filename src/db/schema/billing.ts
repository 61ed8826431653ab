import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { memberships } from './members.ts';

/**
 * When each membership's next period falls due (billing calendar), one row per membership, made at
 * contracting: the billing run charges the rows whose instant has come and moves them a month on;
 * null once nothing more will be charged (cancelled). Kept apart from the wide membership row so
 * that advancing a period writes only this narrow row and its two index entries — not the
 * membership's row, its five indexes and its trigram search entries. Charges reference this row
 * (which references the membership): the run already holds it, so their foreign-key check locks
 * nothing more.
 */
export const billingSchedule = pgTable(
  'billing_schedule',
  {
    membershipId: uuid('membership_id')
      .primaryKey()
      .references(() => memberships.id),
    nextChargeAt: timestamp('next_charge_at', { withTimezone: true }),
  },
  // The membership too: the run's notices are read in this order, a batch at a time from where the
  // last ended (a cursor on both); the charges due are read by the first column alone.
  (t) => [
    index('billing_schedule_due_idx')
      .on(t.nextChargeAt, t.membershipId)
      .where(sql`${t.nextChargeAt} is not null`),
  ],
);

/**
 * One monthly charge of a membership: at most one per (membership, period), enforced here whatever
 * crashes, retries or concurrent runs happen. A successful charge is also the receipt (base, IVA,
 * total, card summary, period) and keeps what a CFDI 4.0 e-invoice needs.
 *
 * Status: `pending` (an attempt is to be made or is in flight), `succeeded`, `failed` (declined;
 * `retry_at` says when the next attempt is due, null once retries are exhausted), `unknown` (the
 * processor did not answer; reconciliation asks it later with the same idempotency key) and
 * `collecting` (with `DIRECT_DEBIT=file`: the attempt goes to the bank in a collection file, and
 * the bank's answer file settles it; see `directDebitCollections`).
 */
export const charges = pgTable(
  'charges',
  {
    id: uuid('id').primaryKey(),
    /** The membership charged; its schedule row, which stands for it (see `billingSchedule`). */
    membershipId: uuid('membership_id')
      .notNull()
      .references(() => billingSchedule.membershipId),
    /** `YYYY-MM` of the due date in Mexico City. */
    periodKey: text('period_key').notNull(),
    periodStartsAt: timestamp('period_starts_at', { withTimezone: true }).notNull(),
    /** Exclusive: the next period's due instant. */
    periodEndsAt: timestamp('period_ends_at', { withTimezone: true }).notNull(),
    amountCentavos: integer('amount_centavos').notNull(),
    baseCentavos: integer('base_centavos').notNull(),
    ivaCentavos: integer('iva_centavos').notNull(),
    currency: text('currency').notNull(),
    /** `card` (credit card, recurring charge) or `direct_debit` (debit card, domiciliación). */
    method: text('method').notNull(),
    status: text('status').notNull(),
    /** The current (or last) attempt; attempt n uses the idempotency key of `attemptKey`. */
    attempts: smallint('attempts').notNull(),
    firstFailedAt: timestamp('first_failed_at', { withTimezone: true }),
    retryAt: timestamp('retry_at', { withTimezone: true }),
    /** A run working on the charge holds it until then; others leave it alone meanwhile. */
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    /**
     * The billing run holding the claim (null: a claim without a run — reconciliation, a finance
     * retry). When that run is found dead its charges are released at once, not when the claim lapses.
     */
    claimedBy: uuid('claimed_by'),
    cardToken: text('card_token').notNull(),
    cardBrand: text('card_brand').notNull(),
    cardLast4: text('card_last4').notNull(),
    gatewayChargeId: text('gateway_charge_id'),
    declineCode: text('decline_code'),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    /**
     * The receipt's readable number, `REC-2027-000123`: the Mexico City year it was paid and a
     * number from `receipt_folio_seq`, which never restarts (so the number alone is unique). Set in
     * the statement that marks the charge paid, which is the only move into `succeeded`.
     */
    receiptFolio: text('receipt_folio').unique(),
    refundedCentavos: integer('refunded_centavos').notNull().default(0),
    // CFDI 4.0: receiver and payment data, kept at charge time so e-invoices can be issued later.
    receiverRfc: text('receiver_rfc').notNull(),
    receiverName: text('receiver_name').notNull(),
    receiverFiscalRegime: text('receiver_fiscal_regime'),
    cfdiUse: text('cfdi_use').notNull(),
    /** SAT payment form: 04 credit card, 28 debit card. */
    paymentForm: text('payment_form').notNull(),
    /** SAT payment method: PUE, paid in one go. */
    paymentMethod: text('payment_method').notNull(),
    runId: uuid('run_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    // Also the index a membership's charges are listed by: period keys sort as periods do.
    uniqueIndex('charges_membership_period_key').on(t.membershipId, t.periodKey),
    index('charges_open_idx').on(t.status, t.id).where(sql`${t.status} in ('pending','unknown')`),
    index('charges_retry_idx').on(t.retryAt).where(sql`${t.status} = 'failed' and ${t.retryAt} is not null`),
    check('charges_status', sql`${t.status} in ('pending','succeeded','failed','unknown','collecting')`),
    check('charges_method', sql`${t.method} in ('card','direct_debit')`),
    check('charges_currency', sql`${t.currency} = 'MXN'`),
    check('charges_amount_split', sql`${t.baseCentavos} + ${t.ivaCentavos} = ${t.amountCentavos}`),
    check('charges_amount_positive', sql`${t.amountCentavos} > 0`),
    check('charges_refunded', sql`${t.refundedCentavos} between 0 and ${t.amountCentavos}`),
    check('charges_refund_needs_success', sql`${t.refundedCentavos} = 0 or ${t.status} = 'succeeded'`),
    check('charges_paid', sql`(${t.status} = 'succeeded') = (${t.paidAt} is not null)`),
    check('charges_payment_form', sql`${t.paymentForm} in ('04','28')`),
    check('charges_attempts', sql`${t.attempts} >= 1`),
    check('charges_receipt_folio', sql`(${t.status} = 'succeeded') = (${t.receiptFolio} is not null)`),
    // Finance's filter by the charge's day (Mexico City), newest first.
    index('charges_created_idx').on(t.createdAt, t.id),
  ],
);

/** Receipt folios' numbers: one sequence for all years, so a folio is never issued twice. */
export const receiptFolioSeq = pgSequence('receipt_folio_seq', { startWith: 1 });

/** Every answer the processor gave about a charge, one row per attempt. */
export const chargeAttempts = pgTable(
  'charge_attempts',
  {
    chargeId: uuid('charge_id')
      .notNull()
      .references(() => charges.id),
    number: smallint('number').notNull(),
    /** attemptKey(charge_id, number): unique because the primary key is; no index of its own. */
    idempotencyKey: text('idempotency_key').notNull(),
    cardLast4: text('card_last4').notNull(),
    status: text('status').notNull(),
    declineCode: text('decline_code'),
    gatewayChargeId: text('gateway_charge_id'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.chargeId, t.number] }),
    check('charge_attempts_status', sql`${t.status} in ('succeeded','declined','unknown')`),
    // The last day's attempts (operator metrics, reports) without scanning the year's: attempts are
    // appended in time order, so a block range index is a few pages and costs the run next to nothing.
    index('charge_attempts_at_brin').using('brin', t.at),
  ],
);

/** Money given back on a charge, full or partial; their sum never exceeds what was charged. */
export const refunds = pgTable(
  'refunds',
  {
    id: uuid('id').primaryKey(),
    chargeId: uuid('charge_id')
      .notNull()
      .references(() => charges.id),
    amountCentavos: integer('amount_centavos').notNull(),
    reason: text('reason').notNull(),
    status: text('status').notNull(),
    failureReason: text('failure_reason'),
    gatewayRefundId: text('gateway_refund_id'),
    /** The caller's Idempotency-Key: the same key on the same charge is the same refund. */
    requestKey: text('request_key').notNull(),
    requestedByType: text('requested_by_type').notNull(),
    requestedById: text('requested_by_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('refunds_request_key').on(t.chargeId, t.requestKey),
    index('refunds_pending_idx').on(t.createdAt).where(sql`${t.status} = 'pending'`),
    check('refunds_status', sql`${t.status} in ('pending','succeeded','failed')`),
    check('refunds_amount', sql`${t.amountCentavos} > 0`),
  ],
);

/**
 * A billing run: when it looked, who asked, how far it got and what it did. Status: `running`,
 * `completed`, `failed` (it stopped on an error and said so) or `interrupted` (its process died
 * without a word: found by its silent heartbeat; another run or the janitor finished its charges).
 */
export const billingRuns = pgTable(
  'billing_runs',
  {
    id: uuid('id').primaryKey(),
    /** The instant the run bills at: what is due at or before it is charged. */
    at: timestamp('at', { withTimezone: true }).notNull(),
    trigger: text('trigger').notNull(),
    requestedByType: text('requested_by_type').notNull(),
    requestedById: text('requested_by_id'),
    status: text('status').notNull(),
    summary: jsonb('summary').$type<Record<string, number>>().notNull().default({}),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** Written every few seconds while the run works; silent for long, its process is dead. */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
  },
  (t) => [
    index('billing_runs_started_idx').on(t.startedAt),
    check('billing_runs_status', sql`${t.status} in ('running','completed','failed','interrupted')`),
    check('billing_runs_trigger', sql`${t.trigger} in ('schedule','cli','api','test')`),
  ],
);

/**
 * One attempt of a direct-debit charge sent to the bank in a collection file (`DIRECT_DEBIT=file`),
 * made in the statement that puts the charge in `collecting`. `reference` is the line's unique
 * reference in both files (`<membership number>-<YYYYMM>-<attempt>`). `collection_date` is the Mexico
 * City day it became due; `file_date` the day of the collection file that carried it, set by that
 * file's first export (a file once exported never changes); `result` the bank's answer, written once
 * with the charge's settlement (an answer file read again finds it and changes nothing).
 */
export const directDebitCollections = pgTable(
  'direct_debit_collections',
  {
    reference: text('reference').primaryKey(),
    chargeId: uuid('charge_id')
      .notNull()
      .references(() => charges.id),
    attempt: smallint('attempt').notNull(),
    // What the bank's line says, kept as sent: a later attempt (new card) never rewrites an old file.
    membershipNumber: text('membership_number').notNull(),
    periodKey: text('period_key').notNull(),
    cardToken: text('card_token').notNull(),
    amountCentavos: integer('amount_centavos').notNull(),
    collectionDate: text('collection_date').notNull(),
    fileDate: text('file_date'),
    result: text('result'),
    reasonCode: text('reason_code'),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('direct_debit_collections_attempt').on(t.chargeId, t.attempt),
    index('direct_debit_collections_unsent_idx').on(t.collectionDate).where(sql`${t.fileDate} is null`),
    index('direct_debit_collections_file_idx').on(t.fileDate, t.reference),
    check(
      'direct_debit_collections_result',
      sql`${t.result} is null or ${t.result} in ('approved','rejected')`,
    ),
    check(
      'direct_debit_collections_answer',
      sql`(${t.result} is null) = (${t.answeredAt} is null) and (${t.result} is null or ${t.fileDate} is not null)`,
    ),
  ],
);

/** A day's collection file, once exported: its first export seals which collections it carries. */
export const directDebitFiles = pgTable('direct_debit_files', {
  /** The Mexico City day, `YYYY-MM-DD`. */
  fileDate: text('file_date').primaryKey(),
  lines: integer('lines').notNull(),
  amountCentavos: integer('amount_centavos').notNull(),
  firstExportedAt: timestamp('first_exported_at', { withTimezone: true }).notNull(),
});
