import { and, asc, eq, inArray, isNotNull, like } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { notifications } from '../../db/schema/index.ts';

export type NotificationRow = typeof notifications.$inferSelect;
export type NewNotification = typeof notifications.$inferInsert;

/**
 * Messages owed to people, recorded in the transaction of the change they tell about. The
 * notifications domain owns the table (issue 21 builds the outbox that sends them on it); the
 * domains that owe a message record it through here rather than writing the table themselves.
 */
export class NotificationsRepository {
  async insert(executor: Executor, row: NewNotification): Promise<void> {
    await executor.insert(notifications).values(row);
  }

  async insertMany(executor: Executor, rows: NewNotification[]): Promise<void> {
    if (rows.length) await executor.insert(notifications).values(rows);
  }

  /** A case's messages not sent yet are withdrawn (a cancelled, moved or attended appointment). */
  async withdrawPendingOfCase(executor: Executor, caseId: string): Promise<void> {
    await executor
      .update(notifications)
      .set({ status: 'cancelled' })
      .where(and(eq(notifications.caseId, caseId), eq(notifications.status, 'pending')));
  }

  /** A case's messages, by when they go out. */
  async ofCase(executor: Executor, caseId: string): Promise<NotificationRow[]> {
    return executor
      .select()
      .from(notifications)
      .where(eq(notifications.caseId, caseId))
      .orderBy(asc(notifications.sendAt), asc(notifications.kind));
  }

  /** Records the message unless one with its subject key exists: one per subject. */
  async insertOnce(executor: Executor, row: NewNotification & { subjectKey: string }): Promise<void> {
    await executor
      .insert(notifications)
      .values(row)
      .onConflictDoNothing({ target: notifications.subjectKey });
  }

  /** The messages whose subject key starts with `prefix`, oldest first. */
  async withSubjectPrefix(executor: Executor, prefix: string): Promise<NotificationRow[]> {
    return executor
      .select()
      .from(notifications)
      .where(and(isNotNull(notifications.subjectKey), like(notifications.subjectKey, `${prefix}%`)))
      .orderBy(asc(notifications.createdAt), asc(notifications.id));
  }

  /** Withdraws the membership's messages of these kinds not sent yet. */
  async withdrawPending(executor: Executor, membershipId: string, kinds: string[]): Promise<void> {
    await executor
      .update(notifications)
      .set({ status: 'cancelled' })
      .where(
        and(
          eq(notifications.membershipId, membershipId),
          inArray(notifications.kind, kinds),
          eq(notifications.status, 'pending'),
        ),
      );
  }
}
