import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { ServiceRules } from '../../lib/service-rules.ts';

/** A plan the program sells (Libra Plus, Libra One). Its terms live in versions. */
export const plans = pgTable('plans', {
  id: uuid('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One version of a plan's price and services. A membership is bound to the version it contracted;
 * new versions apply to new contracts from `effective_from` on.
 */
export const planVersions = pgTable(
  'plan_versions',
  {
    id: uuid('id').primaryKey(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    version: integer('version').notNull(),
    currency: text('currency').notNull().default('MXN'),
    priceTotalCentavos: bigint('price_total_centavos', { mode: 'number' }).notNull(),
    priceBaseCentavos: bigint('price_base_centavos', { mode: 'number' }).notNull(),
    priceIvaCentavos: bigint('price_iva_centavos', { mode: 'number' }).notNull(),
    /** Free months when contracted online ("recibe gratis dos meses de cobertura"). */
    onlineTrialMonths: integer('online_trial_months').notNull().default(0),
    /** True when the values are not from the program's public terms (seeded for illustration). */
    illustrative: boolean('illustrative').notNull().default(false),
    summaryEs: text('summary_es').notNull().default(''),
    summaryEn: text('summary_en').notNull().default(''),
    effectiveFrom: timestamp('effective_from', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('plan_versions_plan_version_key').on(t.planId, t.version),
    check(
      'plan_versions_price_split',
      sql`${t.priceBaseCentavos} + ${t.priceIvaCentavos} = ${t.priceTotalCentavos}`,
    ),
    check('plan_versions_price_nonnegative', sql`${t.priceBaseCentavos} >= 0 and ${t.priceIvaCentavos} >= 0`),
  ],
);

/** A kind of assistance, shared by every plan that offers it (online doctor, tow truck, …). */
export const services = pgTable('services', {
  code: text('code').primaryKey(),
  category: text('category').notNull(),
  /** How a case for it is fulfilled: dispatch, appointment, remote or reimbursement. */
  fulfilment: text('fulfilment').notNull().default('dispatch'),
  nameEs: text('name_es').notNull(),
  nameEn: text('name_en').notNull(),
  descriptionEs: text('description_es').notNull().default(''),
  descriptionEn: text('description_en').notNull().default(''),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** What a plan version gives of a service: its limit, per-event cover and territory, as data. */
export const planVersionServices = pgTable(
  'plan_version_services',
  {
    id: uuid('id').primaryKey(),
    planVersionId: uuid('plan_version_id')
      .notNull()
      .references(() => planVersions.id),
    serviceCode: text('service_code')
      .notNull()
      .references(() => services.code),
    position: integer('position').notNull(),
    rules: jsonb('rules').$type<ServiceRules>().notNull(),
    illustrative: boolean('illustrative').notNull().default(false),
  },
  (t) => [uniqueIndex('plan_version_services_key').on(t.planVersionId, t.serviceCode)],
);
