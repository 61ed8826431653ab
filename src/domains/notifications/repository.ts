import { and, asc, desc, eq, inArray, isNotNull, isNull, like, lte, or, sql } from 'drizzle-orm';
import { type Executor, rows as rowsOf } from '../../db/client.ts';
import {
  notificationAttempts,
  notificationPreferences,
  notifications,
  undeliverableAddresses,
} from '../../db/schema/index.ts';
import { newId } from '../../lib/ids.ts';
import { providerPhones } from '../dispatch/read-model.ts';
import { membershipContacts } from '../members/read-model.ts';
import type { Language } from './catalogue.ts';
import type { Preferences } from './notifier.ts';

export type NotificationRow = typeof notifications.$inferSelect;
export type NewNotification = typeof notifications.$inferInsert;
export type NotificationAttemptRow = typeof notificationAttempts.$inferSelect;

/** Not sent yet: waiting for its turn, or kept because no channel of its kind was configured. */
const UNSENT = ['pending', 'unconfigured'];

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
      .where(and(eq(notifications.caseId, caseId), inArray(notifications.status, UNSENT)));
  }

  /** A case's messages, by when they go out. */
  async ofCase(executor: Executor, caseId: string): Promise<NotificationRow[]> {
    return executor
      .select()
      .from(notifications)
      .where(eq(notifications.caseId, caseId))
      .orderBy(asc(notifications.sendAt), asc(notifications.kind));
  }

  /** Records the message unless one with its subject key exists on its channel: one per subject. */
  async insertOnce(executor: Executor, row: NewNotification & { subjectKey: string }): Promise<void> {
    await executor
      .insert(notifications)
      .values(row)
      .onConflictDoNothing({ target: [notifications.subjectKey, notifications.channel] });
  }

  /** Records messages; one whose subject key and channel exist already is left out. Returns how many were new. */
  /**
   * The rows not already written (same subject and channel); answers how many were new. One JSON
   * parameter unpacked by PostgreSQL, as the event log writes: a billing batch writes thousands,
   * and Drizzle's multi-row VALUES (a parameter per column per row) was the run's largest CPU cost
   * in Node.
   */
  async insertEach(executor: Executor, rows: NewNotification[]): Promise<number> {
    if (rows.length === 0) return 0;
    // `n` keeps the caller's order: ids and positions are given in the order rows are inserted.
    const numbered = rows.map((r, n) => ({ ...r, n }));
    const inserted = await rowsOf<{ id: string }>(
      executor,
      sql`
      insert into notifications (id, case_id, membership_id, provider_id, address, kind, language,
        resend_of, channel, send_at, status, body_es, body_en, subject_key, created_at, attempts,
        next_attempt_at, sent_at, attachments)
      select n.id, n."caseId", n."membershipId", n."providerId", n.address, n.kind,
        coalesce(n.language, 'es'), n."resendOf", n.channel, n."sendAt", n.status, n."bodyEs",
        n."bodyEn", n."subjectKey", n."createdAt", coalesce(n.attempts, 0), n."nextAttemptAt",
        n."sentAt", n.attachments
      from jsonb_to_recordset(${JSON.stringify(numbered)}::jsonb)
        as n(id uuid, "caseId" uuid, "membershipId" uuid, "providerId" uuid, address text, kind text,
          language text, "resendOf" uuid, channel text, "sendAt" timestamptz, status text,
          "bodyEs" text, "bodyEn" text, "subjectKey" text, "createdAt" timestamptz, attempts int,
          "nextAttemptAt" timestamptz, "sentAt" timestamptz, attachments jsonb, n int)
      order by n.n
      on conflict (subject_key, channel) do nothing
      returning id`,
    );
    return inserted.length;
  }

  // People's choices ----------------------------------------------------------------------------

  async preferencesOf(executor: Executor, membershipId: string): Promise<Preferences> {
    const [row] = await executor
      .select()
      .from(notificationPreferences)
      .where(eq(notificationPreferences.membershipId, membershipId));
    if (!row) return { language: 'es', channels: {}, quietHours: true };
    return { language: row.language as Language, channels: row.channels, quietHours: row.quietHours };
  }

  /** The preferences of several memberships that have any (the others keep the defaults). */
  async preferencesOfMany(executor: Executor, membershipIds: string[]): Promise<Map<string, Preferences>> {
    if (membershipIds.length === 0) return new Map();
    const found = await executor
      .select()
      .from(notificationPreferences)
      .where(inArray(notificationPreferences.membershipId, membershipIds));
    return new Map(
      found.map((r) => [
        r.membershipId,
        { language: r.language as Language, channels: r.channels, quietHours: r.quietHours },
      ]),
    );
  }

  async savePreferences(executor: Executor, membershipId: string, p: Preferences, at: Date): Promise<void> {
    const values = { language: p.language, channels: p.channels, quietHours: p.quietHours, updatedAt: at };
    await executor
      .insert(notificationPreferences)
      .values({ membershipId, ...values })
      .onConflictDoUpdate({ target: notificationPreferences.membershipId, set: values });
  }

  // Addresses that do not take messages -----------------------------------------------------------

  async isUndeliverable(executor: Executor, channel: string, address: string): Promise<boolean> {
    const [row] = await executor
      .select({ address: undeliverableAddresses.address })
      .from(undeliverableAddresses)
      .where(and(eq(undeliverableAddresses.channel, channel), eq(undeliverableAddresses.address, address)));
    return row !== undefined;
  }

  async markUndeliverable(
    executor: Executor,
    entry: { channel: string; address: string; reason: string; notificationId: string; at: Date },
  ): Promise<void> {
    await executor
      .insert(undeliverableAddresses)
      .values(entry)
      .onConflictDoUpdate({
        target: [undeliverableAddresses.channel, undeliverableAddresses.address],
        set: { reason: entry.reason, notificationId: entry.notificationId, at: entry.at },
      });
  }

  /** Of these addresses, the ones listed as undeliverable, with why. */
  async undeliverableAmong(
    executor: Executor,
    addresses: { channel: string; address: string }[],
  ): Promise<{ channel: string; address: string; reason: string; at: Date }[]> {
    if (addresses.length === 0) return [];
    return executor
      .select({
        channel: undeliverableAddresses.channel,
        address: undeliverableAddresses.address,
        reason: undeliverableAddresses.reason,
        at: undeliverableAddresses.at,
      })
      .from(undeliverableAddresses)
      .where(
        inArray(
          undeliverableAddresses.address,
          addresses.map((a) => a.address),
        ),
      );
  }

  // What staff see -------------------------------------------------------------------------------

  /** A membership's messages, newest first, with their delivery logs. */
  async ofMembership(
    executor: Executor,
    membershipId: string,
    limit: number,
  ): Promise<{ message: NotificationRow; attempts: NotificationAttemptRow[] }[]> {
    const messages = await executor
      .select()
      .from(notifications)
      .where(eq(notifications.membershipId, membershipId))
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(limit);
    if (messages.length === 0) return [];
    const attempts = await executor
      .select()
      .from(notificationAttempts)
      .where(
        inArray(
          notificationAttempts.notificationId,
          messages.map((m) => m.id),
        ),
      )
      .orderBy(asc(notificationAttempts.attempt));
    return messages.map((message) => ({
      message,
      attempts: attempts.filter((a) => a.notificationId === message.id),
    }));
  }

  /** The messages whose subject key starts with `prefix`, oldest first. */
  async withSubjectPrefix(executor: Executor, prefix: string): Promise<NotificationRow[]> {
    return executor
      .select()
      .from(notifications)
      .where(and(isNotNull(notifications.subjectKey), like(notifications.subjectKey, `${prefix}%`)))
      .orderBy(asc(notifications.createdAt), asc(notifications.id));
  }

  /** Withdraws the messages not sent yet whose subject key starts with `prefix`. */
  async withdrawPendingWithSubjectPrefix(executor: Executor, prefix: string): Promise<void> {
    await executor
      .update(notifications)
      .set({ status: 'cancelled' })
      .where(and(like(notifications.subjectKey, `${prefix}%`), inArray(notifications.status, UNSENT)));
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
          inArray(notifications.status, UNSENT),
        ),
      );
  }

  // The outbox ---------------------------------------------------------------------------------

  /**
   * Locks up to `limit` messages of these channels that are due (their time and any backoff or
   * lease passed), skipping rows another worker holds: several processes never take the same one.
   * Call inside a transaction, and move them on (lease or status) before it commits.
   */
  async lockDue(
    executor: Executor,
    channels: string[],
    statuses: string[],
    now: Date,
    limit: number,
  ): Promise<NotificationRow[]> {
    if (channels.length === 0 || statuses.length === 0) return [];
    return executor
      .select()
      .from(notifications)
      .where(
        and(
          inArray(notifications.status, statuses),
          inArray(notifications.channel, channels),
          lte(notifications.sendAt, now),
          or(isNull(notifications.nextAttemptAt), lte(notifications.nextAttemptAt, now)),
        ),
      )
      .orderBy(asc(notifications.sendAt), asc(notifications.id))
      .limit(limit)
      .for('update', { skipLocked: true });
  }

  /** Counts an attempt begun and holds the message until `leaseUntil` (pending, not yet sent). */
  async lease(executor: Executor, ids: string[], leaseUntil: Date): Promise<void> {
    if (ids.length === 0) return;
    await executor
      .update(notifications)
      .set({ status: 'pending', attempts: sql`${notifications.attempts} + 1`, nextAttemptAt: leaseUntil })
      .where(inArray(notifications.id, ids));
  }

  /** Moves a message on after an attempt: sent, failed, retried later or kept unconfigured. */
  async settle(
    executor: Executor,
    id: string,
    change: { status: string; nextAttemptAt: Date | null; sentAt?: Date },
  ): Promise<void> {
    await executor
      .update(notifications)
      .set({ status: change.status, nextAttemptAt: change.nextAttemptAt, sentAt: change.sentAt ?? null })
      .where(eq(notifications.id, id));
  }

  /** Writes one line of the delivery log; its attempt number follows the message's last one. */
  async logAttempt(
    executor: Executor,
    entry: {
      notificationId: string;
      at: Date;
      channel: string;
      outcome: 'sent' | 'temporary_failure' | 'permanent_failure' | 'not_sent';
      detail?: string | null;
      address?: string | null;
      providerMessageId?: string | null;
    },
  ): Promise<void> {
    await executor.insert(notificationAttempts).values({
      id: newId(),
      notificationId: entry.notificationId,
      attempt: sql`(select coalesce(max(${notificationAttempts.attempt}), 0) + 1 from ${notificationAttempts} where ${notificationAttempts.notificationId} = ${entry.notificationId})`,
      at: entry.at,
      channel: entry.channel,
      outcome: entry.outcome,
      detail: entry.detail ?? null,
      address: entry.address ?? null,
      providerMessageId: entry.providerMessageId ?? null,
    });
  }

  /** The attempt a channel's message id belongs to (a receipt names it). */
  async attemptByProviderId(
    executor: Executor,
    channel: string,
    providerMessageId: string,
  ): Promise<NotificationAttemptRow | undefined> {
    const [row] = await executor
      .select()
      .from(notificationAttempts)
      .where(
        and(
          eq(notificationAttempts.channel, channel),
          eq(notificationAttempts.providerMessageId, providerMessageId),
        ),
      )
      .orderBy(desc(notificationAttempts.at))
      .limit(1);
    return row;
  }

  async recordReceipt(
    executor: Executor,
    attemptId: string,
    receipt: { status: string; detail: string; at: Date },
  ): Promise<void> {
    await executor
      .update(notificationAttempts)
      .set({ receipt: receipt.status, receiptDetail: receipt.detail, receiptAt: receipt.at })
      .where(eq(notificationAttempts.id, attemptId));
  }

  /** A message's delivery log, first attempt first. */
  async attemptsOf(executor: Executor, notificationId: string): Promise<NotificationAttemptRow[]> {
    return executor
      .select()
      .from(notificationAttempts)
      .where(eq(notificationAttempts.notificationId, notificationId))
      .orderBy(asc(notificationAttempts.attempt));
  }

  /** Where each membership's messages go (members' read model names the columns). */
  async contactsOf(
    executor: Executor,
    membershipIds: string[],
  ): Promise<Map<string, { email: string; phone: string }>> {
    return membershipContacts(executor, membershipIds);
  }

  /** Where each provider's alerts go: its dispatch phone (dispatch's read model). */
  async providerPhonesOf(executor: Executor, providerIds: string[]): Promise<Map<string, string>> {
    return providerPhones(executor, providerIds);
  }

  async byId(executor: Executor, id: string): Promise<NotificationRow | undefined> {
    const [row] = await executor.select().from(notifications).where(eq(notifications.id, id));
    return row;
  }
}
