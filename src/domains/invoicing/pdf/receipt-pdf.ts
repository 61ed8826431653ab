/**
 * The payment receipt as a PDF, for every paid charge whether or not it was invoiced: what the
 * portal's receipt page shows (folio, membership, titular, concept, period, base, IVA, total,
 * card, refunds), in Spanish with es-MX money. It is not a CFDI and says so; when the charge has
 * been invoiced it names the invoice's fiscal folio.
 */
import { DateTime } from 'luxon';
import { MEXICO_CITY } from '../../../lib/clock.ts';
import {
  contentWidth,
  field,
  finish,
  heading,
  INK,
  localDate,
  localDateTime,
  MARGIN,
  MUTED,
  money,
  newPdf,
} from './layout.ts';

export interface ReceiptPdfData {
  /** Who issues the receipt, e.g. "Asistencia Libra Plus". */
  operator: { name: string; rfc?: string };
  folio: string;
  issuedAt: Date | string;
  membershipNumber: string;
  titular: string;
  /** The concept in Spanish (the receipt's `description.es`). */
  description: string;
  /** The period the charge covers; `endsAt` is exclusive, as in the billing API. */
  period: { startsAt: string; endsAt: string };
  baseCentavos: number;
  ivaCentavos: number;
  totalCentavos: number;
  ivaRatePercent: number;
  card: { brand: string; last4: string };
  method: 'card' | 'direct_debit';
  paidAt: Date | string | null;
  refunds?: Array<{
    amountCentavos: number;
    status: 'pending' | 'succeeded' | 'failed';
    createdAt: string;
    completedAt?: string | null;
  }>;
  /** The charge's invoice, once issued. */
  invoice?: { uuid: string; serie: string; folio: string } | null;
}

export const RECEIPT_NOT_CFDI = 'Este recibo no es un comprobante fiscal (CFDI).';

const REFUND_STATUS = {
  pending: 'en proceso',
  succeeded: 'reembolsado',
  failed: 'no se pudo reembolsar',
} as const;

/** The period's last covered day: the instant before its exclusive end. */
function periodText(period: ReceiptPdfData['period']): string {
  const last = DateTime.fromISO(period.endsAt).setZone(MEXICO_CITY).minus({ milliseconds: 1 });
  return `Del ${localDate(period.startsAt)} al ${localDate(last.toJSDate())}`;
}

export async function renderReceiptPdf(data: ReceiptPdfData): Promise<Buffer> {
  const issuedAt = typeof data.issuedAt === 'string' ? new Date(data.issuedAt) : data.issuedAt;
  const doc = newPdf({
    title: `Recibo de pago ${data.folio}`,
    author: data.operator.name,
    createdAt: issuedAt,
  });
  const width = contentWidth(doc);
  doc
    .font('Helvetica-Bold')
    .fontSize(11)
    .fillColor(MUTED)
    .text(data.operator.name, MARGIN, MARGIN, { width });
  if (data.operator.rfc) doc.font('Helvetica').fontSize(8).text(`RFC ${data.operator.rfc}`, { width });
  doc
    .font('Helvetica-Bold')
    .fontSize(18)
    .fillColor(INK)
    .text('Recibo de pago', MARGIN, doc.y + 6, { width });

  const top = doc.y + 8;
  const half = width / 2 - 10;
  let left = field(doc, 'Folio', data.folio, MARGIN, top, half);
  left = field(doc, 'Membresía', data.membershipNumber, MARGIN, left, half);
  left = field(doc, 'Concepto', data.description, MARGIN, left, half);
  let right = field(doc, 'Fecha de emisión', localDateTime(issuedAt), MARGIN + half + 20, top, half);
  right = field(doc, 'Titular', data.titular, MARGIN + half + 20, right, half);
  right = field(doc, 'Periodo', periodText(data.period), MARGIN + half + 20, right, half);
  doc.y = Math.max(left, right);

  heading(doc, 'Importe', doc.y + 10);
  const line = (label: string, value: string, bold = false) => {
    const y = doc.y;
    doc
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(10)
      .fillColor(INK);
    doc.text(label, MARGIN, y, { width: 200 });
    doc.text(value, MARGIN + 200, y, { width: 120, align: 'right' });
    doc.y += 3;
  };
  line('Base', money(data.baseCentavos));
  line(`IVA ${data.ivaRatePercent} %`, money(data.ivaCentavos));
  line('Total', `${money(data.totalCentavos)} MXN`, true);

  heading(doc, 'Pago', doc.y + 10);
  const pay = doc.y;
  const debit = data.method === 'direct_debit';
  let p = field(
    doc,
    'Tarjeta',
    `${data.card.brand.toUpperCase()} terminación ${data.card.last4}`,
    MARGIN,
    pay,
    half,
  );
  p = field(
    doc,
    'Cobro',
    debit ? 'Domiciliación (tarjeta de débito)' : 'Cargo a tarjeta de crédito',
    MARGIN,
    p,
    half,
  );
  const paid = data.paidAt
    ? field(doc, 'Pagado el', localDateTime(data.paidAt), MARGIN + half + 20, pay, half)
    : pay;
  doc.y = Math.max(p, paid);

  if (data.refunds && data.refunds.length > 0) {
    heading(doc, 'Reembolsos', doc.y + 10);
    for (const refund of data.refunds) {
      const when = localDate(refund.completedAt ?? refund.createdAt);
      doc
        .font('Helvetica')
        .fontSize(9)
        .fillColor(INK)
        .text(`${money(refund.amountCentavos)} — ${REFUND_STATUS[refund.status]} (${when})`, MARGIN, doc.y, {
          width,
        });
    }
  }

  heading(doc, 'Factura', doc.y + 10);
  const invoiceText = data.invoice
    ? `Facturado en el CFDI serie ${data.invoice.serie} folio ${data.invoice.folio}, folio fiscal (UUID) ${data.invoice.uuid}.`
    : 'Aún no facturado: pide tu factura desde tu portal; si no la pides, el cobro se incluye en la factura global del mes.';
  doc.font('Helvetica').fontSize(9).fillColor(INK).text(invoiceText, MARGIN, doc.y, { width });
  doc
    .font('Helvetica')
    .fontSize(8)
    .fillColor(MUTED)
    .text(RECEIPT_NOT_CFDI, MARGIN, doc.y + 12, { width });
  return finish(doc);
}
