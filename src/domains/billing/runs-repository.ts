import { desc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { billingRuns } from '../../db/schema/index.ts';

export type BillingRunRecord = typeof billingRuns.$inferSelect;

/** Billing runs' records: written when a run starts and when it ends (the heartbeat is `RunLivenessRepository`'s). */
export class BillingRunsRepository {
  async insertRun(executor: Executor, row: typeof billingRuns.$inferInsert): Promise<void> {
    await executor.insert(billingRuns).values(row);
  }

  async finishRun(
    executor: Executor,
    id: string,
    changes: Pick<BillingRunRecord, 'status' | 'summary' | 'error' | 'finishedAt'>,
  ): Promise<void> {
    await executor.update(billingRuns).set(changes).where(eq(billingRuns.id, id));
  }

  async runById(executor: Executor, id: string): Promise<BillingRunRecord | undefined> {
    const [row] = await executor.select().from(billingRuns).where(eq(billingRuns.id, id));
    return row;
  }

  async listRuns(executor: Executor, limit: number): Promise<BillingRunRecord[]> {
    return executor.select().from(billingRuns).orderBy(desc(billingRuns.startedAt)).limit(limit);
  }
}
