import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The sandbox processor's state (PAYMENT_GATEWAY=sandbox). In the database, not in memory, so that
 * tokens and charges survive a restart and every process sees the same ones. Like a real
 * processor's records seen from outside: never the card number or the security code.
 */
export const sandboxCardTokens = pgTable(
  'sandbox_card_tokens',
  {
    id: uuid('id').primaryKey(),
    token: text('token').notNull().unique(),
    brand: text('brand').notNull(),
    type: text('type').notNull(),
    last4: text('last4').notNull(),
    expMonth: integer('exp_month').notNull(),
    expYear: integer('exp_year').notNull(),
    /** What charges on this card do, decided by the test card's number (and changeable by tests). */
    behaviour: text('behaviour').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check('sandbox_card_tokens_brand', sql`${t.brand} in ('visa','mastercard','amex','carnet','unknown')`),
    check('sandbox_card_tokens_type', sql`${t.type} in ('credit','debit')`),
    check('sandbox_card_tokens_last4', sql`${t.last4} ~ '^[0-9]{4}$'`),
    check('sandbox_card_tokens_exp_month', sql`${t.expMonth} between 1 and 12`),
    check(
      'sandbox_card_tokens_behaviour',
      sql`${t.behaviour} in ('approve','decline_card_declined','decline_insufficient_funds','decline_expired_card','timeout')`,
    ),
  ],
);

/** One row per idempotency key: a repeated key finds its row and gets the same outcome. */
export const sandboxCharges = pgTable(
  'sandbox_charges',
  {
    id: uuid('id').primaryKey(),
    gatewayChargeId: text('gateway_charge_id').notNull().unique(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    /** A token of sandbox_card_tokens: the insert takes it from a join with them (no foreign key to lock). */
    token: text('token').notNull(),
    amountCentavos: bigint('amount_centavos', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    description: text('description').notNull(),
    status: text('status').notNull(),
    declineCode: text('decline_code'),
    /** The first answer was `unknown` (a simulated timeout) although the charge went through. */
    timedOut: boolean('timed_out').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check('sandbox_charges_amount', sql`${t.amountCentavos} > 0`),
    check('sandbox_charges_currency', sql`${t.currency} = 'MXN'`),
    check('sandbox_charges_status', sql`${t.status} in ('succeeded','declined')`),
    check('sandbox_charges_decline_code', sql`(${t.status} = 'declined') = (${t.declineCode} is not null)`),
  ],
);

/** Refunds that went through; their sum never exceeds the charge (checked under a row lock). */
export const sandboxRefunds = pgTable(
  'sandbox_refunds',
  {
    id: uuid('id').primaryKey(),
    gatewayRefundId: text('gateway_refund_id').notNull().unique(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    chargeId: uuid('charge_id')
      .notNull()
      .references(() => sandboxCharges.id),
    amountCentavos: bigint('amount_centavos', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('sandbox_refunds_charge_idx').on(t.chargeId),
    check('sandbox_refunds_amount', sql`${t.amountCentavos} > 0`),
  ],
);

/** Payouts the sandbox made to a card (reimbursement claims), as a processor would. */
export const sandboxPayouts = pgTable(
  'sandbox_payouts',
  {
    id: text('id').primaryKey(),
    cardToken: text('card_token').notNull(),
    amountCentavos: integer('amount_centavos').notNull(),
    /** The caller's idempotency key: one payout per key. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    description: text('description').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [check('sandbox_payouts_amount', sql`${t.amountCentavos} > 0`)],
);
