import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { providers } from './dispatch.ts';

/**
 * Availability a provider publishes for appointments (hospital consultations by specialty, nurse
 * visits, equipment deliveries): a start, an end and how many bookings fit.
 */
export const providerSlots = pgTable(
  'provider_slots',
  {
    id: uuid('id').primaryKey(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.id),
    serviceCode: text('service_code').notNull(),
    /** For specialist consultations: the normalised specialty. */
    specialty: text('specialty'),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    capacity: integer('capacity').notNull(),
    booked: integer('booked').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check('provider_slots_booked', sql`${t.booked} between 0 and ${t.capacity}`),
    check('provider_slots_span', sql`${t.endsAt} > ${t.startsAt}`),
    index('provider_slots_lookup_idx').on(t.providerId, t.serviceCode, t.startsAt),
  ],
);
