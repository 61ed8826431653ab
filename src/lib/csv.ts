import { DateTime } from 'luxon';
import { MEXICO_CITY } from './clock.ts';
import { AppError, type FieldError } from './errors.ts';

/**
 * Finance's CSV files (docs/api.md, "Finance exports"): UTF-8 with a BOM so Excel reads the accents,
 * comma-separated, CRLF rows (RFC 4180), amounts in pesos with two decimals and a dot, dates in
 * Mexico City time. A field that a spreadsheet would run as a formula (a leading = + - @, a tab or
 * a carriage return) is written with a leading apostrophe.
 */
export const CSV_BOM = '\uFEFF';

/** A field quoted when it holds a comma, quote or line break; a leading =+-@ cannot start a formula. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** Centavos as pesos with two decimals: 21800 → `218.00`, −5 → `-0.05`. */
export function pesos(centavos: number): string {
  const sign = centavos < 0 ? '-' : '';
  const abs = Math.abs(centavos);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** An instant as `2026-11-25 14:05`, Mexico City; empty for none. */
export function csvTime(at: Date | null | undefined): string {
  return at ? DateTime.fromJSDate(at, { zone: MEXICO_CITY }).toFormat('yyyy-MM-dd HH:mm') : '';
}

/** A range of Mexico City days: from the start of `from` (inclusive) to the start of the day after `to`. */
export interface DayRange {
  from?: Date | undefined;
  before?: Date | undefined;
}

/**
 * `from`/`to` (YYYY-MM-DD, shapes checked by the schema) as a range of Mexico City days; a day that
 * does not exist or a range that ends before it starts is refused (400 VALIDATION_FAILED).
 */
export function dayRangeOf(query: { from?: string | undefined; to?: string | undefined }): DayRange {
  const errors: FieldError[] = [];
  const day = (text: string | undefined, field: string) => {
    if (!text) return null;
    const d = DateTime.fromISO(text, { zone: MEXICO_CITY });
    if (!d.isValid || d.toISODate() !== text) {
      errors.push({ field: `querystring/${field}`, message: 'must be a real date (YYYY-MM-DD)' });
      return null;
    }
    return d.startOf('day');
  };
  const from = day(query.from, 'from');
  const to = day(query.to, 'to');
  if (from && to && to < from) errors.push({ field: 'querystring/to', message: 'must not be before from' });
  if (errors.length > 0) throw new AppError('VALIDATION_FAILED', { errors });
  return { from: from?.toJSDate(), before: to?.plus({ days: 1 }).toJSDate() };
}
