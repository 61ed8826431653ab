import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { providers } from './dispatch.ts';

/** People who sign in with email and password: customers, staff and provider staff. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    /** Stored trimmed and lower-cased; unique. */
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    passwordHash: text('password_hash').notNull(),
    /** For provider users: the provider they work for. */
    providerId: uuid('provider_id').references(() => providers.id),
    status: text('status').notNull().default('active'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    /** Staff unlocked the account's sign-in then: its failed sign-ins before it no longer count. */
    signInUnlockedAt: timestamp('sign_in_unlocked_at', { withTimezone: true }),
    /**
     * When the account last crossed its ceiling of failed sign-ins and `user.sign_in_attacked` was
     * audited: one entry per crossing, however many requests arrive together.
     */
    signInAttackReportedAt: timestamp('sign_in_attack_reported_at', { withTimezone: true }),
  },
  (t) => [
    check(
      'users_role',
      sql`${t.role} in ('customer','agent','supervisor','finance','admin','provider','doctor','lawyer','medical_supervisor','privacy')`,
    ),
    check('users_status', sql`${t.status} in ('active','disabled')`),
  ],
);

/** Browser sessions. Only a hash of the token is stored: a database leak yields no usable session. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    absoluteExpiresAt: timestamp('absolute_expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Keys for systems: the bank's (partner), a provider's own dispatch system, a metrics scraper. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    /** The public part of the key, used to find it; the secret part is only stored hashed. */
    prefix: text('prefix').notNull().unique(),
    secretHash: text('secret_hash').notNull(),
    kind: text('kind').notNull(),
    scopes: jsonb('scopes').$type<string[]>().notNull(),
    providerId: uuid('provider_id').references(() => providers.id),
    /**
     * Requests a minute this key may make, its own budget whatever address it calls from; null
     * follows the server's PARTNER_RATE_LIMIT_PER_MINUTE, so changing the setting moves every key
     * that was not given a figure of its own.
     */
    rateLimitPerMinute: integer('rate_limit_per_minute'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    check('api_keys_kind', sql`${t.kind} in ('partner','provider','metrics')`),
    check('api_keys_rate_limit', sql`${t.rateLimitPerMinute} between 1 and 1000000`),
  ],
);

/**
 * Every sign-in attempt (and every current password given to change it), for throttling per
 * account-and-address pair, per account and per address (IdentityService.refuseIfThrottled).
 */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: uuid('id').primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    email: text('email').notNull(),
    ip: text('ip').notNull(),
    succeeded: boolean('succeeded').notNull(),
  },
  (t) => [
    index('login_attempts_email_idx').on(t.email, t.at),
    index('login_attempts_ip_idx').on(t.ip, t.at),
    // The pair's failures and its last success, asked at every sign-in.
    index('login_attempts_pair_idx').on(t.email, t.ip, t.at),
  ],
);
