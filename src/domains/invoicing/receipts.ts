import type { Database, Executor } from '../../db/client.ts';
import { AppError } from '../../lib/errors.ts';
import { type Actor, SYSTEM_ACTOR } from '../../platform/principal.ts';
import type { BillingService } from '../billing/service.ts';
import type { ChargeView } from '../billing/views.ts';
import type { VerificationNote } from '../members/verifications.ts';
import { type ReceiptPdfData, renderReceiptPdf } from './pdf/index.ts';
import type { InvoiceRecord, InvoicingRepository } from './repository.ts';

type Receipt = NonNullable<ChargeView['receipt']>;

export interface ReceiptFile {
  pdf: Buffer;
  fileName: string;
}

/** How the invoicing service lets a caller reach a charge's membership (CHARGE_NOT_FOUND if not). */
export interface ReceiptAccess {
  /** The membership, and the identity check that cleared an agent (for the audit entry). */
  reach(
    tx: Executor,
    actor: Actor,
    membershipId: string,
  ): Promise<{ titularName: string; verification: VerificationNote | null }>;
  audit(tx: Executor, actor: Actor, chargeId: string, verification: VerificationNote | null): Promise<void>;
}

/**
 * What the receipt prints, as the charge stood at `asOf` (default: now): refunds asked for at or
 * after it are left out and one finished then or later is still "en proceso"; an invoice stamped
 * then or later is not named. An email's attachment is the receipt as of the message's writing
 * (in the transaction that paid the charge, so nothing at that instant came before it): sending it
 * again sends the same bytes.
 */
export function receiptPdfData(
  view: ChargeView,
  receipt: Receipt,
  titular: string,
  invoice: InvoiceRecord | undefined,
  operator: { name: string; rfc: string },
  asOf?: Date,
): ReceiptPdfData {
  const by = (iso: string | null | undefined) =>
    !asOf || (iso !== null && iso !== undefined && new Date(iso) < asOf);
  const named =
    (invoice?.status === 'stamped' || invoice?.status === 'cancelling') &&
    invoice.uuid &&
    (!asOf || (invoice.stampedAt && invoice.stampedAt < asOf))
      ? { uuid: invoice.uuid, serie: invoice.series, folio: String(invoice.folio) }
      : null;
  return {
    operator,
    folio: receipt.folio,
    issuedAt: receipt.issuedAt,
    membershipNumber: view.membershipNumber,
    titular,
    description: receipt.description.es,
    period: { startsAt: receipt.period.startsAt, endsAt: receipt.period.endsAt },
    baseCentavos: receipt.baseCentavos,
    ivaCentavos: receipt.ivaCentavos,
    totalCentavos: receipt.totalCentavos,
    ivaRatePercent: receipt.ivaRatePercent,
    card: receipt.card,
    method: view.method,
    paidAt: view.paidAt,
    refunds: view.refunds
      .filter((r) => by(r.createdAt))
      .map((r) =>
        by(r.completedAt)
          ? {
              amountCentavos: r.amountCentavos,
              status: r.status,
              createdAt: r.createdAt,
              completedAt: r.completedAt,
            }
          : {
              amountCentavos: r.amountCentavos,
              status: 'pending' as const,
              createdAt: r.createdAt,
              completedAt: null,
            },
      ),
    invoice: named,
  };
}

/**
 * The payment receipt of a paid charge as a PDF, invoiced or not (`renderReceiptPdf`): downloaded
 * by whoever may read the charge, and attached to the payment's email, rendered when the message
 * is sent (the outbox keeps a reference, never the bytes).
 */
export class Receipts {
  constructor(
    private readonly db: Database,
    private readonly repository: InvoicingRepository,
    private readonly billing: BillingService,
    private readonly operator: { name: string; rfc: string },
    private readonly access: ReceiptAccess,
  ) {}

  /** The receipt as it stands now, for a caller who may read the charge (staff's reads audited). */
  async download(actor: Actor, chargeId: string): Promise<ReceiptFile> {
    return this.render(actor, chargeId);
  }

  /** The receipt as of a message's writing, for its email (the charge exists: the message is its). */
  async attachment(chargeId: string, asOf: Date): Promise<ReceiptFile> {
    return this.render(SYSTEM_ACTOR, chargeId, asOf);
  }

  private async render(actor: Actor, chargeId: string, asOf?: Date): Promise<ReceiptFile> {
    const data = await this.db.transaction(async (tx) => {
      const charge = await this.billing.loadCharge(tx, actor, chargeId);
      const { titularName, verification } = await this.access.reach(tx, actor, charge.membershipId);
      const view = await this.billing.chargeView(tx, charge);
      if (!view.receipt) throw new AppError('RECEIPT_NOT_AVAILABLE');
      if (actor !== SYSTEM_ACTOR) await this.access.audit(tx, actor, chargeId, verification);
      const invoice = await this.repository.holdingCharge(tx, chargeId);
      return receiptPdfData(view, view.receipt, titularName, invoice, this.operator, asOf);
    });
    return { pdf: await renderReceiptPdf(data), fileName: `recibo-${data.folio}.pdf` };
  }
}
