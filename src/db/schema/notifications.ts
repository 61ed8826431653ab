import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { cases } from './cases.ts';
import { memberships } from './members.ts';

/**
 * Messages owed to a customer (confirmations, reminders): recorded here in the transaction of the
 * change they tell about (the outbox), delivered later by a channel. `pending` waits for its turn
 * (`send_at`, then `next_attempt_at` after a temporary failure); `unconfigured` is kept unsent
 * because no channel of its kind is configured; `sent` and `failed` are final.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    caseId: uuid('case_id').references(() => cases.id),
    membershipId: uuid('membership_id')
      .notNull()
      .references(() => memberships.id),
    kind: text('kind').notNull(),
    channel: text('channel').notNull(),
    sendAt: timestamp('send_at', { withTimezone: true }).notNull(),
    status: text('status').notNull(),
    bodyEs: text('body_es').notNull(),
    bodyEn: text('body_en').notNull(),
    /** What the notice is about (`charge_notice:<membership>:<period>`): one notice per subject. */
    subjectKey: text('subject_key').unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** Delivery attempts begun so far (a claimed message counts before its outcome is known). */
    attempts: integer('attempts').notNull().default(0),
    /**
     * Not before then: the backoff after a temporary failure, or the lease of a delivery in flight
     * (a worker that dies mid-send lets the message go again when it passes).
     */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    check('notifications_status', sql`${t.status} in ('pending','sent','cancelled','failed','unconfigured')`),
    index('notifications_due_idx').on(t.status, t.sendAt),
    index('notifications_case_idx').on(t.caseId),
  ],
);

/** The delivery log: one row per attempt to deliver a message, whatever came of it. */
export const notificationAttempts = pgTable(
  'notification_attempts',
  {
    id: uuid('id').primaryKey(),
    notificationId: uuid('notification_id')
      .notNull()
      .references(() => notifications.id),
    attempt: integer('attempt').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    channel: text('channel').notNull(),
    outcome: text('outcome').notNull(),
    /** Why it was not sent (`channel_not_configured`, `recipient_missing`, the server's reply…). */
    detail: text('detail'),
    /** The provider's id of the sent message (the SMTP Message-ID). */
    providerMessageId: text('provider_message_id'),
  },
  (t) => [
    check(
      'notification_attempts_outcome',
      sql`${t.outcome} in ('sent','temporary_failure','permanent_failure','not_sent')`,
    ),
    unique('notification_attempts_attempt_key').on(t.notificationId, t.attempt),
  ],
);
