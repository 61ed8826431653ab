import { sql } from 'drizzle-orm';
import { check, index, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity.ts';
import { beneficiaries, memberships } from './members.ts';

/**
 * "Activa tu cuenta": a member contracted by phone or through the bank proved who they are (the
 * membership number, the card's last 4, the titular's birth date) and was sent a one-time code to
 * the contact on file. Only a hash of the code is kept; it expires, takes a few tries and is used
 * once. A newer activation of the same membership supersedes the older ones.
 */
export const accountActivations = pgTable(
  'account_activations',
  {
    id: uuid('id').primaryKey(),
    membershipId: uuid('membership_id')
      .notNull()
      .references(() => memberships.id),
    /** sha256 of the activation's id and the code: the code alone is six digits. */
    codeHash: text('code_hash').notNull(),
    channel: text('channel').notNull(),
    /** Where the code went, masked as the person was shown it. */
    sentTo: text('sent_to').notNull(),
    /** Wrong codes given so far. */
    failedAttempts: smallint('failed_attempts').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Used (the account was made), superseded by a newer one, or spent (too many wrong codes). */
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedReason: text('closed_reason'),
    /** The account the activation made. */
    userId: uuid('user_id').references(() => users.id),
    ip: text('ip'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check('account_activations_channel', sql`${t.channel} in ('email','sms')`),
    check(
      'account_activations_closed_reason',
      sql`${t.closedReason} is null or ${t.closedReason} in ('used','superseded','spent')`,
    ),
    index('account_activations_membership_idx').on(t.membershipId, t.createdAt),
  ],
);

/**
 * The titular invites a beneficiary of age to a portal account of their own: a one-time link (only
 * its hash kept) sent to the email or phone given. It expires, works once, and a newer invitation
 * of the same person supersedes the older; the titular may revoke it.
 */
export const beneficiaryInvitations = pgTable(
  'beneficiary_invitations',
  {
    id: uuid('id').primaryKey(),
    membershipId: uuid('membership_id')
      .notNull()
      .references(() => memberships.id),
    beneficiaryId: uuid('beneficiary_id')
      .notNull()
      .references(() => beneficiaries.id),
    tokenHash: text('token_hash').notNull().unique(),
    channel: text('channel').notNull(),
    /** Where the link went, masked. */
    sentTo: text('sent_to').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedReason: text('closed_reason'),
    userId: uuid('user_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check('beneficiary_invitations_channel', sql`${t.channel} in ('email','sms')`),
    check(
      'beneficiary_invitations_closed_reason',
      sql`${t.closedReason} is null or ${t.closedReason} in ('used','superseded','revoked')`,
    ),
    index('beneficiary_invitations_person_idx').on(t.beneficiaryId, t.createdAt),
  ],
);
