import { DateTime } from 'luxon';
import { MEXICO_CITY } from '../../lib/clock.ts';
import { AppError, type FieldError } from '../../lib/errors.ts';

/** What finance filters charges by; every field narrows, none given is every charge. */
export interface ChargeFilter {
  status?: string | undefined;
  membershipId?: string | undefined;
  /** `LM-26-000123`: resolved to the membership by the service; unknown matches nothing. */
  membershipNumber?: string | undefined;
  periodKey?: string | undefined;
  /** The charge's day in Mexico City: from the start of `from` to the end of `to` (inclusive). */
  createdFrom?: Date | undefined;
  /** Exclusive: the start of the day after `to`. */
  createdBefore?: Date | undefined;
}

export interface ChargeFilterQuery {
  status?: string | undefined;
  membershipId?: string | undefined;
  membershipNumber?: string | undefined;
  period?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** A Mexico City calendar day, or null when the text names no real day (`2026-02-30`). */
function dayStart(text: string): DateTime | null {
  const day = DateTime.fromISO(text, { zone: MEXICO_CITY });
  return day.isValid ? day.startOf('day') : null;
}

/**
 * The query's filter. The schema has checked the shapes; a day that does not exist or a range
 * that ends before it starts is refused here (400 `VALIDATION_FAILED`), never read as nothing.
 */
export function chargeFilterOf(query: ChargeFilterQuery): ChargeFilter {
  const errors: FieldError[] = [];
  const from = query.from ? dayStart(query.from) : null;
  const to = query.to ? dayStart(query.to) : null;
  if (query.from && !from)
    errors.push({ field: 'querystring/from', message: 'must be a real date (YYYY-MM-DD)' });
  if (query.to && !to) errors.push({ field: 'querystring/to', message: 'must be a real date (YYYY-MM-DD)' });
  if (from && to && to < from) errors.push({ field: 'querystring/to', message: 'must not be before from' });
  if (errors.length > 0) throw new AppError('VALIDATION_FAILED', { errors });
  return {
    status: query.status,
    membershipId: query.membershipId,
    membershipNumber: query.membershipNumber?.toUpperCase(),
    periodKey: query.period,
    createdFrom: from?.toJSDate(),
    createdBefore: to?.plus({ days: 1 }).toJSDate(),
  };
}

/** The filter as the audit entry keeps it (dates as the days asked). */
export function auditedFilter(query: ChargeFilterQuery): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => typeof v === 'string')) as Record<
    string,
    string
  >;
}
