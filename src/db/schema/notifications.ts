import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { cases } from './cases.ts';
import { memberships } from './members.ts';

/** Messages owed to a customer (confirmations, reminders): recorded here, sent by a channel. */
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
  },
  (t) => [
    check('notifications_status', sql`${t.status} in ('pending','sent','cancelled')`),
    index('notifications_due_idx').on(t.status, t.sendAt),
    index('notifications_case_idx').on(t.caseId),
  ],
);
