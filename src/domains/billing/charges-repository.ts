import { and, asc, desc, eq, gte, inArray, lt, type SQL, sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/client.ts';
import { chargeAttempts, charges, refunds } from '../../db/schema/index.ts';
import { membershipIdOfNumber, membershipNumbers } from '../members/read-model.ts';
import type { ChargeFilter } from './charge-filter.ts';
import type { RefundRecord } from './refunds-repository.ts';

export type ChargeRecord = typeof charges.$inferSelect;
export type ChargeAttemptRecord = typeof chargeAttempts.$inferSelect;

/** A filter whose membership number has been resolved to its id. */
export type ResolvedChargeFilter = Omit<ChargeFilter, 'membershipNumber'>;

function conditionsOf(filter: ResolvedChargeFilter): (SQL | undefined)[] {
  return [
    filter.status ? eq(charges.status, filter.status) : undefined,
    filter.membershipId ? eq(charges.membershipId, filter.membershipId) : undefined,
    filter.periodKey ? eq(charges.periodKey, filter.periodKey) : undefined,
    filter.createdFrom ? gte(charges.createdAt, filter.createdFrom) : undefined,
    filter.createdBefore ? lt(charges.createdAt, filter.createdBefore) : undefined,
  ];
}

/**
 * Billing's SQL about charges one at a time or one membership's: what is shown (a charge with its
 * attempts and refunds) and what cancellation asks. The run's set-based statements are
 * `BillingRepository`'s.
 */
export class ChargesRepository {
  async chargeById(executor: Executor, id: string, forUpdate = false): Promise<ChargeRecord | undefined> {
    const query = executor.select().from(charges).where(eq(charges.id, id));
    const [row] = forUpdate ? await query.for('update') : await query;
    return row;
  }

  async chargesOf(executor: Executor, membershipId: string): Promise<ChargeRecord[]> {
    return executor
      .select()
      .from(charges)
      .where(eq(charges.membershipId, membershipId))
      .orderBy(desc(charges.periodKey));
  }

  /** Charges for finance, newest first, after a cursor (the last id seen). */
  async listCharges(
    executor: Executor,
    filter: ResolvedChargeFilter & { before?: string | undefined; limit: number },
  ): Promise<ChargeRecord[]> {
    return executor
      .select()
      .from(charges)
      .where(and(...conditionsOf(filter), filter.before ? lt(charges.id, filter.before) : undefined))
      .orderBy(desc(charges.id))
      .limit(filter.limit);
  }

  /** Count and amount of the filtered charges, per status. */
  async totals(
    executor: Executor,
    filter: ResolvedChargeFilter,
  ): Promise<{ status: string; count: number; amountCentavos: number }[]> {
    const found = await executor
      .select({
        status: charges.status,
        count: sql<number>`count(*)`.mapWith(Number),
        amountCentavos: sql<number>`coalesce(sum(${charges.amountCentavos}), 0)`.mapWith(Number),
      })
      .from(charges)
      .where(and(...conditionsOf(filter)))
      .groupBy(charges.status);
    return found;
  }

  /** A membership's id by its number (members' read model). */
  async membershipIdOfNumber(executor: Executor, number: string): Promise<string | undefined> {
    return membershipIdOfNumber(executor, number);
  }

  async attemptsOf(executor: Executor, chargeIds: string[]): Promise<ChargeAttemptRecord[]> {
    if (chargeIds.length === 0) return [];
    return executor
      .select()
      .from(chargeAttempts)
      .where(inArray(chargeAttempts.chargeId, chargeIds))
      .orderBy(asc(chargeAttempts.chargeId), asc(chargeAttempts.number));
  }

  async refundsOf(executor: Executor, chargeIds: string[]): Promise<RefundRecord[]> {
    if (chargeIds.length === 0) return [];
    return executor
      .select()
      .from(refunds)
      .where(inArray(refunds.chargeId, chargeIds))
      .orderBy(asc(refunds.createdAt), asc(refunds.id));
  }

  /** Membership numbers by id, for presenting charges of several memberships at once (members' read model). */
  async membershipNumbers(executor: Executor, membershipIds: string[]): Promise<Map<string, string>> {
    return membershipNumbers(executor, membershipIds);
  }

  // For cancellation and a new card ----------------------------------------------------------

  async failedChargeIds(executor: Executor, membershipId: string): Promise<string[]> {
    const found = await executor
      .select({ id: charges.id })
      .from(charges)
      .where(and(eq(charges.membershipId, membershipId), eq(charges.status, 'failed')))
      .orderBy(asc(charges.periodKey));
    return found.map((r) => r.id);
  }

  /** A cancelled membership's declines are not tried again. */
  async stopRetries(executor: Executor, membershipId: string, now: Date): Promise<void> {
    await executor
      .update(charges)
      .set({ retryAt: null, updatedAt: now })
      .where(and(eq(charges.membershipId, membershipId), eq(charges.status, 'failed')));
  }

  /** The end of the last period paid for that had started by `at` (null: none paid). */
  async paidThrough(executor: Executor, membershipId: string, at: Date): Promise<Date | null> {
    const [row] = await rows<{ ends: Date | null }>(
      executor,
      sql`select max(period_ends_at) as ends from charges
          where membership_id = ${membershipId} and status = 'succeeded' and period_starts_at <= ${at}`,
    );
    return row?.ends ?? null;
  }

  /** Paid charges with money left to give back. */
  async refundableCharges(executor: Executor, membershipId: string): Promise<ChargeRecord[]> {
    return executor
      .select()
      .from(charges)
      .where(
        and(
          eq(charges.membershipId, membershipId),
          eq(charges.status, 'succeeded'),
          lt(charges.refundedCentavos, charges.amountCentavos),
        ),
      )
      .orderBy(asc(charges.periodKey));
  }
}
