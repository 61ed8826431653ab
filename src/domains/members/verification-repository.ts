import { and, desc, eq, gt, gte } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { memberVerifications } from '../../db/schema/index.ts';

export type VerificationRecord = typeof memberVerifications.$inferSelect;

/** The identity checks staff make on a call (`member_verifications`). */
export class VerificationRepository {
  async insert(executor: Executor, row: typeof memberVerifications.$inferInsert): Promise<void> {
    await executor.insert(memberVerifications).values(row);
  }

  /** The newest passed or skipped check of this staff member for this membership still in force. */
  async current(
    executor: Executor,
    membershipId: string,
    userId: string,
    now: Date,
  ): Promise<VerificationRecord | undefined> {
    const [row] = await executor
      .select()
      .from(memberVerifications)
      .where(
        and(
          eq(memberVerifications.membershipId, membershipId),
          eq(memberVerifications.userId, userId),
          gt(memberVerifications.expiresAt, now),
        ),
      )
      .orderBy(desc(memberVerifications.at))
      .limit(1);
    return row;
  }

  /** Failed checks of this membership (by anyone) since an instant: the attempts limit. */
  async failuresSince(executor: Executor, membershipId: string, since: Date): Promise<number> {
    const found = await executor
      .select({ id: memberVerifications.id })
      .from(memberVerifications)
      .where(
        and(
          eq(memberVerifications.membershipId, membershipId),
          eq(memberVerifications.outcome, 'failed'),
          gte(memberVerifications.at, since),
        ),
      );
    return found.length;
  }
}
