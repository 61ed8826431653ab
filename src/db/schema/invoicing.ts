import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { charges, refunds } from './billing.ts';
import { memberships } from './members.ts';

/**
 * The next folio of each series (F invoices, G global invoices, NC credit notes). A document takes
 * its folio by updating this row inside the transaction that writes the document, so the row's
 * lock orders concurrent documents and a rolled-back transaction gives its folio back: folios are
 * gap-free per series.
 */
export const invoiceSeries = pgTable(
  'invoice_series',
  {
    series: text('series').primaryKey(),
    nextFolio: integer('next_folio').notNull(),
  },
  (t) => [check('invoice_series_next', sql`${t.nextFolio} >= 1`)],
);

/** Receptor data as stamped, kept with the document (the membership's may change later). */
export interface ReceiverSnapshot {
  rfc: string;
  name: string;
  fiscalRegime: string;
  postalCode: string;
  cfdiUse: string;
}

/**
 * One CFDI Libra emitted: a customer's invoice (Ingreso), the monthly global invoice to the public
 * (Ingreso) or a refund's credit note (Egreso). Written as `draft` — numbered and sealed — before
 * the PAC is asked, so a retry re-sends the same XML under the same document id and the PAC answers
 * the same stamp; `stamped` once the PAC answered; `cancelling` once a cancellation (or a
 * substitution) claimed it, before the PAC is asked — still in force, but no credit note is related
 * to it any more; `cancelled` after a cancellation accepted by the PAC (back to `stamped` if the PAC
 * refuses); `rejected` when the PAC refused the document (its folio stays used, recorded as such).
 * An invoice or global invoice with `relatedInvoiceId` substitutes that document (TipoRelacion 04).
 */
export const invoices = pgTable(
  'invoices',
  {
    id: uuid('id').primaryKey(),
    /** I (Ingreso) or E (Egreso). */
    type: text('type').notNull(),
    kind: text('kind').notNull(),
    series: text('series').notNull(),
    folio: integer('folio').notNull(),
    /** The customer's membership (null for a global invoice). */
    membershipId: uuid('membership_id').references(() => memberships.id),
    /** A credit note's refund: one credit note in force per refund. */
    refundId: uuid('refund_id').references(() => refunds.id),
    /** A global invoice's month, `YYYY-MM`: one per month. */
    periodKey: text('period_key'),
    receiver: jsonb('receiver').$type<ReceiverSnapshot>().notNull(),
    status: text('status').notNull(),
    /** The SAT's folio fiscal, once stamped. */
    uuid: text('uuid'),
    /** Sealed XML while a draft; the stamped XML (with the TimbreFiscalDigital) once stamped. */
    xml: text('xml').notNull(),
    baseCentavos: integer('base_centavos').notNull(),
    ivaCentavos: integer('iva_centavos').notNull(),
    totalCentavos: integer('total_centavos').notNull(),
    paymentForm: text('payment_form').notNull(),
    /**
     * A credit note's related invoice (CfdiRelacionados 01); an invoice's or global invoice's: the
     * one it substitutes (CfdiRelacionados 04).
     */
    relatedInvoiceId: uuid('related_invoice_id'),
    relatedUuid: text('related_uuid'),
    /** Sealed with the SAT's test CSD or stamped by the sandbox PAC: no fiscal validity. */
    demo: boolean('demo').notNull(),
    pac: text('pac').notNull(),
    rejection: text('rejection'),
    cancellationReason: text('cancellation_reason'),
    substituteUuid: text('substitute_uuid'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    stampedAt: timestamp('stamped_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('invoices_series_folio').on(t.series, t.folio),
    // One credit note in force per refund; a cancelled one leaves room for its replacement.
    uniqueIndex('invoices_refund').on(t.refundId).where(sql`${t.status} in ('draft','stamped','cancelling')`),
    // One substitute in force per document.
    uniqueIndex('invoices_substitute')
      .on(t.relatedInvoiceId)
      .where(sql`${t.kind} <> 'credit_note' and ${t.status} in ('draft','stamped','cancelling')`),
    uniqueIndex('invoices_global_period')
      .on(t.periodKey)
      .where(sql`${t.kind} = 'global' and ${t.status} in ('draft','stamped')`),
    uniqueIndex('invoices_uuid').on(t.uuid),
    index('invoices_membership_idx').on(t.membershipId, t.createdAt),
    index('invoices_drafts_idx').on(t.createdAt).where(sql`${t.status} = 'draft'`),
    check('invoices_type', sql`${t.type} in ('I','E')`),
    check('invoices_kind', sql`${t.kind} in ('invoice','global','credit_note')`),
    check('invoices_status', sql`${t.status} in ('draft','stamped','cancelling','cancelled','rejected')`),
    check('invoices_split', sql`${t.baseCentavos} + ${t.ivaCentavos} = ${t.totalCentavos}`),
    check(
      'invoices_stamped',
      sql`(${t.status} in ('stamped','cancelling','cancelled')) = (${t.uuid} is not null)`,
    ),
    check('invoices_credit_note', sql`(${t.kind} = 'credit_note') = (${t.refundId} is not null)`),
    check('invoices_cancellation_reason', sql`${t.cancellationReason} in ('01','02','03','04')`),
  ],
);

/**
 * Which invoice holds each charge: a charge is in at most one live invoice (its customer's or the
 * month's global one) — the primary key says so, whatever requests, retries or processes race.
 * Cancelling or a rejection deletes the rows, so the charge may be invoiced again.
 */
export const invoiceCharges = pgTable(
  'invoice_charges',
  {
    chargeId: uuid('charge_id')
      .primaryKey()
      .references(() => charges.id),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id),
  },
  (t) => [index('invoice_charges_invoice_idx').on(t.invoiceId)],
);

/**
 * The titular's fiscal data (Receptor) on the membership, validated with the SAT's catalogues when
 * written; prefilled in the portal's "Solicitar factura" and used when a request brings none.
 */
export const membershipFiscalData = pgTable('membership_fiscal_data', {
  membershipId: uuid('membership_id')
    .primaryKey()
    .references(() => memberships.id),
  rfc: text('rfc').notNull(),
  name: text('name').notNull(),
  fiscalRegime: text('fiscal_regime').notNull(),
  postalCode: text('postal_code').notNull(),
  cfdiUse: text('cfdi_use').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/**
 * What the sandbox PAC (PAC=sandbox) stamped and cancelled, kept as a real PAC keeps it on its
 * side: every Libra process on the database, and one started after a restart, answers a document
 * with the stamp it was given first and cancels what any of them stamped. The stamp and the
 * cancellation are the PAC port's shapes (cfdi/pac.ts), all strings.
 */
export const sandboxPacStamps = pgTable(
  'sandbox_pac_stamps',
  {
    documentId: text('document_id').primaryKey(),
    uuid: text('uuid').notNull(),
    /** SHA-256 of the sealed XML stamped: another XML under the same document is a conflict. */
    xmlHash: text('xml_hash').notNull(),
    stamp: jsonb('stamp').$type<Record<string, string>>().notNull(),
    cancellation: jsonb('cancellation').$type<Record<string, string>>(),
  },
  (t) => [uniqueIndex('sandbox_pac_stamps_uuid').on(t.uuid)],
);
