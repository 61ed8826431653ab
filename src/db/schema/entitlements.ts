import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { cases } from './cases.ts';
import { memberships } from './members.ts';

/**
 * One row per use of a limited service: reserved when a case is dispatched, confirmed when it is
 * completed, released when it is cancelled before the provider arrives. What counts against a
 * limit is every reserved or confirmed row of the membership year.
 */
export const usageLedger = pgTable(
  'usage_ledger',
  {
    id: uuid('id').primaryKey(),
    membershipId: uuid('membership_id')
      .notNull()
      .references(() => memberships.id),
    serviceCode: text('service_code').notNull(),
    /** For per-key limits (specialist consultations): the normalised specialty. */
    usageKey: text('usage_key'),
    /** `titular` or the beneficiary's id. */
    personId: text('person_id').notNull(),
    /** The membership year the use counts in (1 = the first). */
    membershipYear: integer('membership_year').notNull(),
    status: text('status').notNull(),
    /** The case the use belongs to. */
    caseId: uuid('case_id').references(() => cases.id),
    reservedAt: timestamp('reserved_at', { withTimezone: true }).notNull(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    releasedAt: timestamp('released_at', { withTimezone: true }),
    releaseReason: text('release_reason'),
  },
  (t) => [
    check('usage_ledger_status', sql`${t.status} in ('reserved','confirmed','released')`),
    index('usage_ledger_counting_idx')
      .on(t.membershipId, t.membershipYear, t.serviceCode)
      .where(sql`${t.status} <> 'released'`),
  ],
);
