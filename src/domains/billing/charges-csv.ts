import { inMexicoCity } from '../../lib/clock.ts';
import type { ChargeRecord } from './charges-repository.ts';
import { STATUS_LABELS } from './views.ts';

/**
 * Finance's CSV of charges (docs/api.md, "Charges as CSV"): UTF-8 with a BOM so Excel reads the
 * accents, comma-separated, CRLF rows (RFC 4180), Spanish headers, amounts in pesos with two
 * decimals and a dot, dates in Mexico City time. Pure: the route streams what these return.
 */
export const CSV_BOM = '\uFEFF';

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

/** A field quoted when it holds a comma, quote or line break; a leading =+-@ cannot start a formula. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Centavos as pesos with two decimals: 21800 → `218.00`, −5 → `-0.05`. */
export function pesos(centavos: number): string {
  const sign = centavos < 0 ? '-' : '';
  const abs = Math.abs(centavos);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function mexicoCity(at: Date | null): string {
  return at ? inMexicoCity(at).toFormat('yyyy-MM-dd HH:mm') : '';
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
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
