import type { Database, Executor } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { type Actor, isStaff, SYSTEM_ACTOR } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import { chargesForInvoice } from '../billing/read-model.ts';
import type { EventRecorder } from '../events/recorder.ts';
import { withVerification } from '../members/clearance.ts';
import { membershipNumbers } from '../members/read-model.ts';
import type { VerificationNote } from '../members/verifications.ts';
import {
  buildGlobalInvoice,
  buildInvoice,
  type CancellationReason,
  CfdiError,
  type FiscalData,
  normalizeFiscalData,
  type PacPort,
} from './cfdi/index.ts';
import { problemOf } from './errors.ts';
import type { Issuing } from './issuing.ts';
import { chargeLine } from './lines.ts';
import type { InvoiceRecord, InvoicingRepository } from './repository.ts';

/** What cancelling needs of the invoicing service. */
export interface CancellationHost {
  /** The member's data an actor may reach (an agent: once the caller is checked). */
  reach(tx: Executor, actor: Actor, membershipId: string): Promise<VerificationNote | null>;
  /** Stamps a draft and finishes what follows it (credit notes owed; the original a substitute replaces). */
  stampAndFollow(id: string, actor: Actor): Promise<InvoiceRecord>;
  /** Writes the credit notes owed for refunds of a document's charges that none carries yet. */
  followCharges(invoiceId: string): Promise<void>;
  /** INVOICE_HAS_CREDIT_NOTES naming them. */
  creditNotesInForce(notes: InvoiceRecord[]): AppError;
}

/**
 * Cancelling a stamped document with one of the SAT's reasons, and substituting one (a new CFDI
 * with TipoRelacion 04, then the original cancelled with reason 01 naming it).
 *
 * A cancellation is claimed first: in one transaction the document's row is locked `for update`,
 * checked to have no credit note in force and marked `cancelling`; only then is the PAC asked.
 * A refund's credit note locks the same row before relating itself to the document and is not
 * written against one that is `cancelling` (it is written later, against the substitute or the
 * next invoice of the charge, or against this one if the PAC refuses the cancellation). So no
 * credit note can be related to a document on its way to being cancelled.
 */
export class Cancellations {
  constructor(
    private readonly db: Database,
    private readonly repository: InvoicingRepository,
    private readonly pac: PacPort,
    private readonly issuing: Issuing,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly events: EventRecorder | undefined,
    private readonly host: CancellationHost,
  ) {}

  /**
   * Finance cancels a stamped document (01 with the substitute's UUID). Asked again while the PAC
   * has not answered (a timeout), it asks the PAC again with the reason first given.
   */
  async cancel(
    actor: Actor,
    id: string,
    input: { reason: CancellationReason; substituteUuid?: string | undefined },
  ): Promise<InvoiceRecord> {
    if ((input.reason === '01') !== (input.substituteUuid !== undefined))
      throw new AppError('CANCELLATION_SUBSTITUTE_INVALID');
    const claimed = await this.db.transaction(async (tx) => {
      const invoice = await this.repository.byId(tx, id, true);
      if (!invoice) throw new AppError('INVOICE_NOT_FOUND');
      if (invoice.status === 'cancelling') {
        if (await this.repository.substituteOf(tx, id)) throw new AppError('INVOICE_SUBSTITUTION_PENDING');
        return invoice;
      }
      if (invoice.status !== 'stamped' || !invoice.uuid) throw new AppError('INVOICE_NOT_CANCELLABLE');
      // The SAT refuses to cancel a CFDI with related documents in force: its credit notes go first.
      const notes = await this.repository.creditNotesOf(tx, id);
      if (notes.length > 0) throw this.host.creditNotesInForce(notes);
      const cancellation = {
        reason: input.reason,
        substituteUuid: input.substituteUuid?.toUpperCase() ?? null,
      };
      await this.repository.markCancelling(tx, id, cancellation);
      return {
        ...invoice,
        status: 'cancelling',
        cancellationReason: cancellation.reason,
        substituteUuid: cancellation.substituteUuid,
      };
    });
    return this.finish(actor, claimed);
  }

  /**
   * Asks the PAC to cancel a claimed document and records the answer: cancelled (its charges let
   * go), or — the PAC refused — in force again with the credit notes held back written; a PAC that
   * did not answer leaves it claimed (503 INVOICE_CANCEL_PENDING: asking again, or the stamp
   * queue, asks the PAC again).
   */
  async finish(actor: Actor, invoice: InvoiceRecord): Promise<InvoiceRecord> {
    const reason = invoice.cancellationReason as CancellationReason;
    if (!invoice.uuid) throw new Error('a claimed cancellation without UUID');
    try {
      await this.pac.cancel({
        issuerRfc: this.issuing.prepared.issuer.rfc,
        uuid: invoice.uuid,
        reason,
        ...(invoice.substituteUuid ? { substituteUuid: invoice.substituteUuid } : {}),
      });
    } catch (error) {
      if (!(error instanceof CfdiError)) throw error;
      if (error.code === 'PAC_UNAVAILABLE') throw new AppError('INVOICE_CANCEL_PENDING', { cause: error });
      await this.db.transaction((tx) => this.repository.revertCancelling(tx, invoice.id));
      await this.host.followCharges(invoice.id);
      throw problemOf(error);
    }
    await this.db.transaction(async (tx) => {
      if (!(await this.repository.markCancelled(tx, invoice.id, this.clock.now()))) return;
      await this.repository.releaseCharges(tx, invoice.id);
      await this.events?.record(tx, [
        {
          type: 'invoice.cancelled',
          membershipId: invoice.membershipId,
          data: {
            invoiceId: invoice.id,
            kind: invoice.kind,
            series: invoice.series,
            folio: invoice.folio,
            uuid: invoice.uuid,
            membershipId: invoice.membershipId,
            reason,
            substituteUuid: invoice.substituteUuid,
          },
        },
      ]);
      await this.audit.record(tx, actor, {
        action: 'invoice.cancel',
        recordType: 'invoice',
        recordId: invoice.id,
        details: { reason, substituteUuid: invoice.substituteUuid },
      });
    });
    const done = await this.repository.byId(this.db, invoice.id);
    if (!done) throw new Error('invoice vanished');
    return done;
  }

  /**
   * Substitutes a stamped invoice or global invoice: a new document holding the same charges (the
   * customer's invoice with the given or the stored fiscal data; the global one as it was), with
   * CfdiRelacionados 04 naming the original, stamped; then the original cancelled with reason 01
   * and the new UUID. The first transaction claims the original (`cancelling`), numbers and seals
   * the substitute as a draft and hands it the charges; asking again — after a timeout, while the
   * stamp queue finishes it too — resumes that same substitute, never a second one.
   */
  async substitute(
    actor: Actor,
    id: string,
    input: FiscalData | undefined,
  ): Promise<{ original: InvoiceRecord; substitute: InvoiceRecord; created: boolean }> {
    const { substitute, created } = await this.db.transaction(async (tx) => {
      const original = await this.repository.byId(tx, id, true);
      if (!original) throw new AppError('INVOICE_NOT_FOUND');
      const verification = await this.access(tx, actor, original);
      const existing = await this.repository.substituteOf(tx, id);
      if (existing) return { substitute: existing, created: false };
      if (original.kind === 'credit_note') throw new AppError('CREDIT_NOTE_NOT_SUBSTITUTABLE');
      if (original.status !== 'stamped' || !original.uuid) throw new AppError('INVOICE_NOT_CANCELLABLE');
      if (original.kind === 'global' && input) throw new AppError('GLOBAL_INVOICE_RECEIVER_FIXED');
      const notes = await this.repository.creditNotesOf(tx, id);
      if (notes.length > 0) throw this.host.creditNotesInForce(notes);
      const chargeIds = await this.repository.chargeIdsOf(tx, id);
      const charges = await chargesForInvoice(tx, chargeIds);
      if (charges.length === 0) throw new AppError('INVOICE_NOT_CANCELLABLE');
      let receiver: FiscalData | undefined;
      if (original.kind === 'invoice') {
        receiver = input
          ? normalizeFiscalData(input)
          : await this.repository.fiscalData(tx, original.membershipId ?? '');
        if (!receiver) throw new AppError('FISCAL_DATA_MISSING');
      }
      const numbers = await membershipNumbers(
        tx,
        charges.map((c) => c.membershipId),
      );
      const lines = charges.map((c) => chargeLine(c, numbers.get(c.membershipId) ?? ''));
      const [year, month] = (original.periodKey ?? '').split('-').map(Number);
      const replaces = original.uuid;
      await this.repository.markCancelling(tx, id, { reason: '01', substituteUuid: null });
      await this.repository.releaseCharges(tx, id);
      const record = await this.issuing.draft(tx, {
        kind: original.kind === 'global' ? 'global' : 'invoice',
        build: (numbering) =>
          receiver
            ? buildInvoice({
                issuer: this.issuing.prepared.issuer,
                receiver,
                charges: lines,
                numbering,
                replaces,
              })
            : buildGlobalInvoice({
                issuer: this.issuing.prepared.issuer,
                charges: lines,
                period: { year: year ?? 0, month: month ?? 0 },
                numbering,
                replaces,
              }),
        membershipId: original.membershipId,
        ...(original.periodKey ? { periodKey: original.periodKey } : {}),
        related: { invoiceId: original.id, uuid: replaces },
        chargeIds,
      });
      await this.auditSubstitution(tx, actor, original.id, record.id, verification);
      return { substitute: record, created: true };
    });
    const stamped = await this.host.stampAndFollow(substitute.id, actor);
    const original = await this.repository.byId(this.db, id);
    if (!original) throw new Error('invoice vanished');
    return { original, substitute: stamped, created };
  }

  /**
   * Once a substitute is stamped: its original, claimed again with the substitute's UUID, is
   * cancelled with reason 01 (nothing to do when it already is).
   */
  async cancelReplaced(substitute: InvoiceRecord, actor: Actor = SYSTEM_ACTOR): Promise<void> {
    if (substitute.kind === 'credit_note' || !substitute.relatedInvoiceId || !substitute.uuid) return;
    const originalId = substitute.relatedInvoiceId;
    const uuid = substitute.uuid;
    const claimed = await this.db.transaction(async (tx) => {
      const original = await this.repository.byId(tx, originalId, true);
      if (!original || (original.status !== 'stamped' && original.status !== 'cancelling')) return undefined;
      await this.repository.markCancelling(tx, originalId, { reason: '01', substituteUuid: uuid });
      return { ...original, status: 'cancelling', cancellationReason: '01', substituteUuid: uuid };
    });
    if (claimed) await this.finish(actor, claimed);
  }

  /** Cancellations left claimed (the PAC did not answer, the process died): asked again. */
  async finishPending(limit = 100): Promise<number> {
    let done = 0;
    for (const invoice of await this.repository.cancelling(this.db, limit)) {
      try {
        const substitute = await this.repository.substituteOf(this.db, invoice.id);
        if (substitute) await this.host.stampAndFollow(substitute.id, SYSTEM_ACTOR);
        else await this.finish(SYSTEM_ACTOR, invoice);
        done++;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
      }
    }
    return done;
  }

  /** A customer's invoice: as its member's data (an agent: caller checked); a global one: finance only. */
  private async access(tx: Executor, actor: Actor, original: InvoiceRecord) {
    if (original.membershipId) return this.host.reach(tx, actor, original.membershipId);
    if (!isStaff(actor.principal)) throw new AppError('INVOICE_NOT_FOUND');
    if (actor.principal?.kind !== 'user' || actor.principal.role !== 'finance')
      throw new AppError('FORBIDDEN');
    return null;
  }

  private async auditSubstitution(
    tx: Executor,
    actor: Actor,
    originalId: string,
    substituteId: string,
    verification: VerificationNote | null,
  ) {
    await this.audit.record(tx, actor, {
      action: 'invoice.substitute',
      recordType: 'invoice',
      recordId: originalId,
      details: withVerification({ substituteId }, verification) ?? {},
    });
  }
}
