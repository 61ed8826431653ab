import { sql } from 'drizzle-orm';
import { boolean, check, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { memberships } from './members.ts';

/**
 * A membership's cancellation (one each): who asked, by which channel, why, whether the line was
 * open, the 30-day refund decision and how far its refunds got.
 */
export const cancellations = pgTable(
  'cancellations',
  {
    id: uuid('id').primaryKey(),
    /** Confirmation number given to the customer: `LC-26-000123`. */
    number: text('number').notNull().unique(),
    membershipId: uuid('membership_id')
      .notNull()
      .unique()
      .references(() => memberships.id),
    channel: text('channel').notNull(),
    reason: text('reason').notNull(),
    requestedByType: text('requested_by_type').notNull(),
    requestedById: text('requested_by_id'),
    /** Made by phone while the cancellation line was closed (flagged, not refused). */
    outsideHours: boolean('outside_hours').notNull(),
    refundEligible: boolean('refund_eligible').notNull(),
    refundReasons: jsonb('refund_reasons').$type<{ code: string; es: string; en: string }[]>().notNull(),
    /** `not_applicable`, `pending` (refunds to make) or `completed`. */
    refundStatus: text('refund_status').notNull(),
    coverageEndsAt: timestamp('coverage_ends_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check('cancellations_channel', sql`${t.channel} in ('online','phone')`),
    check('cancellations_refund_status', sql`${t.refundStatus} in ('not_applicable','pending','completed')`),
  ],
);
