import { DateTime } from 'luxon';
import { MEXICO_CITY } from './clock.ts';

/**
 * The billing calendar: which monthly period a membership is in, and which periods fall due between
 * two instants, as pure functions of plain data. No I/O; every calendar question is answered in
 * Mexico City time.
 *
 * - Periods are due on the billing day each month (days 29–31 fall back to the month's last day),
 *   at 00:00 Mexico City; a period runs from its due instant to the next one (exclusive).
 * - Period 1 is the first charged one. It starts when the free months end (`trialEndsAt`), or at
 *   the contracting instant when there are none: the contracting day is charged at once, due at the
 *   contracting instant itself (not 00:00 that day, which would be before any run could see it).
 *   If that instant is not on a due date (never so for memberships contracting creates), the time
 *   up to the next due date is free and period 1 starts there.
 * - Nothing is due at or after cancellation: a period whose due instant is at or after `cancelledAt`
 *   does not exist. The period already paid keeps its end (coverage ends there, per SPEC).
 * - A period's key is the Mexico City year and month of its due date (`2027-01`): one due date per
 *   month, so `(membership id, key)` is unique, and it does not move if the free months change.
 *
 * `duePeriods(m, from, to)` takes half-open intervals `(from, to]`, so runs over consecutive
 * intervals see every period exactly once, whatever the split.
 */

export interface BillingMembership {
  contractedAt: Date;
  /** Day of month (1–31) of the contracting date in Mexico City. */
  billingDay: number;
  /** Exclusive end of the free months; null when there are none. */
  trialEndsAt: Date | null;
  cancelledAt: Date | null;
}

export interface BillingPeriod {
  /** 1 for the first charged period. */
  number: number;
  /** `YYYY-MM` of the due date in Mexico City: with the membership id, the charge's unique key. */
  key: string;
  /** The due date in Mexico City (`YYYY-MM-DD`). */
  dueOn: string;
  /** When the charge falls due; equal to `startsAt`. */
  dueAt: Date;
  startsAt: Date;
  /** Exclusive: the next period's due instant. */
  endsAt: Date;
}

/** A month as a single integer (year × 12 + month − 1), so months can be counted by subtraction. */
type MonthIndex = number;

function monthIndexOf(dt: DateTime): MonthIndex {
  return dt.year * 12 + dt.month - 1;
}

/** The due date of a month: the billing day, or the month's last day when it has fewer days. */
function dueDateIn(billingDay: number, month: MonthIndex): DateTime {
  const year = Math.floor(month / 12);
  const first = DateTime.fromObject({ year, month: (month % 12) + 1, day: 1 }, { zone: MEXICO_CITY });
  return first.set({ day: Math.min(billingDay, first.daysInMonth as number) });
}

/** A membership's calendar, worked out once: the first period and how many periods exist. */
interface Calendar {
  billingDay: number;
  /** The month of period 1's due date. */
  firstMonth: MonthIndex;
  /** Period 1's due instant (and start). */
  firstDueAt: number;
  /** The last period that exists (Infinity while not cancelled; 0 when none). */
  lastNumber: number;
}

function assertInstant(value: Date, name: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new RangeError(`${name} must be a valid Date`);
  }
}

function calendarOf(m: BillingMembership): Calendar {
  if (!Number.isInteger(m.billingDay) || m.billingDay < 1 || m.billingDay > 31) {
    throw new RangeError(`billingDay must be a day of month 1–31, got ${m.billingDay}`);
  }
  assertInstant(m.contractedAt, 'contractedAt');
  if (m.trialEndsAt) assertInstant(m.trialEndsAt, 'trialEndsAt');
  if (m.cancelledAt) assertInstant(m.cancelledAt, 'cancelledAt');

  // Charging starts when the free months end, and never before contracting.
  const anchor = Math.max(m.contractedAt.getTime(), m.trialEndsAt?.getTime() ?? 0);
  const local = DateTime.fromMillis(anchor, { zone: MEXICO_CITY });
  const month = monthIndexOf(local);
  const due = dueDateIn(m.billingDay, month);
  let firstMonth = month;
  let firstDueAt: number;
  if (local.day === due.day) firstDueAt = anchor;
  else if (local.day < due.day) firstDueAt = due.toMillis();
  else {
    firstMonth = month + 1;
    firstDueAt = dueDateIn(m.billingDay, firstMonth).toMillis();
  }
  const calendar: Calendar = {
    billingDay: m.billingDay,
    firstMonth,
    firstDueAt,
    lastNumber: Number.POSITIVE_INFINITY,
  };
  if (m.cancelledAt) calendar.lastNumber = countDueBy(calendar, m.cancelledAt.getTime() - 1);
  return calendar;
}

function dueAtOf(c: Calendar, n: number): number {
  return n === 1 ? c.firstDueAt : dueDateIn(c.billingDay, c.firstMonth + n - 1).toMillis();
}

/** How many periods (ignoring cancellation) are due at or before `t`. */
function countDueBy(c: Calendar, t: number): number {
  if (t < c.firstDueAt) return 0;
  let n = monthIndexOf(DateTime.fromMillis(t, { zone: MEXICO_CITY })) - c.firstMonth + 1;
  if (dueAtOf(c, n) > t) n--;
  return n;
}

function periodOf(c: Calendar, n: number): BillingPeriod {
  const month = c.firstMonth + n - 1;
  const dueOn = dueDateIn(c.billingDay, month);
  const dueAt = new Date(n === 1 ? c.firstDueAt : dueOn.toMillis());
  return {
    number: n,
    key: dueOn.toFormat('yyyy-MM'),
    dueOn: dueOn.toISODate() as string,
    dueAt,
    startsAt: dueAt,
    endsAt: new Date(dueAtOf(c, n + 1)),
  };
}

/** The charged period containing `at`, or null (free months, before contracting, after the last period). */
export function periodAt(m: BillingMembership, at: Date): BillingPeriod | null {
  assertInstant(at, 'at');
  const c = calendarOf(m);
  const n = countDueBy(c, at.getTime());
  if (n < 1 || n > c.lastNumber) return null;
  return periodOf(c, n);
}

/** The periods whose due instant falls in `(from, to]`, in order; empty when `to <= from`. */
export function duePeriods(m: BillingMembership, from: Date, to: Date): BillingPeriod[] {
  assertInstant(from, 'from');
  assertInstant(to, 'to');
  const c = calendarOf(m);
  const first = countDueBy(c, from.getTime()) + 1;
  const last = Math.min(countDueBy(c, to.getTime()), c.lastNumber);
  const periods: BillingPeriod[] = [];
  for (let n = first; n <= last; n++) periods.push(periodOf(c, n));
  return periods;
}

/** The first due instant strictly after `after`, or null when nothing more will fall due. */
export function nextDueAt(m: BillingMembership, after: Date): Date | null {
  assertInstant(after, 'after');
  const c = calendarOf(m);
  const n = countDueBy(c, after.getTime()) + 1;
  return n > c.lastNumber ? null : new Date(dueAtOf(c, n));
}

/** The key a charge for this period is stored under, unique with the membership id. */
export function periodKey(period: Pick<BillingPeriod, 'dueOn'>): string {
  return period.dueOn.slice(0, 7);
}
