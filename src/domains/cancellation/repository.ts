import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/client.ts';
import { cancellations, notifications } from '../../db/schema/index.ts';

export type CancellationRecord = typeof cancellations.$inferSelect;

/** Timeline events that mean an assistance was given: a provider sent, a visit booked, a professional on it, a claim filed. */
export const ASSISTANCE_USED_EVENTS = ['dispatched', 'booked', 'taken', 'under_review'] as const;

export class CancellationRepository {
  async insert(executor: Executor, row: typeof cancellations.$inferInsert): Promise<void> {
    await executor.insert(cancellations).values(row);
  }

  async ofMembership(executor: Executor, membershipId: string): Promise<CancellationRecord | undefined> {
    const [row] = await executor
      .select()
      .from(cancellations)
      .where(eq(cancellations.membershipId, membershipId));
    return row;
  }

  async setRefundStatus(executor: Executor, id: string, status: 'pending' | 'completed'): Promise<void> {
    await executor.update(cancellations).set({ refundStatus: status }).where(eq(cancellations.id, id));
  }

  async pendingRefunds(executor: Executor, limit: number): Promise<CancellationRecord[]> {
    return executor
      .select()
      .from(cancellations)
      .where(eq(cancellations.refundStatus, 'pending'))
      .limit(limit);
  }

  /** Whether any case of the membership reached the point where assistance was given. */
  async assistanceUsed(executor: Executor, membershipId: string): Promise<boolean> {
    const found = await rows(
      executor,
      sql`select 1 from cases c join case_events e on e.case_id = c.id
          where c.membership_id = ${membershipId}
            and e.type in (${sql.join(
              ASSISTANCE_USED_EVENTS.map((t) => sql`${t}`),
              sql`, `,
            )})
          limit 1`,
    );
    return found.length > 0;
  }

  async insertNotification(executor: Executor, row: typeof notifications.$inferInsert): Promise<void> {
    await executor.insert(notifications).values(row);
  }

  /** Notices of charges that will not happen now: withdrawn. */
  async withdrawChargeNotices(executor: Executor, membershipId: string): Promise<void> {
    await executor
      .update(notifications)
      .set({ status: 'cancelled' })
      .where(
        and(
          eq(notifications.membershipId, membershipId),
          inArray(notifications.kind, ['charge_notice']),
          eq(notifications.status, 'pending'),
        ),
      );
  }
}
