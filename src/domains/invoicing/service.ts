import { DateTime } from 'luxon';
import type { Database, Executor } from '../../db/client.ts';
import { type Clock, MEXICO_CITY } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import type { Jobs } from '../../platform/jobs.ts';
import { type Actor, isStaff, SYSTEM_ACTOR } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import { chargesForInvoice, succeededRefundsOf } from '../billing/read-model.ts';
import type { SucceededRefund } from '../billing/refunds.ts';
import type { BillingService } from '../billing/service.ts';
import type { EventRecorder } from '../events/recorder.ts';
import { clearanceFor, withVerification } from '../members/clearance.ts';
import { membershipNumbers } from '../members/read-model.ts';
import type { MembersService } from '../members/service.ts';
import type { VerificationNote } from '../members/verifications.ts';
import { Cancellations } from './cancellation.ts';
import {
  buildCreditNote,
  buildInvoice,
  type CancellationReason,
  type FiscalData,
  normalizeFiscalData,
  type PacPort,
  type PaymentForm,
  refundSplit,
  sumSplits,
  validateFiscalData,
} from './cfdi/index.ts';
import { problemOf } from './errors.ts';
import { GlobalInvoices } from './global.ts';
import { Issuing, STAMP_QUEUE } from './issuing.ts';
import { chargeLine } from './lines.ts';
import { renderInvoicePdf } from './pdf/index.ts';
import { creditNotesInForce, fiscalProblem } from './problems.ts';
import { Receipts } from './receipts.ts';
import type { InvoiceRecord, InvoicingRepository } from './repository.ts';
import { type InvoiceView, presentInvoice } from './views.ts';

/**
 * Invoices as a product: a customer's invoice of a paid charge (once per charge, whoever asks and
 * however often), the titular's fiscal data, the credit note of every refund, cancellation, the
 * monthly global invoice (global.ts) and the reads. Documents are made by `Issuing`.
 */
export class InvoicingService {
  readonly issuing: Issuing;
  readonly global: GlobalInvoices;
  readonly receipts: Receipts;
  readonly cancellations: Cancellations;

  constructor(
    private readonly db: Database,
    private readonly repository: InvoicingRepository,
    private readonly billing: BillingService,
    private readonly members: MembersService,
    pac: PacPort,
    issuing: { prepared: Issuing['prepared']; jobs?: Jobs; events?: EventRecorder },
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.issuing = new Issuing(db, repository, pac, issuing.prepared, clock, issuing.jobs, issuing.events);
    this.cancellations = new Cancellations(db, repository, pac, this.issuing, audit, clock, issuing.events, {
      reach: async (tx, actor, membershipId) =>
        (await this.reach(tx, actor, membershipId, 'INVOICE_NOT_FOUND')).verification,
      stampAndFollow: (id, actor) => this.stampAndFollow(id, actor),
      followCharges: (id) => this.followCharges(id),
      creditNotesInForce,
    });
    this.global = new GlobalInvoices(db, repository, this.issuing, audit, clock, (id) =>
      this.stampAndFollow(id),
    );
    const { name, rfc } = issuing.prepared.issuer;
    this.receipts = new Receipts(
      db,
      repository,
      billing,
      { name, rfc },
      {
        reach: async (tx, actor, membershipId) => {
          const { membership, verification } = await this.reach(tx, actor, membershipId, 'CHARGE_NOT_FOUND');
          return { titularName: membership.titularName, verification };
        },
        audit: (tx, actor, chargeId, verification) =>
          this.auditStaff(tx, actor, 'charge.receipt_read', 'charge', chargeId, verification),
      },
    );
  }

  /** The stamp queue (drafts left behind) and the monthly global invoice. */
  registerJobs(jobs: Jobs): void {
    jobs.handle(STAMP_QUEUE, async () => void (await this.stampDrafts()), {
      policy: 'singleton',
      expireInSeconds: 3600,
      schedule: { cron: '*/5 * * * *', tz: MEXICO_CITY },
    });
    this.global.registerJobs(jobs);
  }

  /**
   * The membership a caller may reach; a partner key only the bank channel's. Its fiscal documents
   * are the member's data: an agent reaches them only once the caller is verified (the check is
   * returned for the audit entry).
   */
  private async reach(
    tx: Executor,
    actor: Actor,
    membershipId: string,
    notFound: 'INVOICE_NOT_FOUND' | 'CHARGE_NOT_FOUND' | 'MEMBERSHIP_NOT_FOUND',
  ) {
    try {
      const found = await this.members.load(tx, actor, membershipId);
      if (actor.principal?.kind === 'api_key' && found.membership.channel !== 'bank')
        throw new AppError(notFound);
      return {
        ...found,
        verification: await clearanceFor(tx, actor, membershipId, this.clock.now(), 'billing'),
      };
    } catch (error) {
      if (error instanceof AppError && error.code === 'MEMBERSHIP_NOT_FOUND') throw new AppError(notFound);
      throw error;
    }
  }

  /** Staff and partner reads and changes are audited, with the check that cleared an agent. */
  private async auditStaff(
    tx: Executor,
    actor: Actor,
    action: string,
    recordType: string,
    recordId: string,
    verification: VerificationNote | null,
    details?: Record<string, unknown>,
  ) {
    if (isStaff(actor.principal) || actor.principal?.kind === 'api_key') {
      const noted = withVerification(details, verification);
      await this.audit.record(tx, actor, {
        action,
        recordType,
        recordId,
        ...(noted ? { details: noted } : {}),
      });
    }
  }

  // Fiscal data ---------------------------------------------------------------------------------

  async fiscalData(actor: Actor, membershipId: string): Promise<FiscalData | null> {
    return this.db.transaction(async (tx) => {
      const { verification } = await this.reach(tx, actor, membershipId, 'MEMBERSHIP_NOT_FOUND');
      await this.auditStaff(
        tx,
        actor,
        'membership.fiscal_data_read',
        'membership',
        membershipId,
        verification,
      );
      return (await this.repository.fiscalData(tx, membershipId)) ?? null;
    });
  }

  async saveFiscalData(actor: Actor, membershipId: string, input: FiscalData): Promise<FiscalData> {
    const issues = validateFiscalData(input);
    if (issues.length > 0) throw fiscalProblem(issues);
    const data = normalizeFiscalData(input);
    return this.db.transaction(async (tx) => {
      const { verification } = await this.reach(tx, actor, membershipId, 'MEMBERSHIP_NOT_FOUND');
      await this.repository.saveFiscalData(tx, membershipId, data, this.clock.now());
      await this.auditStaff(
        tx,
        actor,
        'membership.fiscal_data_change',
        'membership',
        membershipId,
        verification,
      );
      return data;
    });
  }

  // A customer's invoice ------------------------------------------------------------------------

  /**
   * The invoice of a paid charge. The charge row is locked first, so two requests at once queue
   * and the second finds the first's document (answered as it is, `created` false); the document
   * is written numbered and sealed before the PAC is asked, so a retry after a timeout stamps that
   * same draft and never a second invoice.
   */
  async invoiceCharge(
    actor: Actor,
    chargeId: string,
    input: FiscalData | undefined,
  ): Promise<{ invoice: InvoiceView; created: boolean }> {
    if (input) {
      const issues = validateFiscalData(input);
      if (issues.length > 0) throw fiscalProblem(issues);
    }
    const { record, created } = await this.db.transaction(async (tx) => {
      const charge = await this.billing.loadCharge(tx, actor, chargeId, true);
      const { membership, verification } = await this.reach(
        tx,
        actor,
        charge.membershipId,
        'CHARGE_NOT_FOUND',
      );
      const held = await this.repository.holdingCharge(tx, chargeId);
      if (held?.kind === 'global')
        throw new AppError('CHARGE_IN_GLOBAL_INVOICE', { extensions: { invoiceId: held.id } });
      if (held) return { record: held, created: false };
      if (charge.status !== 'succeeded') throw new AppError('CHARGE_NOT_INVOICEABLE');
      const stored = await this.repository.fiscalData(tx, charge.membershipId);
      const data = input ? normalizeFiscalData(input) : stored;
      if (!data) throw new AppError('FISCAL_DATA_MISSING');
      // The titular's own request keeps the data for next time; staff's and the bank's do not overwrite it.
      if (input && (!stored || (actor.principal?.kind === 'user' && actor.principal.role === 'customer'))) {
        await this.repository.saveFiscalData(tx, charge.membershipId, data, this.clock.now());
      }
      const [row] = await chargesForInvoice(tx, [chargeId]);
      if (!row) throw new AppError('CHARGE_NOT_FOUND');
      const line = chargeLine(row, membership.number);
      const record = await this.issuing.draft(tx, {
        kind: 'invoice',
        build: (numbering) =>
          buildInvoice({ issuer: this.issuing.prepared.issuer, receiver: data, charges: [line], numbering }),
        membershipId: charge.membershipId,
        chargeIds: [chargeId],
      });
      await this.auditStaff(tx, actor, 'charge.invoice', 'charge', chargeId, verification, {
        invoiceId: record.id,
      });
      return { record, created: true };
    });
    const stamped = record.status === 'draft' ? await this.stampAndFollow(record.id) : record;
    return { invoice: await this.view(stamped), created };
  }

  /**
   * Stamps a document, then writes the credit notes owed for refunds of its charges made before it;
   * a substitute, once stamped, has its original cancelled (reason 01 with its UUID).
   */
  async stampAndFollow(id: string, actor: Actor = SYSTEM_ACTOR): Promise<InvoiceRecord> {
    let stamped: InvoiceRecord;
    try {
      stamped = await this.issuing.stamp(id);
    } catch (error) {
      // A substitute refused gave its charges back to its original: the credit notes held back go there.
      const record =
        error instanceof AppError && error.code === 'INVOICE_REJECTED'
          ? await this.repository.byId(this.db, id)
          : undefined;
      if (record && record.kind !== 'credit_note' && record.relatedInvoiceId)
        await this.followCharges(record.relatedInvoiceId);
      throw error;
    }
    if (stamped.status === 'stamped' && stamped.kind !== 'credit_note') {
      await this.followCharges(stamped.id);
      await this.cancellations.cancelReplaced(stamped, actor);
    }
    return stamped;
  }

  /** The credit notes owed for refunds of a stamped document's charges that none carries yet. */
  async followCharges(invoiceId: string): Promise<void> {
    const chargeIds = await this.repository.chargeIdsOf(this.db, invoiceId);
    const owed = await succeededRefundsOf(this.db, chargeIds);
    for (const refund of owed) {
      const note = await this.db.transaction((tx) => this.creditNoteFor(tx, refund));
      if (note?.status === 'draft') {
        await this.issuing.stamp(note.id).catch((error) => {
          // Left as a draft: the stamp queue finishes it.
          if (!(error instanceof AppError)) throw error;
        });
      }
    }
  }

  /** The stamp queue's work: drafts left behind, then cancellations the PAC has not answered. */
  async stampDrafts(): Promise<number> {
    let stamped = 0;
    for (const draft of await this.repository.drafts(this.db, 200)) {
      try {
        if ((await this.stampAndFollow(draft.id)).status === 'stamped') stamped++;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (error.code === 'INVOICE_STAMP_PENDING') return stamped;
      }
    }
    await this.cancellations.finishPending();
    return stamped;
  }

  // Credit notes --------------------------------------------------------------------------------

  /**
   * The refund's credit note, inside the refund's transaction (billing's listener): related to the
   * stamped invoice or global invoice holding the charge. A charge no stamped document holds yet
   * gets its credit notes when its invoice is stamped (`stampAndFollow`). Stamped by the queue.
   */
  async creditNoteFor(tx: Executor, refund: SucceededRefund): Promise<InvoiceRecord | undefined> {
    const earlier = await this.repository.byRefund(tx, refund.id);
    if (earlier) return earlier;
    const held = await this.repository.lockHolding(tx, refund.chargeId);
    // A draft gets its credit notes once stamped; one being cancelled or substituted gets none.
    if (held?.status !== 'stamped' || !held.uuid) return undefined;
    const [charge] = await chargesForInvoice(tx, [refund.chargeId]);
    if (!charge) return undefined;
    const refundIds = new Set((await succeededRefundsOf(tx, [refund.chargeId])).map((r) => r.id));
    const before = (await this.repository.creditNotesOf(tx, held.id)).filter(
      (n) => n.refundId && refundIds.has(n.refundId),
    );
    const already = sumSplits(
      before.map((n) => ({ base: n.baseCentavos, iva: n.ivaCentavos, total: n.totalCentavos })),
    );
    let split: ReturnType<typeof refundSplit>;
    try {
      split = refundSplit(
        { base: charge.baseCentavos, iva: charge.ivaCentavos, total: charge.amountCentavos },
        already,
        refund.amountCentavos,
      );
    } catch (error) {
      throw problemOf(error);
    }
    const numbers = await membershipNumbers(tx, [charge.membershipId]);
    const line = chargeLine(charge, numbers.get(charge.membershipId) ?? '');
    const uuid = held.uuid;
    const [year, month] = (held.periodKey ?? '').split('-').map(Number);
    return this.issuing.draft(tx, {
      kind: 'credit_note',
      build: (numbering) =>
        buildCreditNote({
          issuer: this.issuing.prepared.issuer,
          related:
            held.kind === 'global'
              ? { kind: 'global-invoice', uuid, period: { year: year ?? 0, month: month ?? 0 } }
              : { kind: 'invoice', uuid, receiver: held.receiver },
          refund: {
            reference: line.reference,
            description: `Devolución: ${line.description}`,
            split,
            paymentForm: charge.paymentForm as PaymentForm,
          },
          numbering,
        }),
      membershipId: charge.membershipId,
      refundId: refund.id,
      related: { invoiceId: held.id, uuid },
      chargeIds: [],
    });
  }

  // Cancellation --------------------------------------------------------------------------------

  /** Finance cancels a stamped document with one of the SAT's reasons (cancellation.ts). */
  async cancel(
    actor: Actor,
    id: string,
    input: { reason: CancellationReason; substituteUuid?: string | undefined },
  ): Promise<InvoiceView> {
    return this.view(await this.cancellations.cancel(actor, id, input));
  }

  /**
   * A substitute for a stamped invoice or global invoice holding the same charges (TipoRelacion
   * 04), then the original cancelled with reason 01 (cancellation.ts). `created` is false when a
   * substitute was already under way or done: asking again resumes it.
   */
  async substitute(
    actor: Actor,
    id: string,
    input: FiscalData | undefined,
  ): Promise<{ invoice: InvoiceView; created: boolean }> {
    if (input) {
      const issues = validateFiscalData(input);
      if (issues.length > 0) throw fiscalProblem(issues);
    }
    const { substitute, created } = await this.cancellations.substitute(actor, id, input);
    return { invoice: await this.view(substitute), created };
  }

  // Reads ---------------------------------------------------------------------------------------

  private async view(record: InvoiceRecord): Promise<InvoiceView> {
    const chargeIds = await this.repository.chargeIdsOf(this.db, record.id);
    if (record.kind === 'credit_note') return presentInvoice(record, chargeIds);
    return presentInvoice(record, chargeIds, {
      substitutes: record.relatedInvoiceId
        ? await this.repository.byId(this.db, record.relatedInvoiceId)
        : undefined,
      substitutedBy: await this.repository.latestSubstituteOf(this.db, record.id),
    });
  }

  /** A document the caller may see: a customer their own, the bank its channel's, staff any (audited). */
  private async readable(actor: Actor, id: string): Promise<InvoiceRecord> {
    return this.db.transaction(async (tx) => {
      const record = await this.repository.byId(tx, id);
      if (!record) throw new AppError('INVOICE_NOT_FOUND');
      let verification: VerificationNote | null = null;
      if (record.membershipId)
        ({ verification } = await this.reach(tx, actor, record.membershipId, 'INVOICE_NOT_FOUND'));
      else if (!isStaff(actor.principal)) throw new AppError('INVOICE_NOT_FOUND');
      await this.auditStaff(tx, actor, 'invoice.read', 'invoice', id, verification);
      return record;
    });
  }

  async invoice(actor: Actor, id: string): Promise<InvoiceView> {
    return this.view(await this.readable(actor, id));
  }

  /** The XML as stamped (a draft's sealed XML is not a CFDI yet: not found until stamped). */
  async xml(actor: Actor, id: string): Promise<{ xml: string; fileName: string; demo: boolean }> {
    const record = await this.readable(actor, id);
    if (record.status === 'draft' || record.status === 'rejected') throw new AppError('INVOICE_NOT_FOUND');
    return { xml: record.xml, fileName: `${record.series}-${record.folio}.xml`, demo: record.demo };
  }

  /** The printed representation of the stamped CFDI (PDF), read from the XML as stamped. */
  async pdf(actor: Actor, id: string): Promise<{ pdf: Buffer; fileName: string }> {
    const { xml, fileName, demo } = await this.xml(actor, id);
    return { pdf: await renderInvoicePdf(xml, { demo }), fileName: fileName.replace(/\.xml$/, '.pdf') };
  }

  async ofMembership(actor: Actor, membershipId: string): Promise<InvoiceView[]> {
    const found = await this.db.transaction(async (tx) => {
      const { verification } = await this.reach(tx, actor, membershipId, 'MEMBERSHIP_NOT_FOUND');
      await this.auditStaff(tx, actor, 'membership.invoices_read', 'membership', membershipId, verification);
      return this.repository.ofMembership(tx, membershipId);
    });
    return Promise.all(found.map((r) => this.view(r)));
  }
}

/** The month (Mexico City) before the instant, as `YYYY-MM`. */
export function previousMonth(at: Date): string {
  return DateTime.fromJSDate(at, { zone: MEXICO_CITY }).minus({ months: 1 }).toFormat('yyyy-MM');
}
