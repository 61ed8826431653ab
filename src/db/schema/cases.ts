import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { providers } from './dispatch.ts';
import { users } from './identity.ts';
import { memberships } from './members.ts';

/**
 * An assistance case: someone covered asks for a service at a place. The eligibility decision is
 * stored on it (a refused request is kept as `refused`, with its reasons). The dispatch columns
 * (provider, ETA, quote) apply to services a provider goes to; appointments, remote consultations
 * and reimbursements will add their own details in `details` and their own events.
 */
export const cases = pgTable(
  'cases',
  {
    id: uuid('id').primaryKey(),
    /** Human number an agent reads over the phone: `LP-26-004211`. */
    number: text('number').notNull().unique(),
    membershipId: uuid('membership_id')
      .notNull()
      .references(() => memberships.id),
    /** `titular` or the beneficiary's id. */
    personId: text('person_id').notNull(),
    personName: text('person_name').notNull(),
    serviceCode: text('service_code').notNull(),
    channel: text('channel').notNull(),
    state: text('state').notNull(),
    addressText: text('address_text').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    /**
     * How near the point is known to be: `exact`, `street`, `postal_code`, `municipality`, `state`.
     * Null: as the request gave it, precision not stated (cases opened with coordinates, before
     * anyone said how they were found).
     */
    placePrecision: text('place_precision'),
    /** The accuracy a phone reported for the point (its radius in metres), when one did. */
    placeAccuracyM: integer('place_accuracy_m'),
    /** Subdivision code (`CMX`, `JAL`…) when known; providers covering by state need it. */
    stateCode: text('state_code'),
    country: text('country').notNull(),
    description: text('description').notNull(),
    /** Service-specific details: specialty, vehicle, destination of a tow… */
    details: jsonb('details').notNull(),
    /** The eligibility decision taken when the case was requested (and again at dispatch). */
    decision: jsonb('decision').notNull(),
    /** How the case is fulfilled (the service's kind when it was requested). */
    fulfilment: text('fulfilment').notNull().default('dispatch'),
    /** Appointments: the slot booked and when it is. */
    slotId: uuid('slot_id'),
    appointmentAt: timestamp('appointment_at', { withTimezone: true }),
    /** Remote consultations: the professional who took the request. */
    takenBy: uuid('taken_by'),
    /** Reimbursement claims: the amount approved (capped) and the payout made. */
    approvedCentavos: integer('approved_centavos'),
    payoutReference: text('payout_reference'),
    /** The use reserved in the ledger at dispatch (or booking). */
    reservationId: uuid('reservation_id'),
    providerId: uuid('provider_id').references(() => providers.id),
    etaMinutes: integer('eta_minutes'),
    etaAt: timestamp('eta_at', { withTimezone: true }),
    quoteCentavos: integer('quote_centavos'),
    coveredCentavos: integer('covered_centavos'),
    excessCentavos: integer('excess_centavos'),
    excessAcceptedAt: timestamp('excess_accepted_at', { withTimezone: true }),
    excessAcceptedBy: text('excess_accepted_by'),
    finalCostCentavos: integer('final_cost_centavos'),
    /** No provider could be offered the case: an agent must assign one by hand. */
    needsManualDispatch: boolean('needs_manual_dispatch').notNull().default(false),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    enRouteAt: timestamp('en_route_at', { withTimezone: true }),
    onSiteAt: timestamp('on_site_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closeReason: text('close_reason'),
    /** SLA targets in force when the case was requested. */
    dispatchDueAt: timestamp('dispatch_due_at', { withTimezone: true }),
    arrivalDueAt: timestamp('arrival_due_at', { withTimezone: true }),
    /** Last timeline sequence number (events are numbered 1, 2, 3… per case). */
    lastSeq: integer('last_seq').notNull(),
    openedBy: text('opened_by').notNull(),
    /**
     * The unit the provider sent (set by the provider when accepting or on the way): the driver's
     * full name is for staff; the customer sees the first name and the surname's initial.
     */
    unitDriverName: text('unit_driver_name'),
    unitVehicle: text('unit_vehicle'),
    unitPlates: text('unit_plates'),
    /** The customer's rating of a completed case, given once: 1–5 and an optional comment. */
    ratingScore: smallint('rating_score'),
    ratingComment: text('rating_comment'),
    ratedAt: timestamp('rated_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check(
      'cases_state',
      sql`${t.state} in ('requested','awaiting_excess_acceptance','dispatched','en_route','on_site','completed','booked','attended','no_show','in_consultation','under_review','approved','paid','rejected','cancelled','refused')`,
    ),
    check('cases_channel', sql`${t.channel} in ('phone','online','bank')`),
    check('cases_lat', sql`${t.lat} between -90 and 90`),
    check('cases_lng', sql`${t.lng} between -180 and 180`),
    check(
      'cases_place_precision',
      sql`${t.placePrecision} in ('exact','street','postal_code','municipality','state')`,
    ),
    check('cases_place_accuracy', sql`${t.placeAccuracyM} >= 0`),
    check('cases_rating_score', sql`${t.ratingScore} between 1 and 5`),
    check('cases_rating_given', sql`(${t.ratingScore} is null) = (${t.ratedAt} is null)`),
    check('cases_rating_completed', sql`${t.ratedAt} is null or ${t.state} = 'completed'`),
    index('cases_membership_idx').on(t.membershipId, t.requestedAt),
    index('cases_open_idx')
      .on(t.state, t.requestedAt)
      .where(sql`${t.state} not in ('completed','cancelled','refused')`),
    index('cases_provider_idx').on(t.providerId, t.state),
    index('cases_rated_idx').on(t.ratedAt).where(sql`${t.ratedAt} is not null`),
  ],
);

/** A case's timeline: every change with its time, actor and note. Append-only. */
export const caseEvents = pgTable(
  'case_events',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    state: text('state').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name').notNull(),
    note: text('note'),
    data: jsonb('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.seq] })],
);

/** Targets per service, in minutes from the request: to dispatch, and to the provider on site. */
export const slaTargets = pgTable('sla_targets', {
  serviceCode: text('service_code').primaryKey(),
  dispatchMinutes: integer('dispatch_minutes').notNull(),
  arrivalMinutes: integer('arrival_minutes'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/**
 * One-time links that let whoever is calling set the case's place from their phone ("Comparte tu
 * ubicación"). Only the token's SHA-256 is kept: the token itself is in the SMS and nowhere else.
 * A link is open until it is used, it expires, or a newer link of the same case voids it; a case
 * has at most one open link (the partial unique index).
 */
export const caseLocationLinks = pgTable(
  'case_location_links',
  {
    id: uuid('id').primaryKey(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    /** SHA-256 of the 128-bit random token, base64url. */
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** When the caller's position set the case's place. */
    usedAt: timestamp('used_at', { withTimezone: true }),
    /** When a newer link of the case replaced it unused. */
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    /** The staff member who asked for it. */
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    /** Where it was texted (E.164); null when it was read aloud or copied only. */
    phone: text('phone'),
  },
  (t) => [
    check('case_location_links_expiry', sql`${t.expiresAt} > ${t.createdAt}`),
    check('case_location_links_once', sql`${t.usedAt} is null or ${t.voidedAt} is null`),
    uniqueIndex('case_location_links_open_idx')
      .on(t.caseId)
      .where(sql`${t.usedAt} is null and ${t.voidedAt} is null`),
  ],
);
