import { and, count, eq, gte, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { accountActivations } from '../../db/schema/activation.ts';

export type ActivationRecord = typeof accountActivations.$inferSelect;

/** The activations' table: the only SQL of the account activation domain. */
export class ActivationRepository {
  async insert(executor: Executor, row: typeof accountActivations.$inferInsert): Promise<void> {
    await executor.insert(accountActivations).values(row);
  }

  async byId(executor: Executor, id: string, forUpdate = false): Promise<ActivationRecord | undefined> {
    const query = executor.select().from(accountActivations).where(eq(accountActivations.id, id));
    const [found] = forUpdate ? await query.for('update') : await query;
    return found;
  }

  /** Codes sent for a membership since then: how many a person (or someone else) has asked for. */
  async startedSince(executor: Executor, membershipId: string, since: Date): Promise<number> {
    const [row] = await executor
      .select({ n: count() })
      .from(accountActivations)
      .where(
        and(eq(accountActivations.membershipId, membershipId), gte(accountActivations.createdAt, since)),
      );
    return Number(row?.n ?? 0);
  }

  /** A new code replaces the ones not used yet: only the latest works. */
  async supersedeOpen(executor: Executor, membershipId: string, now: Date): Promise<void> {
    await executor
      .update(accountActivations)
      .set({ closedAt: now, closedReason: 'superseded' })
      .where(and(eq(accountActivations.membershipId, membershipId), isNull(accountActivations.closedAt)));
  }

  /** Counts a wrong code; the activation is spent at `max`. Returns the failures so far. */
  async recordWrongCode(executor: Executor, id: string, max: number, now: Date): Promise<number> {
    const [row] = await executor
      .update(accountActivations)
      .set({
        failedAttempts: sql`${accountActivations.failedAttempts} + 1`,
        closedAt: sql`case when ${accountActivations.failedAttempts} + 1 >= ${max} then ${now.toISOString()}::timestamptz end`,
        closedReason: sql`case when ${accountActivations.failedAttempts} + 1 >= ${max} then 'spent' end`,
      })
      .where(eq(accountActivations.id, id))
      .returning({ failedAttempts: accountActivations.failedAttempts });
    return row?.failedAttempts ?? max;
  }

  async markUsed(executor: Executor, id: string, userId: string, now: Date): Promise<void> {
    await executor
      .update(accountActivations)
      .set({ closedAt: now, closedReason: 'used', userId })
      .where(eq(accountActivations.id, id));
  }
}
