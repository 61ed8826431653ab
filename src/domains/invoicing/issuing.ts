import type { Database, Executor } from '../../db/client.ts';
import type { ReceiverSnapshot } from '../../db/schema/invoicing.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Jobs } from '../../platform/jobs.ts';
import type { EventRecorder } from '../events/recorder.ts';
import {
  CfdiError,
  type Comprobante,
  type Numbering,
  type PacPort,
  type PreparedIssuer,
  sealComprobante,
} from './cfdi/index.ts';
import { problemOf } from './errors.ts';
import type { InvoiceRecord, InvoicingRepository } from './repository.ts';

/** The queue that stamps drafts left by a refund's transaction or an unanswered PAC. */
export const STAMP_QUEUE = 'invoicing-stamp';

export const SERIES = { invoice: 'F', global: 'G', credit_note: 'NC' } as const;
export type InvoiceKind = keyof typeof SERIES;

export interface DraftInput {
  kind: InvoiceKind;
  build: (numbering: Numbering) => Comprobante;
  membershipId: string | null;
  refundId?: string;
  periodKey?: string;
  related?: { invoiceId: string; uuid: string };
  chargeIds: string[];
}

/**
 * How every document is made: numbered (its series' counter, in the caller's transaction), sealed
 * and written as a draft; then stamped outside any transaction under its own id, so asking the PAC
 * again — after a timeout, a crash, a second request — answers the same stamp and never a second
 * UUID. Shared by the customer's invoice, the global invoice and the credit notes.
 */
export class Issuing {
  constructor(
    private readonly db: Database,
    private readonly repository: InvoicingRepository,
    private readonly pac: PacPort,
    readonly prepared: PreparedIssuer,
    private readonly clock: Clock,
    private readonly jobs: Jobs | undefined,
    /** The event log partners read: each document stamped, in the transaction that records it. */
    private readonly events?: EventRecorder,
  ) {}

  /** Sandbox-stamped or sealed with the SAT's test CSD: "sin validez fiscal". */
  get demo(): boolean {
    return this.prepared.demo || this.pac.name === 'sandbox';
  }

  get pacName(): string {
    return this.pac.name;
  }

  async draft(tx: Executor, input: DraftInput): Promise<InvoiceRecord> {
    const series = SERIES[input.kind];
    const folio = await this.repository.nextFolio(tx, series);
    const now = this.clock.now();
    let sealed: ReturnType<typeof sealComprobante>;
    try {
      sealed = sealComprobante(
        input.build({ serie: series, folio: String(folio), issuedAt: now }),
        this.prepared.csd,
      );
    } catch (error) {
      throw problemOf(error);
    }
    const totals = sealed.comprobante.totals;
    const r = sealed.comprobante.receptor;
    // As stamped (a credit note's CFDI use is its own, not its invoice's).
    const receiver: ReceiverSnapshot = {
      rfc: r.rfc,
      name: r.nombre,
      fiscalRegime: r.regimenFiscal,
      postalCode: r.domicilioFiscal,
      cfdiUse: r.usoCfdi,
    };
    const record: InvoiceRecord = {
      id: newId(),
      type: input.kind === 'credit_note' ? 'E' : 'I',
      kind: input.kind,
      series,
      folio,
      membershipId: input.membershipId,
      refundId: input.refundId ?? null,
      periodKey: input.periodKey ?? null,
      receiver,
      status: 'draft',
      uuid: null,
      xml: sealed.xml,
      baseCentavos: totals.base,
      ivaCentavos: totals.iva,
      totalCentavos: totals.total,
      paymentForm: sealed.comprobante.formaPago,
      relatedInvoiceId: input.related?.invoiceId ?? null,
      relatedUuid: input.related?.uuid ?? null,
      demo: this.demo,
      pac: this.pac.name,
      rejection: null,
      cancellationReason: null,
      substituteUuid: null,
      createdAt: now,
      stampedAt: null,
      cancelledAt: null,
    };
    await this.repository.insert(tx, record, input.chargeIds);
    // Whoever made it stamps it next; if that process dies first, the queue finds it.
    await this.jobs?.nudge(tx, STAMP_QUEUE, new Date(now.getTime() + 60_000));
    return record;
  }

  /**
   * Stamps a draft (a stamped one is answered as it is). PAC_UNAVAILABLE leaves the draft for the
   * next request or the stamp queue (INVOICE_STAMP_PENDING); a refusal marks it rejected with its
   * folio kept, and lets its charges go (a substitute's go back to the document it was replacing).
   */
  async stamp(id: string): Promise<InvoiceRecord> {
    const draft = await this.repository.byId(this.db, id);
    if (!draft) throw new AppError('INVOICE_NOT_FOUND');
    if (draft.status !== 'draft') return draft;
    try {
      const stamp = await this.pac.stamp({ documentId: draft.id, xml: draft.xml });
      await this.db.transaction(async (tx) => {
        if (!(await this.repository.markStamped(tx, draft.id, stamp, this.clock.now()))) return;
        await this.events?.record(tx, [
          {
            type: 'invoice.issued',
            membershipId: draft.membershipId,
            data: {
              invoiceId: draft.id,
              kind: draft.kind,
              series: draft.series,
              folio: draft.folio,
              uuid: stamp.uuid,
              membershipId: draft.membershipId,
              totalCentavos: draft.totalCentavos,
            },
          },
        ]);
      });
    } catch (error) {
      if (!(error instanceof CfdiError)) throw error;
      if (error.code === 'PAC_UNAVAILABLE') throw new AppError('INVOICE_STAMP_PENDING', { cause: error });
      await this.db.transaction(async (tx) => {
        await this.repository.markRejected(tx, draft.id, `${error.code}: ${error.message}`);
        if (draft.kind !== 'credit_note' && draft.relatedInvoiceId) {
          // A substitute refused: its original keeps its charges and stays in force, as it was.
          await this.repository.moveCharges(tx, draft.id, draft.relatedInvoiceId);
          await this.repository.revertCancelling(tx, draft.relatedInvoiceId);
        } else {
          await this.repository.releaseCharges(tx, draft.id);
        }
      });
      throw new AppError('INVOICE_REJECTED', {
        localisedDetail: { es: error.message, en: error.message },
        extensions: { pacCode: error.code },
      });
    }
    const stamped = await this.repository.byId(this.db, id);
    if (!stamped) throw new Error('invoice vanished');
    return stamped;
  }

  /** Drafts left behind (a refund's credit note, an unanswered PAC): stamped now, oldest first. */
  async stampDrafts(limit = 200): Promise<number> {
    let stamped = 0;
    for (const draft of await this.repository.drafts(this.db, limit)) {
      try {
        if ((await this.stamp(draft.id)).status === 'stamped') stamped++;
      } catch (error) {
        if (error instanceof AppError && error.code === 'INVOICE_STAMP_PENDING') break;
        if (!(error instanceof AppError)) throw error;
      }
    }
    return stamped;
  }
}
