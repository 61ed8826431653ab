import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { apiKeys } from './identity.ts';

/**
 * A PostgreSQL `xid8`: the 64-bit id of the transaction that wrote a row. Read and written as text
 * (it does not fit a JavaScript number).
 */
export const xid8 = customType<{ data: string; driverData: string }>({
  dataType: () => 'xid8',
  fromDriver: (value) => String(value),
});

/**
 * The event log partners read (`GET /v1/events`) and webhooks deliver: append-only (a trigger
 * refuses UPDATE, DELETE and TRUNCATE), each row written in the transaction of the change it tells.
 * Its order is `(txid, position)`, read only below the oldest transaction still running
 * (docs/webhooks.md, "Ordering"), so a reader never passes an event that commits later.
 */
export const events = pgTable(
  'events',
  {
    /** UUIDv7; the webhook's `webhook-id`. */
    id: uuid('id').primaryKey(),
    /** The writing transaction: `pg_current_xact_id()`, assigned by the database. */
    txid: xid8('txid').notNull().default(sql`pg_current_xact_id()`),
    /** Order inside a transaction (and a tiebreak): an identity, never reused. */
    position: bigint('position', { mode: 'number' }).generatedAlwaysAsIdentity().notNull(),
    type: text('type').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    /** The membership it is about (no foreign key: the log outlives and never locks the row). */
    membershipId: uuid('membership_id'),
    /** That membership's sales channel, which decides which partner sees it; null: not a member's. */
    channel: text('channel'),
    /** For events about a partner's own things (a webhook endpoint disabled): that partner's key. */
    apiKeyId: uuid('api_key_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    unique('events_txid_position_key').on(t.txid, t.position),
    index('events_channel_order_idx').on(t.channel, t.txid, t.position),
    index('events_api_key_order_idx')
      .on(t.apiKeyId, t.txid, t.position)
      .where(sql`${t.apiKeyId} is not null`),
    check('events_channel', sql`${t.channel} in ('online','phone','bank')`),
  ],
);

/**
 * A partner's webhook endpoint (per API key). Its secret signs every delivery; after a rotation the
 * previous one signs too until `previous_secret_expires_at`. `cursor_*` is how far along the event
 * log its deliveries have been made (the fan-out's place); a new or re-enabled endpoint starts at
 * the log's horizon of that moment.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey(),
    apiKeyId: uuid('api_key_id')
      .notNull()
      .references(() => apiKeys.id),
    url: text('url').notNull(),
    description: text('description'),
    /** Event types it wants; empty: every type. */
    eventTypes: jsonb('event_types').$type<string[]>().notNull(),
    status: text('status').notNull(),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: timestamp('previous_secret_expires_at', { withTimezone: true }),
    cursorTxid: xid8('cursor_txid').notNull(),
    cursorPosition: bigint('cursor_position', { mode: 'number' }).notNull(),
    /** Its last delivery that the receiver took (2xx), for the disabling rule. */
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    disabledReason: text('disabled_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    check('webhook_endpoints_status', sql`${t.status} in ('enabled','disabled')`),
    index('webhook_endpoints_api_key_idx').on(t.apiKeyId),
  ],
);

/**
 * One event owed to one endpoint: made once (unique pair) by the fan-out, whichever process runs
 * it. `pending` waits for `next_attempt_at` (the backoff, on the injected clock) and nobody's lease;
 * `succeeded` and `failed` are final until a replay; `cancelled`: the endpoint was deleted.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    eventId: uuid('event_id')
      .notNull()
      .references(() => events.id),
    status: text('status').notNull(),
    /** Attempts begun (a claimed one counts before its answer). */
    attempts: integer('attempts').notNull().default(0),
    /** The attempt after which a failure is final: the schedule's last, or a replay's one more. */
    lastAttempt: integer('last_attempt').notNull(),
    /** The partner asked to send it again: its next attempt is a replay's. */
    replayRequested: boolean('replay_requested').notNull().default(false),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    /** Held by the worker sending it until then; one that dies lets it go when it passes. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    /** Why it failed or was cancelled, when it did. */
    outcome: text('outcome'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    unique('webhook_deliveries_endpoint_event_key').on(t.endpointId, t.eventId),
    check('webhook_deliveries_status', sql`${t.status} in ('pending','succeeded','failed','cancelled')`),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.createdAt),
  ],
);

/** Each HTTP attempt of a delivery: what the receiver answered, or why nothing was sent. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid('id').primaryKey(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id),
    number: integer('number').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** `scheduled` (the first try and the backoff's) or `replay` (asked by the partner). */
    trigger: text('trigger').notNull(),
    /** The receiver's HTTP status; null when no answer came. */
    responseStatus: integer('response_status'),
    /** `ok`, `http_error`, `timeout`, `network_error`, `redirect_not_followed`, `address_not_allowed`. */
    result: text('result').notNull(),
    /** Detail for people: the error, or the start of the receiver's answer. */
    detail: text('detail'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [
    unique('webhook_attempts_delivery_number_key').on(t.deliveryId, t.number),
    check('webhook_attempts_trigger', sql`${t.trigger} in ('scheduled','replay')`),
  ],
);
