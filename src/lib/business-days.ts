import { DateTime } from 'luxon';
import { MEXICO_CITY, mexicoCityDate } from './clock.ts';

/**
 * Business days in Mexico City: Monday–Friday that are not official rest days. Dates are plain
 * `YYYY-MM-DD` calendar days in Mexico City, so a deadline never shifts with the server's zone.
 */

/** Which calendar days are rest days besides weekends. */
export interface HolidayCalendar {
  isHoliday(date: string): boolean;
}

/** Weekends only (the complaints' clock, which does not take holidays out). */
export const WEEKENDS_ONLY: HolidayCalendar = { isHoliday: () => false };

/**
 * Election days the electoral laws set as rest days (Ley Federal del Trabajo art. 74 IX), known
 * ahead. Federal ordinary elections fall on the first Sunday of June, already a rest day; a
 * weekday election (a local one, or a changed law) is added here or through configuration.
 */
export const ELECTION_DAYS: readonly string[] = ['2027-06-06', '2030-06-02'];

function nthWeekdayOfMonth(year: number, month: number, weekday: number, nth: number): string {
  const first = DateTime.fromObject({ year, month, day: 1 }, { zone: MEXICO_CITY });
  const offset = (weekday - first.weekday + 7) % 7;
  return first.plus({ days: offset + (nth - 1) * 7 }).toISODate() as string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const fixed = (year: number, month: number, day: number) => `${year}-${pad(month)}-${pad(day)}`;

/**
 * The mandatory rest days of a year (Ley Federal del Trabajo art. 74): Jan 1; first Monday of
 * February; third Monday of March; May 1; Sep 16; third Monday of November; Dec 25; and the day
 * the federal executive changes hands every six years — Oct 1 since 2024 (Dec 1 up to 2018).
 */
export function mexicanOfficialHolidays(year: number): string[] {
  const days = [
    fixed(year, 1, 1),
    nthWeekdayOfMonth(year, 2, 1, 1),
    nthWeekdayOfMonth(year, 3, 1, 3),
    fixed(year, 5, 1),
    fixed(year, 9, 16),
    nthWeekdayOfMonth(year, 11, 1, 3),
    fixed(year, 12, 25),
  ];
  if (year >= 2024 && (year - 2024) % 6 === 0) days.push(fixed(year, 10, 1));
  if (year < 2024 && (2018 - year) % 6 === 0) days.push(fixed(year, 12, 1));
  return days.sort();
}

/** Mexico's official rest days plus the `extra` days given (election days, by default the known ones). */
export function mexicanHolidayCalendar(extra: readonly string[] = ELECTION_DAYS): HolidayCalendar {
  const byYear = new Map<number, Set<string>>();
  const extras = new Set(extra);
  return {
    isHoliday(date: string): boolean {
      if (extras.has(date)) return true;
      const year = Number(date.slice(0, 4));
      let days = byYear.get(year);
      if (!days) {
        days = new Set(mexicanOfficialHolidays(year));
        byYear.set(year, days);
      }
      return days.has(date);
    },
  };
}

function dayOf(date: string): DateTime {
  const day = DateTime.fromISO(date, { zone: MEXICO_CITY });
  if (!day.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`not a calendar date: ${date}`);
  return day;
}

/** Monday–Friday and not a holiday of the calendar. */
export function isBusinessDay(date: string, calendar: HolidayCalendar): boolean {
  return dayOf(date).weekday <= 5 && !calendar.isHoliday(date);
}

/** The `days`-th business day after `date` (the day itself is not counted, whatever it is). */
export function addBusinessDaysToDate(date: string, days: number, calendar: HolidayCalendar): string {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be a whole number ≥ 0: ${days}`);
  let day = dayOf(date);
  for (let left = days; left > 0; ) {
    day = day.plus({ days: 1 });
    if (isBusinessDay(day.toISODate() as string, calendar)) left--;
  }
  return day.toISODate() as string;
}

/**
 * The term of `days` business days for something received at `receivedAt`: counting starts the
 * day after it was received (a request on a Saturday or a holiday counts from the next business
 * day, like one received the last business day before), and it ends with the whole last day.
 * `dueDate` is that day; `dueAt` the first instant after it (00:00 of the next day, Mexico City).
 */
export function businessTerm(
  receivedAt: Date,
  days: number,
  calendar: HolidayCalendar,
): { dueDate: string; dueAt: Date } {
  const dueDate = addBusinessDaysToDate(mexicoCityDate(receivedAt), days, calendar);
  const dueAt = dayOf(dueDate).plus({ days: 1 }).startOf('day').toJSDate();
  return { dueDate, dueAt };
}

/**
 * Business days left until `dueDate` as of `now`: 0 on the due day itself (it may still be answered
 * that day), negative once past it (business days overdue, counting today).
 */
export function businessDaysLeft(now: Date, dueDate: string, calendar: HolidayCalendar): number {
  const today = mexicoCityDate(now);
  if (today === dueDate) return 0;
  const [from, to, sign] = today < dueDate ? [today, dueDate, 1] : [dueDate, today, -1];
  let count = 0;
  for (
    let day = dayOf(from).plus({ days: 1 });
    (day.toISODate() as string) <= to;
    day = day.plus({ days: 1 })
  )
    if (isBusinessDay(day.toISODate() as string, calendar)) count++;
  // Past the due date, today counts as overdue even when it is a weekend or holiday.
  return sign * Math.max(count, sign < 0 ? 1 : count);
}
