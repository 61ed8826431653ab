import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/client.ts';
import { invoiceCharges, invoices, membershipFiscalData } from '../../db/schema/index.ts';
import type { FiscalData } from './cfdi/index.ts';

export type InvoiceRecord = typeof invoices.$inferSelect;

/** A document in force: a draft, stamped, or stamped and claimed by a cancellation not yet answered. */
const IN_FORCE = sql`${invoices.status} in ('draft','stamped','cancelling')`;
export type NewInvoice = typeof invoices.$inferInsert;

/** Invoicing's SQL: documents, the charges they hold, the series' counters, fiscal data. */
export class InvoicingRepository {
  /**
   * The series' next folio, taken inside the caller's transaction: the counter row stays locked
   * until it commits, so concurrent documents of one series queue here and a rollback gives the
   * folio back (no gap).
   */
  async nextFolio(tx: Executor, series: string): Promise<number> {
    const [row] = await rows<{ folio: number }>(
      tx,
      sql`insert into invoice_series (series, next_folio) values (${series}, 2)
          on conflict (series) do update set next_folio = invoice_series.next_folio + 1
          returning next_folio - 1 as folio`,
    );
    if (!row) throw new Error('no folio');
    return Number(row.folio);
  }

  /**
   * Makes issuers of a global invoice take turns until the caller's transaction ends (a
   * transaction-scoped advisory lock: released by commit or rollback, whatever happens).
   */
  async lockGlobalIssuing(tx: Executor): Promise<void> {
    await rows(tx, sql`select pg_advisory_xact_lock(hashtext('libra:invoicing:global'))`);
  }

  async insert(tx: Executor, invoice: NewInvoice, chargeIds: string[]): Promise<void> {
    await tx.insert(invoices).values(invoice);
    if (chargeIds.length > 0) {
      await tx
        .insert(invoiceCharges)
        .values(chargeIds.map((chargeId) => ({ chargeId, invoiceId: invoice.id })));
    }
  }

  async byId(executor: Executor, id: string, forUpdate = false): Promise<InvoiceRecord | undefined> {
    const query = executor.select().from(invoices).where(eq(invoices.id, id));
    const [row] = forUpdate ? await query.for('update') : await query;
    return row;
  }

  /** The live invoice (draft or stamped) holding a charge, if any. */
  async holdingCharge(executor: Executor, chargeId: string): Promise<InvoiceRecord | undefined> {
    const [row] = await executor
      .select({ invoice: invoices })
      .from(invoiceCharges)
      .innerJoin(invoices, eq(invoices.id, invoiceCharges.invoiceId))
      .where(eq(invoiceCharges.chargeId, chargeId));
    return row?.invoice;
  }

  /**
   * The document holding a charge, its row locked `for update` (and read after the lock): a
   * cancellation, a substitution or a stamp of it in flight is waited for, so a credit note is
   * never related to a document being cancelled, nor missed by one being stamped.
   */
  async lockHolding(tx: Executor, chargeId: string): Promise<InvoiceRecord | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const holder = await this.holdingCharge(tx, chargeId);
      if (!holder) return undefined;
      const locked = await this.byId(tx, holder.id, true);
      // A substitution may have handed the charge to its substitute while this waited.
      if ((await this.holdingCharge(tx, chargeId))?.id === holder.id) return locked;
    }
    return undefined;
  }

  async chargeIdsOf(executor: Executor, invoiceId: string): Promise<string[]> {
    const found = await executor
      .select({ chargeId: invoiceCharges.chargeId })
      .from(invoiceCharges)
      .where(eq(invoiceCharges.invoiceId, invoiceId))
      .orderBy(asc(invoiceCharges.chargeId));
    return found.map((r) => r.chargeId);
  }

  /** Of these charges, those some live invoice already holds. */
  async heldCharges(executor: Executor, chargeIds: string[]): Promise<Set<string>> {
    if (chargeIds.length === 0) return new Set();
    const found = await executor
      .select({ chargeId: invoiceCharges.chargeId })
      .from(invoiceCharges)
      .where(inArray(invoiceCharges.chargeId, chargeIds));
    return new Set(found.map((r) => r.chargeId));
  }

  /** Lets the charges go (a cancelled or rejected document): they may be invoiced again. */
  async releaseCharges(tx: Executor, invoiceId: string): Promise<void> {
    await tx.delete(invoiceCharges).where(eq(invoiceCharges.invoiceId, invoiceId));
  }

  /** Hands a document's charges to another (a rejected substitute gives them back to its original). */
  async moveCharges(tx: Executor, fromId: string, toId: string): Promise<void> {
    await tx.update(invoiceCharges).set({ invoiceId: toId }).where(eq(invoiceCharges.invoiceId, fromId));
  }

  /** The substitute in force (TipoRelacion 04) of a document, if any: at most one (`invoices_substitute`). */
  async substituteOf(executor: Executor, originalId: string): Promise<InvoiceRecord | undefined> {
    const [row] = await executor
      .select()
      .from(invoices)
      .where(
        and(eq(invoices.relatedInvoiceId, originalId), sql`${invoices.kind} <> 'credit_note'`, IN_FORCE),
      );
    return row;
  }

  /** The latest substitute of a document the PAC did not refuse (its view: "Sustituida por"). */
  async latestSubstituteOf(executor: Executor, originalId: string): Promise<InvoiceRecord | undefined> {
    const [row] = await executor
      .select()
      .from(invoices)
      .where(
        and(
          eq(invoices.relatedInvoiceId, originalId),
          sql`${invoices.kind} <> 'credit_note'`,
          sql`${invoices.status} <> 'rejected'`,
        ),
      )
      .orderBy(desc(invoices.createdAt))
      .limit(1);
    return row;
  }

  /**
   * A refund's credit note in force (draft or stamped). A rejected or cancelled one does not
   * count: the refund gets a new one (e.g. related to the invoice that replaced a cancelled one).
   */
  async byRefund(executor: Executor, refundId: string): Promise<InvoiceRecord | undefined> {
    const [row] = await executor
      .select()
      .from(invoices)
      .where(and(eq(invoices.refundId, refundId), IN_FORCE));
    return row;
  }

  /** Credit notes already written against an invoice (their splits add up to what was refunded). */
  async creditNotesOf(executor: Executor, relatedInvoiceId: string): Promise<InvoiceRecord[]> {
    return executor
      .select()
      .from(invoices)
      .where(
        and(eq(invoices.relatedInvoiceId, relatedInvoiceId), eq(invoices.kind, 'credit_note'), IN_FORCE),
      );
  }

  async globalOf(executor: Executor, periodKey: string): Promise<InvoiceRecord | undefined> {
    const [row] = await executor
      .select()
      .from(invoices)
      .where(and(eq(invoices.periodKey, periodKey), eq(invoices.kind, 'global'), IN_FORCE))
      // The newest: a substitute rather than the global invoice it is replacing.
      .orderBy(desc(invoices.createdAt))
      .limit(1);
    return row;
  }

  async ofMembership(executor: Executor, membershipId: string): Promise<InvoiceRecord[]> {
    return executor
      .select()
      .from(invoices)
      .where(eq(invoices.membershipId, membershipId))
      .orderBy(desc(invoices.createdAt), desc(invoices.id));
  }

  async drafts(executor: Executor, limit: number): Promise<InvoiceRecord[]> {
    return executor
      .select()
      .from(invoices)
      .where(eq(invoices.status, 'draft'))
      .orderBy(asc(invoices.createdAt))
      .limit(limit);
  }

  /** False when it was not a draft any more (another request stamped it first). */
  async markStamped(tx: Executor, id: string, stamp: { uuid: string; xml: string }, at: Date) {
    const done = await tx
      .update(invoices)
      .set({ status: 'stamped', uuid: stamp.uuid, xml: stamp.xml, stampedAt: at })
      .where(and(eq(invoices.id, id), eq(invoices.status, 'draft')))
      .returning({ id: invoices.id });
    return done.length > 0;
  }

  async markRejected(tx: Executor, id: string, rejection: string) {
    await tx
      .update(invoices)
      .set({ status: 'rejected', rejection })
      .where(and(eq(invoices.id, id), eq(invoices.status, 'draft')));
  }

  /**
   * Claims a stamped document for a cancellation (or claims it again, with the substitute's UUID
   * now known): from here no credit note is related to it. False when it is neither stamped nor
   * already being cancelled.
   */
  async markCancelling(
    tx: Executor,
    id: string,
    cancellation: { reason: string; substituteUuid: string | null },
  ): Promise<boolean> {
    const done = await tx
      .update(invoices)
      .set({
        status: 'cancelling',
        cancellationReason: cancellation.reason,
        substituteUuid: cancellation.substituteUuid,
      })
      .where(and(eq(invoices.id, id), sql`${invoices.status} in ('stamped','cancelling')`))
      .returning({ id: invoices.id });
    return done.length > 0;
  }

  /** The PAC refused the cancellation (or the substitute): in force as it was. */
  async revertCancelling(tx: Executor, id: string): Promise<void> {
    await tx
      .update(invoices)
      .set({ status: 'stamped', cancellationReason: null, substituteUuid: null })
      .where(and(eq(invoices.id, id), eq(invoices.status, 'cancelling')));
  }

  /** Cancellations claimed and not yet answered by the PAC (a timeout, a crash): the queue asks again. */
  async cancelling(executor: Executor, limit: number): Promise<InvoiceRecord[]> {
    return executor
      .select()
      .from(invoices)
      .where(eq(invoices.status, 'cancelling'))
      .orderBy(asc(invoices.createdAt))
      .limit(limit);
  }

  /** False when it was not being cancelled (another process recorded it first). */
  async markCancelled(tx: Executor, id: string, at: Date): Promise<boolean> {
    const done = await tx
      .update(invoices)
      .set({ status: 'cancelled', cancelledAt: at })
      .where(and(eq(invoices.id, id), eq(invoices.status, 'cancelling')))
      .returning({ id: invoices.id });
    return done.length > 0;
  }

  async fiscalData(executor: Executor, membershipId: string): Promise<FiscalData | undefined> {
    const [row] = await executor
      .select()
      .from(membershipFiscalData)
      .where(eq(membershipFiscalData.membershipId, membershipId));
    return row
      ? {
          rfc: row.rfc,
          name: row.name,
          fiscalRegime: row.fiscalRegime,
          postalCode: row.postalCode,
          cfdiUse: row.cfdiUse,
        }
      : undefined;
  }

  async saveFiscalData(tx: Executor, membershipId: string, data: FiscalData, at: Date): Promise<void> {
    await tx
      .insert(membershipFiscalData)
      .values({ membershipId, ...data, updatedAt: at })
      .onConflictDoUpdate({ target: membershipFiscalData.membershipId, set: { ...data, updatedAt: at } });
  }
}
