import { inMexicoCity } from '../../lib/clock.ts';
import { csvLine, pesos } from '../../lib/csv.ts';
import type { ChargeRecord } from './charges-repository.ts';
import { STATUS_LABELS } from './views.ts';

/**
 * Finance's CSV of charges (docs/api.md, "Charges as CSV"): UTF-8 with a BOM so Excel reads the
 * accents, comma-separated, CRLF rows (RFC 4180), Spanish headers, amounts in pesos with two
 * decimals and a dot, dates in Mexico City time. Pure: the route streams what these return.
 */
export { CSV_BOM, csvField, csvLine, pesos } from '../../lib/csv.ts';

export const CSV_HEADERS = [
  'Folio de recibo',
  'Membresía',
  'Periodo',
  'Fecha del cobro',
  'Estado',
  'Importe (MXN)',
  'Base (MXN)',
  'IVA (MXN)',
  'Reembolsado (MXN)',
  'Método',
  'Tarjeta',
  'Fecha de pago',
  'Id del cobro',
] as const;

const METHODS: Record<string, string> = { card: 'Tarjeta de crédito', direct_debit: 'Domiciliación' };

function mexicoCity(at: Date | null): string {
  return at ? inMexicoCity(at).toFormat('yyyy-MM-dd HH:mm') : '';
}

export function chargeCsvLine(c: ChargeRecord, membershipNumber: string): string {
  return csvLine([
    c.receiptFolio ?? '',
    membershipNumber,
    c.periodKey,
    mexicoCity(c.createdAt),
    STATUS_LABELS[c.status]?.es ?? c.status,
    pesos(c.amountCentavos),
    pesos(c.baseCentavos),
    pesos(c.ivaCentavos),
    pesos(c.refundedCentavos),
    METHODS[c.method] ?? c.method,
    `${c.cardBrand} •••• ${c.cardLast4}`,
    mexicoCity(c.paidAt),
    c.id,
  ]);
}
