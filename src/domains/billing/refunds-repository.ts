import { and, asc, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/client.ts';
import { charges, refunds } from '../../db/schema/index.ts';

export type RefundRecord = typeof refunds.$inferSelect;

/** A refund as finance's export lists it: with its charge's membership, period and receipt. */
export type RefundExportRow = RefundRecord & {
  membershipId: string;
  periodKey: string;
  receiptFolio: string | null;
};

/** What finance filters refunds by (the export). */
export interface RefundFilter {
  status?: string | undefined;
  membershipId?: string | undefined;
  /** Requested on or after (a Mexico City day's start). */
  from?: Date | undefined;
  /** Requested before (the start of the day after the last). */
  before?: Date | undefined;
}

/** Billing's SQL about refunds: recorded before the processor is asked, completed once. */
export class RefundsRepository {
  async refundByRequestKey(
    executor: Executor,
    chargeId: string,
    requestKey: string,
  ): Promise<RefundRecord | undefined> {
    const [row] = await executor
      .select()
      .from(refunds)
      .where(and(eq(refunds.chargeId, chargeId), eq(refunds.requestKey, requestKey)));
    return row;
  }

  /** Refunds that count against the charge: made, or on their way. */
  async committedRefundCentavos(executor: Executor, chargeId: string): Promise<number> {
    const [row] = await rows<{ total: number }>(
      executor,
      sql`select coalesce(sum(amount_centavos), 0)::int as total from refunds
          where charge_id = ${chargeId} and status in ('pending', 'succeeded')`,
    );
    return row?.total ?? 0;
  }

  async insertRefund(executor: Executor, row: typeof refunds.$inferInsert): Promise<void> {
    await executor.insert(refunds).values(row);
  }

  async refundById(executor: Executor, id: string): Promise<RefundRecord | undefined> {
    const [row] = await executor.select().from(refunds).where(eq(refunds.id, id));
    return row;
  }

  /** Records the processor's answer once; a refund already decided is left as it is. */
  async completeRefund(
    executor: Executor,
    id: string,
    outcome: { status: 'succeeded' | 'failed'; gatewayRefundId: string | null; failureReason: string | null },
    now: Date,
  ): Promise<{ chargeId: string } | null> {
    const done = await executor
      .update(refunds)
      .set({ ...outcome, completedAt: now })
      .where(and(eq(refunds.id, id), eq(refunds.status, 'pending')))
      .returning({ chargeId: refunds.chargeId, amount: refunds.amountCentavos });
    const [refund] = done;
    if (!refund) return null;
    if (outcome.status === 'succeeded') {
      await executor
        .update(charges)
        .set({ refundedCentavos: sql`${charges.refundedCentavos} + ${refund.amount}`, updatedAt: now })
        .where(eq(charges.id, refund.chargeId));
    }
    return { chargeId: refund.chargeId };
  }

  async pendingRefunds(executor: Executor, olderThan: Date, limit: number): Promise<RefundRecord[]> {
    return executor
      .select()
      .from(refunds)
      .where(and(eq(refunds.status, 'pending'), lt(refunds.createdAt, olderThan)))
      .orderBy(asc(refunds.createdAt))
      .limit(limit);
  }

  /** A page of the filtered refunds, newest first, after the keyset `afterId` (exclusive). */
  async exportPage(
    executor: Executor,
    filter: RefundFilter,
    afterId: string | undefined,
    limit: number,
  ): Promise<RefundExportRow[]> {
    const found = await executor
      .select({
        refund: refunds,
        membershipId: charges.membershipId,
        periodKey: charges.periodKey,
        receiptFolio: charges.receiptFolio,
      })
      .from(refunds)
      .innerJoin(charges, eq(charges.id, refunds.chargeId))
      .where(
        and(
          filter.status ? eq(refunds.status, filter.status) : undefined,
          filter.membershipId ? eq(charges.membershipId, filter.membershipId) : undefined,
          filter.from ? gte(refunds.createdAt, filter.from) : undefined,
          filter.before ? lt(refunds.createdAt, filter.before) : undefined,
          afterId ? lt(refunds.id, afterId) : undefined,
        ),
      )
      .orderBy(desc(refunds.id))
      .limit(limit);
    return found.map((r) => ({
      ...r.refund,
      membershipId: r.membershipId,
      periodKey: r.periodKey,
      receiptFolio: r.receiptFolio,
    }));
  }
}
