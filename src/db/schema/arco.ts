import { sql } from 'drizzle-orm';
import { check, date, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity.ts';
import { memberships } from './members.ts';

/**
 * A request to exercise an ARCO right (LFPDPPP art. 28): access, rectification, cancellation or
 * opposition, filed by the titular from the portal. It is answered (accepted or refused with the
 * reason) within 20 business days (art. 32); `dueDate` is the last of them, Mexico City.
 */
export const arcoRequests = pgTable(
  'arco_requests',
  {
    id: uuid('id').primaryKey(),
    /** Human number read over the phone: `AR-26-000001`. */
    number: text('number').notNull().unique(),
    /** The person exercising the right: the titular's account. */
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** The person's name as their account gave it when filing (the queue shows it). */
    requesterName: text('requester_name').notNull(),
    /** The membership whose data it concerns (and where the messages about it go). */
    membershipId: uuid('membership_id')
      .notNull()
      .references(() => memberships.id),
    type: text('type').notNull(),
    details: text('details').notNull(),
    /** Rectification: which data and the correction asked for. */
    field: text('field'),
    correction: text('correction'),
    /** Opposition: the purpose opposed. */
    purpose: text('purpose'),
    status: text('status').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    /** The first instant past the due date (00:00 of the next day, Mexico City): overdue from then. */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    answer: text('answer'),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    answeredById: uuid('answered_by_id').references(() => users.id),
    answeredByName: text('answered_by_name'),
    /** Access: the person's data as delivered, assembled when the request was accepted. */
    delivery: jsonb('delivery').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check('arco_requests_type', sql`${t.type} in ('access','rectification','cancellation','opposition')`),
    check('arco_requests_status', sql`${t.status} in ('received','accepted','refused')`),
    check('arco_requests_answered', sql`(${t.status} = 'received') = (${t.answer} is null)`),
    check(
      'arco_requests_rectification',
      sql`(${t.type} = 'rectification') = (${t.field} is not null and ${t.correction} is not null)`,
    ),
    check('arco_requests_opposition', sql`(${t.type} = 'opposition') = (${t.purpose} is not null)`),
    index('arco_requests_user_idx').on(t.userId, t.id),
    index('arco_requests_queue_idx').on(t.status, t.dueAt),
  ],
);

/** A purpose the titular opposed (accepted opposition): the data of the membership is not used for it. */
export const arcoOppositions = pgTable(
  'arco_oppositions',
  {
    membershipId: uuid('membership_id')
      .notNull()
      .references(() => memberships.id),
    purpose: text('purpose').notNull(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => arcoRequests.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.membershipId, t.purpose] })],
);
