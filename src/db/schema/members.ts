import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { planVersions } from './catalog.ts';
import { users } from './identity.ts';
import { testClocks } from './test-clocks.ts';

/**
 * A titular's membership of a plan version. The titular's personal data lives here; beneficiaries
 * in their own table. Only the processor's card token and its summary are stored — never a number.
 */
export const memberships = pgTable(
  'memberships',
  {
    id: uuid('id').primaryKey(),
    /** Human number read over the phone: `LM-26-000123`. */
    number: text('number').notNull().unique(),
    planVersionId: uuid('plan_version_id')
      .notNull()
      .references(() => planVersions.id),
    state: text('state').notNull(),
    channel: text('channel').notNull(),
    /** The customer's account, when they have one (online contracting creates it). */
    titularUserId: uuid('titular_user_id').references(() => users.id),
    titularName: text('titular_name').notNull(),
    titularEmail: text('titular_email').notNull(),
    titularPhone: text('titular_phone').notNull(),
    titularBirthDate: date('titular_birth_date', { mode: 'string' }).notNull(),
    titularRfc: text('titular_rfc'),
    titularCurp: text('titular_curp'),
    cardToken: text('card_token').notNull(),
    cardBrand: text('card_brand').notNull(),
    cardType: text('card_type').notNull(),
    cardLast4: text('card_last4').notNull(),
    cardExpMonth: smallint('card_exp_month').notNull(),
    cardExpYear: smallint('card_exp_year').notNull(),
    contractedAt: timestamp('contracted_at', { withTimezone: true }).notNull(),
    /** End of the free months (online contracting), exclusive; null when there were none. */
    trialEndsAt: timestamp('trial_ends_at', { withTimezone: true }),
    /** Day of the month charges fall on (the contracting day, Mexico City); 29–31 fall back. */
    billingDay: smallint('billing_day').notNull(),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    /**
     * The bank's own id of the sale, for memberships the bank sold (its members file): unique, so a
     * file imported twice makes nothing twice.
     */
    bankReference: text('bank_reference').unique('memberships_bank_reference_key'),
    // When the next period falls due is billing's: `billing_schedule`, one narrow row each.
    /** After a cancellation: services go on until then (the period already paid), exclusive. */
    coverageEndsAt: timestamp('coverage_ends_at', { withTimezone: true }),
    /**
     * Set when an ARCO cancellation was accepted: the titular's personal data is blocked, kept only
     * for the legal obligations (billing and tax records) and no longer shown or searched.
     */
    personalDataBlockedAt: timestamp('personal_data_blocked_at', { withTimezone: true }),
    /**
     * Sandbox only: the test clock this membership lives in (docs/test-clocks.md). Only that clock's
     * advances bill it; the daily run never does. Null: real time.
     */
    testClockId: uuid('test_clock_id').references(() => testClocks.id),
    /** Lower-case, unaccented name, email, phone, number and card last 4, for trigram search. */
    searchText: text('search_text').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check('memberships_state', sql`${t.state} in ('trial','active','past_due','suspended','cancelled')`),
    check('memberships_channel', sql`${t.channel} in ('online','phone','bank')`),
    check('memberships_card_type', sql`${t.cardType} in ('credit','debit')`),
    check('memberships_billing_day', sql`${t.billingDay} between 1 and 31`),
    index('memberships_titular_user_idx').on(t.titularUserId),
    index('memberships_test_clock_idx').on(t.testClockId).where(sql`${t.testClockId} is not null`),
    // Contracting's "a live membership already?" by email or CURP: one probe each, not a scan
    // (a bank file asks it for a thousand titulars a batch).
    index('memberships_live_email_idx').on(t.titularEmail).where(sql`${t.state} <> 'cancelled'`),
    index('memberships_live_curp_idx').on(t.titularCurp).where(sql`${t.state} <> 'cancelled'`),
    index('memberships_search_trgm_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
  ],
);

/** Spouse, children and additional cardholders on a membership. Removal keeps the row (history). */
export const beneficiaries = pgTable(
  'beneficiaries',
  {
    id: uuid('id').primaryKey(),
    membershipId: uuid('membership_id')
      .notNull()
      .references(() => memberships.id),
    kind: text('kind').notNull(),
    fullName: text('full_name').notNull(),
    birthDate: date('birth_date', { mode: 'string' }),
    cardLast4: text('card_last4'),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [
    check('beneficiaries_kind', sql`${t.kind} in ('spouse','child','additional_cardholder')`),
    index('beneficiaries_membership_idx').on(t.membershipId),
    // One spouse at a time, enforced by the database whatever the races.
    uniqueIndex('beneficiaries_one_spouse')
      .on(t.membershipId)
      .where(sql`${t.kind} = 'spouse' and ${t.removedAt} is null`),
  ],
);

/** Append-only history of a membership: contracting, state changes, card and beneficiary changes. */
export const membershipEvents = pgTable(
  'membership_events',
  {
    id: uuid('id').primaryKey(),
    membershipId: uuid('membership_id')
      .notNull()
      .references(() => memberships.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    type: text('type').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    reason: text('reason').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('membership_events_membership_idx').on(t.membershipId, t.at)],
);

/** Acceptance of the terms and of the privacy notice (LFPDPPP): which version, when, by which channel. */
export const consents = pgTable(
  'consents',
  {
    id: uuid('id').primaryKey(),
    membershipId: uuid('membership_id')
      .notNull()
      .references(() => memberships.id),
    document: text('document').notNull(),
    version: text('version').notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }).notNull(),
    channel: text('channel').notNull(),
    ip: text('ip'),
  },
  (t) => [check('consents_document', sql`${t.document} in ('terms','privacy_notice')`)],
);

/**
 * An agent's check of who is on the line before they see or change a membership's details: the
 * facts asked (their names, never the values given), whether they matched, or the reason the
 * check was skipped. A passed or skipped check clears that staff member for that membership until
 * `expires_at`; failed ones count towards the attempts limit.
 */
export const memberVerifications = pgTable(
  'member_verifications',
  {
    id: uuid('id').primaryKey(),
    membershipId: uuid('membership_id')
      .notNull()
      .references(() => memberships.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    outcome: text('outcome').notNull(),
    facts: jsonb('facts').$type<string[]>().notNull().default([]),
    /** Whose birth date matched: `titular`, or the beneficiary's kind. */
    person: text('person'),
    skipReason: text('skip_reason'),
    at: timestamp('at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
  },
  (t) => [
    check('member_verifications_outcome', sql`${t.outcome} in ('verified','failed','skipped')`),
    index('member_verifications_lookup_idx').on(t.membershipId, t.userId, t.at),
  ],
);

/**
 * A beneficiary of age with a portal account of their own, invited by the titular. The account is
 * a customer's; what it may reach is this person on this membership (their own help requests and
 * cases), never the titular's charges, card or people. Revoked by the titular: the row stays.
 */
export const beneficiaryAccounts = pgTable(
  'beneficiary_accounts',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id),
    membershipId: uuid('membership_id')
      .notNull()
      .references(() => memberships.id),
    beneficiaryId: uuid('beneficiary_id')
      .notNull()
      .references(() => beneficiaries.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    // One live account per person.
    uniqueIndex('beneficiary_accounts_one_live').on(t.beneficiaryId).where(sql`${t.revokedAt} is null`),
  ],
);
