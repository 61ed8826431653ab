/**
 * Amounts on a CFDI: the project keeps integer centavos and writes them as decimal strings with
 * exactly two decimals (MXN's decimals, c_Moneda). Nothing here recomputes IVA from a base: the
 * stored split of a charge is what the document carries; these functions only check that a split
 * is one the SAT accepts and sum splits exactly.
 */
import { assertCentavos, splitIva } from '../../../lib/money.ts';
import { CfdiError } from './errors.ts';

export interface Split {
  /** Base (valor unitario / importe of the concept), centavos. */
  base: number;
  /** IVA trasladado at 16 %, centavos. */
  iva: number;
  /** base + IVA, centavos. */
  total: number;
}

/** 21893 → "218.93". */
export function pesos(centavos: number): string {
  assertCentavos(centavos);
  const whole = Math.floor(centavos / 100);
  const cents = centavos % 100;
  return `${whole}.${cents.toString().padStart(2, '0')}`;
}

export const IVA_RATE = '0.160000';

/**
 * The SAT's bounds for a traslado's Importe (Anexo 20, "Límites" of Impuestos): the Importe must lie
 * between (Base − D/2) × tasa truncated and (Base + D/2 − 10⁻¹²) × tasa rounded up, with D = 0.01
 * for MXN. In centavos and with the rate 16/100: [floor((2b − 1) × 16 / 200), ceil((2b + 1) × 16 / 200)].
 */
export function ivaBounds(baseCentavos: number): { min: number; max: number } {
  const low = Math.floor(((2 * baseCentavos - 1) * 16) / 200);
  const high = Math.ceil(((2 * baseCentavos + 1) * 16) / 200);
  return { min: Math.max(0, low), max: high };
}

/** Refuses a split that is not whole, positive, summing, and within the SAT's IVA bounds. */
export function assertSplit(split: Split, what: string): void {
  for (const key of ['base', 'iva', 'total'] as const) {
    if (!Number.isSafeInteger(split[key]) || split[key] < 0) {
      throw new CfdiError('CFDI_AMOUNT_INVALID', `${what}: ${key} debe ser un entero de centavos`, what);
    }
  }
  if (split.base <= 0)
    throw new CfdiError('CFDI_AMOUNT_INVALID', `${what}: la base debe ser mayor que cero`, what);
  if (split.base + split.iva !== split.total) {
    throw new CfdiError('CFDI_AMOUNT_INVALID', `${what}: base + IVA no es igual al total`, what);
  }
  const { min, max } = ivaBounds(split.base);
  if (split.iva < min || split.iva > max) {
    throw new CfdiError(
      'CFDI_AMOUNT_INVALID',
      `${what}: el IVA está fuera de los límites del SAT para su base`,
      what,
    );
  }
}

export function sumSplits(splits: readonly Split[]): Split {
  return splits.reduce((a, s) => ({ base: a.base + s.base, iva: a.iva + s.iva, total: a.total + s.total }), {
    base: 0,
    iva: 0,
    total: 0,
  });
}

function withinBounds(base: number, amount: number): boolean {
  if (base <= 0 || base > amount) return false;
  const { min, max } = ivaBounds(base);
  return amount - base >= min && amount - base <= max;
}

/**
 * The split a refund's credit note carries: the refunded amount with its IVA, always a split the
 * SAT accepts for its base. A refund that completes the charge takes exactly what is left of the
 * charge's stored base and IVA when that is such a split (so a full refund equals the invoice to
 * the centavo, and so do partial ones in almost every case). Otherwise, of the splits the SAT
 * accepts for the amount, it takes the one that keeps the refunds' base closest to the charge's
 * own proportion: partial refunds end at most one centavo of base (and of IVA, the other way) from
 * the invoice; their totals always sum exactly.
 */
export function refundSplit(charge: Split, alreadyRefunded: Split, amountCentavos: number): Split {
  assertCentavos(amountCentavos, 'refund');
  const leftBase = charge.base - alreadyRefunded.base;
  const leftTotal = charge.total - alreadyRefunded.total;
  if (amountCentavos <= 0 || amountCentavos > leftTotal) {
    throw new CfdiError('CFDI_AMOUNT_INVALID', 'El reembolso excede lo que queda del cargo', 'refund');
  }
  const split = (base: number): Split => ({ base, iva: amountCentavos - base, total: amountCentavos });
  if (amountCentavos === leftTotal && withinBounds(leftBase, amountCentavos)) return split(leftBase);
  const target =
    Math.round(((alreadyRefunded.total + amountCentavos) * charge.base) / charge.total) -
    alreadyRefunded.base;
  const usual = splitIva(amountCentavos).base;
  const [best] = [usual, usual - 1, usual + 1]
    .filter((b) => withinBounds(b, amountCentavos))
    .sort((x, y) => Math.abs(x - target) - Math.abs(y - target));
  return split(best ?? usual);
}
