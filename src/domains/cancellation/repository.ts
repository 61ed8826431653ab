import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { cancellations } from '../../db/schema/index.ts';
import { anyCaseEventOfMembership } from '../cases/read-model.ts';

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

  /** Whether any case of the membership reached the point where assistance was given (the cases domain's read model). */
  async assistanceUsed(executor: Executor, membershipId: string): Promise<boolean> {
    return anyCaseEventOfMembership(executor, membershipId, ASSISTANCE_USED_EVENTS);
  }
}
