/**
 * Money is an integer number of centavos. Prices are quoted IVA included (16 %); the base and the
 * IVA are derived once, with one rounding, and stored: base = round(total / 1.16), IVA = total − base.
 */

export type Currency = 'MXN';

export interface Money {
  amount: number;
  currency: Currency;
}

export interface IvaSplit {
  total: number;
  base: number;
  iva: number;
}

/** IVA rate in basis points: 16 %. Integer so that the split never touches floating point. */
export const IVA_RATE_BPS = 1600;

export function assertCentavos(value: number, what = 'amount'): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative integer number of centavos, got ${value}`);
  }
}

/**
 * Splits an IVA-included total into base and IVA. round(total / 1.16) is computed as
 * round(total × 10000 / 11600) in integers, rounding halves up (a half never occurs for integer
 * totals, but the rule is explicit anyway).
 */
export function splitIva(total: number): IvaSplit {
  assertCentavos(total, 'total');
  const denominator = 10_000 + IVA_RATE_BPS;
  const base = Math.floor((total * 10_000 * 2 + denominator) / (denominator * 2));
  return { total, base, iva: total - base };
}

export function mxn(amount: number): Money {
  assertCentavos(amount);
  return { amount, currency: 'MXN' };
}

/** Parses "218.00", "1,000.00" or "218" into centavos; refuses anything with more than 2 decimals. */
export function parsePesos(text: string): number {
  const cleaned = text.replace(/[$,\s]/g, '').replace(/MXN$/i, '');
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) throw new RangeError(`"${text}" is not an amount in pesos`);
  const pesos = Number(match[1]);
  const centavos = Number((match[2] ?? '').padEnd(2, '0'));
  const amount = pesos * 100 + centavos;
  assertCentavos(amount);
  return amount;
}

const formatters = new Map<string, Intl.NumberFormat>();
function formatter(locale: string): Intl.NumberFormat {
  let f = formatters.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: 'MXN',
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    formatters.set(locale, f);
  }
  return f;
}

/**
 * `$1,000.00`, or `$1,000.00 MXN` where currencies could be confused. Both es-MX and en use the
 * same digits and separators in Mexico, so the locale only matters for future currencies.
 */
export function formatMoney(
  centavos: number,
  options: { withCurrency?: boolean; locale?: string } = {},
): string {
  if (!Number.isSafeInteger(centavos)) throw new RangeError(`centavos must be an integer, got ${centavos}`);
  const text = formatter(options.locale ?? 'es-MX').format(centavos / 100);
  return options.withCurrency ? `${text} MXN` : text;
}
