import { and, count, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/client.ts';
import { billingRuns, chargeAttempts, charges, refunds } from '../../db/schema/index.ts';

/**
 * What other domains may read of billing's tables, named by billing (their owner). Other
 * repositories call these with their own executor instead of selecting from the tables.
 */

/** The membership a charge belongs to, if the charge exists. */
export async function membershipOfCharge(executor: Executor, chargeId: string): Promise<string | undefined> {
  const [row] = await executor
    .select({ membershipId: charges.membershipId })
    .from(charges)
    .where(eq(charges.id, chargeId));
  return row?.membershipId;
}

/** Charges with an attempt in the window, by their status now. */
export async function chargesAttemptedByStatus(
  executor: Executor,
  window: { from: Date; to: Date },
): Promise<{ status: string; charges: number }[]> {
  const attempted = executor
    .select({ one: sql`1` })
    .from(chargeAttempts)
    .where(
      and(
        eq(chargeAttempts.chargeId, charges.id),
        gte(chargeAttempts.at, window.from),
        lt(chargeAttempts.at, window.to),
      ),
    );
  return executor
    .select({ status: charges.status, charges: count().mapWith(Number) })
    .from(charges)
    .where(sql`exists (${attempted})`)
    .groupBy(charges.status);
}

/** A charge as invoicing reads it (its stored split, payment form and state). */
export type ChargeForInvoice = Pick<
  typeof charges.$inferSelect,
  | 'id'
  | 'membershipId'
  | 'periodKey'
  | 'amountCentavos'
  | 'baseCentavos'
  | 'ivaCentavos'
  | 'status'
  | 'paidAt'
  | 'paymentForm'
  | 'refundedCentavos'
>;

const invoiceColumns = {
  id: charges.id,
  membershipId: charges.membershipId,
  periodKey: charges.periodKey,
  amountCentavos: charges.amountCentavos,
  baseCentavos: charges.baseCentavos,
  ivaCentavos: charges.ivaCentavos,
  status: charges.status,
  paidAt: charges.paidAt,
  paymentForm: charges.paymentForm,
  refundedCentavos: charges.refundedCentavos,
};

export async function chargesForInvoice(executor: Executor, ids: string[]): Promise<ChargeForInvoice[]> {
  if (ids.length === 0) return [];
  return executor.select(invoiceColumns).from(charges).where(inArray(charges.id, ids)).orderBy(charges.id);
}

/** Charges paid in [from, to), oldest first: what a month's global invoice may hold. */
export async function chargesPaidBetween(
  executor: Executor,
  from: Date,
  to: Date,
): Promise<ChargeForInvoice[]> {
  return executor
    .select(invoiceColumns)
    .from(charges)
    .where(and(eq(charges.status, 'succeeded'), gte(charges.paidAt, from), lt(charges.paidAt, to)))
    .orderBy(charges.paidAt, charges.id);
}

/** Succeeded refunds of the charges, oldest first (credit notes owed for them). */
export async function succeededRefundsOf(
  executor: Executor,
  chargeIds: string[],
): Promise<{ id: string; chargeId: string; amountCentavos: number }[]> {
  if (chargeIds.length === 0) return [];
  return executor
    .select({ id: refunds.id, chargeId: refunds.chargeId, amountCentavos: refunds.amountCentavos })
    .from(refunds)
    .where(and(inArray(refunds.chargeId, chargeIds), eq(refunds.status, 'succeeded')))
    .orderBy(refunds.completedAt, refunds.id);
}

/**
 * Operator metrics (scraped every few seconds, so each is one indexed statement).
 * Charges with an attempt since `since`, by their status now: the attempts' range comes from the
 * BRIN index on `charge_attempts.at` (attempts are appended in time order), each charge by its key.
 */
export async function chargeOutcomesSince(
  executor: Executor,
  since: Date,
): Promise<{ status: string; charges: number }[]> {
  return rows<{ status: string; charges: number }>(
    executor,
    sql`select c.status, count(*)::int as charges
        from (select distinct charge_id from charge_attempts where at >= ${since}) a
        join charges c on c.id = a.charge_id
        group by c.status`,
  );
}

/**
 * What the billing run has yet to do at `now`: periods due and not charged (the schedule's due
 * index), declines whose retry day has come (the retry index), and charges sent without an answer
 * or still in flight (the open-charges index).
 */
export async function billingBacklog(
  executor: Executor,
  now: Date,
): Promise<{ due: number; retry: number; unanswered: number }> {
  const [row] = await rows<{ due: number; retry: number; unanswered: number }>(
    executor,
    sql`select
          (select count(*) from billing_schedule where next_charge_at is not null and next_charge_at <= ${now})::int as due,
          (select count(*) from charges where status = 'failed' and retry_at is not null and retry_at <= ${now})::int as retry,
          (select count(*) from charges where status in ('pending','unknown'))::int as unanswered`,
  );
  return row ?? { due: 0, retry: 0, unanswered: 0 };
}

/** The latest start of a run in each status, among runs started since `since` (by the start index). */
export async function latestBillingRuns(
  executor: Executor,
  since: Date,
): Promise<{ status: string; startedAt: Date; finishedAt: Date | null }[]> {
  return executor
    .selectDistinctOn([billingRuns.status], {
      status: billingRuns.status,
      startedAt: billingRuns.startedAt,
      finishedAt: billingRuns.finishedAt,
    })
    .from(billingRuns)
    .where(gte(billingRuns.startedAt, since))
    .orderBy(billingRuns.status, sql`${billingRuns.startedAt} desc`);
}
