import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { testClocks } from '../../db/schema/index.ts';

export type TestClockRow = typeof testClocks.$inferSelect;

/** Who a list is for: a partner key's own clocks, or every clock (finance). */
export type ClockOwner = { apiKeyId: string } | 'all';

/** The `test_clocks` table: the clocks, their time and the advance under way. */
export class TestClocksRepository {
  async insert(executor: Executor, row: typeof testClocks.$inferInsert): Promise<void> {
    await executor.insert(testClocks).values(row);
  }

  async byId(executor: Executor, id: string, forUpdate = false): Promise<TestClockRow | undefined> {
    const query = executor.select().from(testClocks).where(eq(testClocks.id, id));
    const [row] = forUpdate ? await query.for('update') : await query;
    return row;
  }

  async list(executor: Executor, owner: ClockOwner, limit: number): Promise<TestClockRow[]> {
    return executor
      .select()
      .from(testClocks)
      .where(
        and(
          isNull(testClocks.deletedAt),
          owner === 'all' ? undefined : eq(testClocks.apiKeyId, owner.apiKeyId),
        ),
      )
      .orderBy(desc(testClocks.createdAt), desc(testClocks.id))
      .limit(limit);
  }

  /**
   * Takes the clock for an advance to `to`, unless another advance holds it (its lease not yet
   * past): answers whether it was taken. One statement, so two advances at once take it once.
   */
  async claimAdvance(executor: Executor, id: string, to: Date, now: Date, until: Date): Promise<boolean> {
    const taken = await executor
      .update(testClocks)
      .set({ status: 'advancing', advancingTo: to, advancingUntil: until })
      .where(
        and(
          eq(testClocks.id, id),
          isNull(testClocks.deletedAt),
          or(eq(testClocks.status, 'ready'), lt(testClocks.advancingUntil, now)),
        ),
      )
      .returning({ id: testClocks.id });
    return taken.length > 0;
  }

  /** The advance ended: the clock reads `frozenTime` (its new time, or its old one after a failure). */
  async endAdvance(executor: Executor, id: string, frozenTime: Date): Promise<void> {
    await executor
      .update(testClocks)
      .set({ status: 'ready', frozenTime, advancingTo: null, advancingUntil: null })
      .where(eq(testClocks.id, id));
  }

  async markDeleted(executor: Executor, id: string, at: Date): Promise<void> {
    await executor.update(testClocks).set({ deletedAt: at }).where(eq(testClocks.id, id));
  }
}
