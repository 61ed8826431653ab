import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { charges } from './billing.ts';
import { cases } from './cases.ts';
import { users } from './identity.ts';
import { memberships } from './members.ts';

/**
 * A complaint (queja) about the program: taken 24/7 by phone, portal or API, with a category, the
 * case or charge it concerns if any, an owner (the staff member working on it), a due date in
 * business days and a status: open → in_progress → resolved | escalated (an escalated complaint
 * goes back to in_progress or is resolved by a supervisor; resolved is final). The resolution is
 * told to the customer.
 */
export const complaints = pgTable(
  'complaints',
  {
    id: uuid('id').primaryKey(),
    /** Human number read over the phone: `LQ-26-000001`. */
    number: text('number').notNull().unique(),
    membershipId: uuid('membership_id')
      .notNull()
      .references(() => memberships.id),
    caseId: uuid('case_id').references(() => cases.id),
    chargeId: uuid('charge_id').references(() => charges.id),
    category: text('category').notNull(),
    /** How it came in: `online` (portal), `phone`, `email`, `in_person` (staff), `api` (partner). */
    channel: text('channel').notNull(),
    status: text('status').notNull(),
    text: text('text').notNull(),
    /** The staff member working on it; null until taken, and again once escalated. */
    ownerId: uuid('owner_id').references(() => users.id),
    ownerName: text('owner_name'),
    /** Filing time plus the configured business days (Monday–Friday, Mexico City). */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    resolution: text('resolution'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedById: uuid('resolved_by_id').references(() => users.id),
    resolvedByName: text('resolved_by_name'),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    filedByType: text('filed_by_type').notNull(),
    filedById: text('filed_by_id'),
    filedByName: text('filed_by_name').notNull(),
    /** Last timeline sequence number (events are numbered 1, 2, 3… per complaint). */
    lastSeq: integer('last_seq').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check('complaints_status', sql`${t.status} in ('open','in_progress','resolved','escalated')`),
    check(
      'complaints_category',
      sql`${t.category} in ('service_quality','provider_conduct','charge','cancellation','data_privacy','other')`,
    ),
    check('complaints_channel', sql`${t.channel} in ('online','phone','email','in_person','api')`),
    check('complaints_resolved', sql`(${t.status} = 'resolved') = (${t.resolution} is not null)`),
    index('complaints_membership_idx').on(t.membershipId, t.id),
    index('complaints_status_idx').on(t.status, t.id),
    index('complaints_owner_idx').on(t.ownerId, t.id),
    // The escalation sweep: what is still waiting on staff, by due date.
    index('complaints_due_idx').on(t.dueAt).where(sql`${t.status} in ('open','in_progress')`),
  ],
);

/** A complaint's timeline: every move and note with its time and actor. Append-only. */
export const complaintEvents = pgTable(
  'complaint_events',
  {
    complaintId: uuid('complaint_id')
      .notNull()
      .references(() => complaints.id),
    seq: integer('seq').notNull(),
    /** `filed`, `taken`, `note`, `escalated`, `resolved`. */
    type: text('type').notNull(),
    /** The move, when the event is one; both null for a note. */
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    /** `customer`, `agent`, `supervisor`, `api_key:partner` or `system`. */
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name').notNull(),
    note: text('note'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.complaintId, t.seq] })],
);
