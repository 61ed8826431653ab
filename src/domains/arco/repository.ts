import { and, asc, desc, eq, lt } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { arcoOppositions, arcoRequests } from '../../db/schema/index.ts';

export type ArcoRequestRow = typeof arcoRequests.$inferSelect;

export interface ArcoFilter {
  /** A customer's own requests; absent for staff (every request). */
  userId?: string | undefined;
  status?: string | undefined;
  /** Unanswered and due before this instant. */
  overdueAt?: Date | undefined;
  limit: number;
}

/** The only code that builds SQL over the ARCO tables. */
export class ArcoRepository {
  async insert(executor: Executor, row: ArcoRequestRow): Promise<void> {
    await executor.insert(arcoRequests).values(row);
  }

  async byId(executor: Executor, id: string, forUpdate = false): Promise<ArcoRequestRow | undefined> {
    const query = executor.select().from(arcoRequests).where(eq(arcoRequests.id, id));
    const [row] = forUpdate ? await query.for('update') : await query;
    return row;
  }

  /** A customer's newest first; the staff queue by due date (the nearest first), unanswered first. */
  async list(executor: Executor, filter: ArcoFilter): Promise<ArcoRequestRow[]> {
    const where = and(
      filter.userId ? eq(arcoRequests.userId, filter.userId) : undefined,
      filter.status ? eq(arcoRequests.status, filter.status) : undefined,
      filter.overdueAt
        ? and(eq(arcoRequests.status, 'received'), lt(arcoRequests.dueAt, filter.overdueAt))
        : undefined,
    );
    const order = filter.userId
      ? [desc(arcoRequests.receivedAt)]
      : [desc(eq(arcoRequests.status, 'received')), asc(arcoRequests.dueAt)];
    return executor
      .select()
      .from(arcoRequests)
      .where(where)
      .orderBy(...order)
      .limit(filter.limit);
  }

  async answer(
    executor: Executor,
    id: string,
    changes: Pick<
      ArcoRequestRow,
      'status' | 'answer' | 'answeredAt' | 'answeredById' | 'answeredByName' | 'delivery' | 'updatedAt'
    >,
  ): Promise<void> {
    await executor.update(arcoRequests).set(changes).where(eq(arcoRequests.id, id));
  }

  async oppose(
    executor: Executor,
    row: { membershipId: string; purpose: string; requestId: string; at: Date },
  ): Promise<void> {
    await executor.insert(arcoOppositions).values(row).onConflictDoNothing();
  }
}
