import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * The provider network: tow companies, ambulances, nurses, technicians, lawyers. A provider covers
 * either a circle (centre and radius) or a list of Mexican states, offers some services of the
 * catalog, and takes at most `capacity` jobs at once.
 */
export const providers = pgTable(
  'providers',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull().unique(),
    phone: text('phone').notNull(),
    /** Catalog service codes this provider gives. */
    services: text('services').array().notNull(),
    coverageKind: text('coverage_kind').notNull(),
    coverageCenterLat: doublePrecision('coverage_center_lat'),
    coverageCenterLng: doublePrecision('coverage_center_lng'),
    coverageRadiusKm: doublePrecision('coverage_radius_km'),
    /** ISO 3166-2:MX subdivision codes without the country (`CMX`, `JAL`, `NLE`). */
    coverageStates: text('coverage_states').array(),
    /** Where the provider (or its nearest unit) is now; ETAs are measured from here. */
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    locationUpdatedAt: timestamp('location_updated_at', { withTimezone: true }).notNull(),
    available: boolean('available').notNull(),
    /** Jobs it can run at once. */
    capacity: integer('capacity').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check('providers_coverage_kind', sql`${t.coverageKind} in ('radius','states')`),
    check(
      'providers_coverage_shape',
      sql`(${t.coverageKind} = 'radius' and ${t.coverageCenterLat} is not null and ${t.coverageCenterLng} is not null and ${t.coverageRadiusKm} > 0)
       or (${t.coverageKind} = 'states' and cardinality(${t.coverageStates}) > 0)`,
    ),
    check('providers_lat', sql`${t.lat} between -90 and 90`),
    check('providers_lng', sql`${t.lng} between -180 and 180`),
    check('providers_capacity', sql`${t.capacity} >= 1`),
    index('providers_services_idx').using('gin', t.services),
  ],
);

/**
 * A dispatch job offered to one provider. At most one offer per job is pending at a time and at most
 * one is accepted; an offer not answered by `expires_at` expires and the job goes to the next nearest.
 */
export const dispatchOffers = pgTable(
  'dispatch_offers',
  {
    id: uuid('id').primaryKey(),
    /**
     * The dispatch job offered: its id is the case's, but dispatch knows no case, so no foreign key
     * to `cases` (cases are never deleted; the case kernel makes the job from its own row).
     */
    caseId: uuid('case_id').notNull(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.id),
    status: text('status').notNull(),
    /** 1 for the first provider asked, 2 for the next… */
    attempt: integer('attempt').notNull(),
    distanceKm: doublePrecision('distance_km').notNull(),
    etaMinutes: integer('eta_minutes').notNull(),
    offeredAt: timestamp('offered_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    /** The provider's quote when accepting (capped services: the tow's price). */
    quoteCentavos: integer('quote_centavos'),
    declineReason: text('decline_reason'),
  },
  (t) => [
    check(
      'dispatch_offers_status',
      sql`${t.status} in ('pending','accepted','declined','expired','withdrawn')`,
    ),
    uniqueIndex('dispatch_offers_one_pending_idx').on(t.caseId).where(sql`${t.status} = 'pending'`),
    uniqueIndex('dispatch_offers_one_accepted_idx').on(t.caseId).where(sql`${t.status} = 'accepted'`),
    index('dispatch_offers_provider_idx').on(t.providerId, t.status),
    // The last day's offers (operator metrics): offers are written in time order, so a block
    // range index finds them for a few pages.
    index('dispatch_offers_offered_brin').using('brin', t.offeredAt),
  ],
);
