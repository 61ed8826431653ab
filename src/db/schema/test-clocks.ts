import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { apiKeys, users } from './identity.ts';

/**
 * Test clocks (sandbox only, docs/test-clocks.md): a time of their own that memberships attached to
 * them live in. Advancing one runs what would have happened to those memberships between its old
 * and new time (billing, retries, suspension, notices), and to nothing else. Owned by the partner
 * key or the finance person who made it; a deleted clock is kept (its memberships cancelled).
 */
export const testClocks = pgTable(
  'test_clocks',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    /** The clock's own "now": what its memberships' billing, events and messages read. */
    frozenTime: timestamp('frozen_time', { withTimezone: true }).notNull(),
    /** `ready`, or `advancing` while an advance runs (until `advancing_until`, a lease). */
    status: text('status').notNull(),
    /** Where the advance under way is going. */
    advancingTo: timestamp('advancing_to', { withTimezone: true }),
    /** The lease of the advance under way: past it, the advance is taken as dead and may run again. */
    advancingUntil: timestamp('advancing_until', { withTimezone: true }),
    /** The partner key that made it… */
    apiKeyId: uuid('api_key_id').references(() => apiKeys.id),
    /** …or the finance person. */
    createdByUserId: uuid('created_by_user_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    check('test_clocks_status', sql`${t.status} in ('ready','advancing')`),
    check('test_clocks_owner', sql`(${t.apiKeyId} is null) <> (${t.createdByUserId} is null)`),
    index('test_clocks_api_key_idx').on(t.apiKeyId, t.createdAt),
  ],
);
