import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { cases } from './cases.ts';
import { providers } from './dispatch.ts';
import { memberships } from './members.ts';

/** A file an email carries, named by what it is of: the owner renders it at send time. */
export interface AttachmentRef {
  kind: 'charge_receipt';
  id: string;
}

/**
 * Messages owed to a customer (confirmations, reminders): recorded here in the transaction of the
 * change they tell about (the outbox), delivered later by a channel. `pending` waits for its turn
 * (`send_at`, then `next_attempt_at` after a temporary failure); `unconfigured` is kept unsent
 * because no channel of its kind is configured; `sent` and `failed` are final; `test` is a message a
 * test clock's advance wrote (sandbox, docs/test-clocks.md): kept to be read, never delivered.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    caseId: uuid('case_id').references(() => cases.id),
    /** The member it goes to (its titular's email or phone)… */
    membershipId: uuid('membership_id').references(() => memberships.id),
    /** …or the provider (its dispatch phone): staff alerts such as a new offer. */
    providerId: uuid('provider_id').references(() => providers.id),
    /**
     * Where it goes when not to the person's own contact: a number an agent was given (a location
     * link texted to whoever is calling, E.164). Null: the titular's email or phone, or the provider's.
     */
    address: text('address'),
    kind: text('kind').notNull(),
    /** The person's language when it was written: the body sent is the one in this language. */
    language: text('language').notNull().default('es'),
    /** A copy sent again by staff points at the message it repeats. */
    resendOf: uuid('resend_of').references((): AnyPgColumn => notifications.id),
    channel: text('channel').notNull(),
    sendAt: timestamp('send_at', { withTimezone: true }).notNull(),
    status: text('status').notNull(),
    bodyEs: text('body_es').notNull(),
    bodyEn: text('body_en').notNull(),
    /** What the message is about (`charge_notice:<membership>:<period>`): one per subject and channel. */
    subjectKey: text('subject_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** Delivery attempts begun so far (a claimed message counts before its outcome is known). */
    attempts: integer('attempts').notNull().default(0),
    /**
     * Not before then: the backoff after a temporary failure, or the lease of a delivery in flight
     * (a worker that dies mid-send lets the message go again when it passes).
     */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /**
     * Files that go with an email, by reference (`charge_receipt` + the charge's id): rendered by
     * their owner's resolver when the message is sent, as the record stood when the message was
     * written, so the outbox keeps no bytes and a re-send carries the same file.
     */
    attachments: jsonb('attachments').$type<AttachmentRef[]>(),
  },
  (t) => [
    check(
      'notifications_status',
      sql`${t.status} in ('pending','sent','cancelled','failed','unconfigured','test')`,
    ),
    check('notifications_recipient', sql`(${t.membershipId} is null) <> (${t.providerId} is null)`),
    check('notifications_language', sql`${t.language} in ('es','en')`),
    unique('notifications_subject_channel_key').on(t.subjectKey, t.channel),
    index('notifications_due_idx').on(t.status, t.sendAt),
    index('notifications_case_idx').on(t.caseId),
    index('notifications_membership_idx').on(t.membershipId, t.createdAt),
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
    /** Where it went: the email address or phone number of this attempt. */
    address: text('address'),
    /** The provider's id of the sent message (the SMTP Message-ID, the SMSC's message_id). */
    providerMessageId: text('provider_message_id'),
    /** What the carrier said later (an SMPP delivery receipt): delivered, undeliverable, expired, rejected. */
    receipt: text('receipt'),
    receiptDetail: text('receipt_detail'),
    receiptAt: timestamp('receipt_at', { withTimezone: true }),
  },
  (t) => [
    check(
      'notification_attempts_outcome',
      sql`${t.outcome} in ('sent','temporary_failure','permanent_failure','not_sent')`,
    ),
    unique('notification_attempts_attempt_key').on(t.notificationId, t.attempt),
    index('notification_attempts_provider_id_idx').on(t.channel, t.providerMessageId),
  ],
);

/**
 * Addresses a server refused for good (an SMTP 5xx to the recipient, an SMSC's invalid number or an
 * undeliverable receipt). Nothing more is sent to one; a person who changes theirs gets a new address,
 * which is not listed.
 */
export const undeliverableAddresses = pgTable(
  'undeliverable_addresses',
  {
    channel: text('channel').notNull(),
    address: text('address').notNull(),
    reason: text('reason').notNull(),
    /** The message whose delivery showed it. */
    notificationId: uuid('notification_id').references(() => notifications.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.address] })],
);

/**
 * How a member wants to be told: the language of their messages, the channels of each kind of
 * message (at least one: every message today is transactional), and whether SMS waits out the night.
 * No row: Spanish, each kind's default channels, quiet hours on.
 */
export const notificationPreferences = pgTable('notification_preferences', {
  membershipId: uuid('membership_id')
    .primaryKey()
    .references(() => memberships.id),
  language: text('language').notNull().default('es'),
  /** `{ "charge_notice": ["email"], "case_provider_assigned": ["sms", "email"] }`: kinds not named keep their defaults. */
  channels: jsonb('channels').$type<Record<string, ('email' | 'sms')[]>>().notNull().default({}),
  quietHours: boolean('quiet_hours').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});
