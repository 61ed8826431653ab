import { DateTime } from 'luxon';
import {
  addBusinessDaysToDate,
  type HolidayCalendar,
  isBusinessDay,
  WEEKENDS_ONLY,
} from './business-days.ts';
import { inMexicoCity, MEXICO_CITY } from './clock.ts';

/**
 * Opening hours in Mexico City wall-clock time, by ISO weekday (1 = Monday … 7 = Sunday).
 * Times are minutes after midnight; a missing day is closed.
 */
export type WeeklyHours = Partial<Record<1 | 2 | 3 | 4 | 5 | 6 | 7, { opens: number; closes: number }>>;

const hm = (h: number, m = 0) => h * 60 + m;

/** The national cancellation line: Monday–Friday 08:00–21:00, Saturday 09:00–17:00 (SPEC). */
export const CANCELLATION_LINE_HOURS: WeeklyHours = {
  1: { opens: hm(8), closes: hm(21) },
  2: { opens: hm(8), closes: hm(21) },
  3: { opens: hm(8), closes: hm(21) },
  4: { opens: hm(8), closes: hm(21) },
  5: { opens: hm(8), closes: hm(21) },
  6: { opens: hm(9), closes: hm(17) },
};

function minutesOfDay(dt: DateTime): number {
  return dt.hour * 60 + dt.minute + dt.second / 60;
}

/** Open from `opens` inclusive to `closes` exclusive: 21:00 sharp is already closed. */
export function isOpen(hours: WeeklyHours, instant: Date): boolean {
  const local = inMexicoCity(instant);
  const day = hours[local.weekday as keyof WeeklyHours];
  if (!day) return false;
  const minute = minutesOfDay(local);
  return minute >= day.opens && minute < day.closes;
}

/** The next instant the line opens at or after `instant` (the instant itself when already open). */
export function nextOpening(hours: WeeklyHours, instant: Date): Date {
  if (isOpen(hours, instant)) return instant;
  let local = inMexicoCity(instant);
  for (let i = 0; i < 8; i++) {
    const day = hours[local.weekday as keyof WeeklyHours];
    if (day) {
      const opening = local.startOf('day').plus({ minutes: day.opens });
      if (opening.toMillis() >= instant.getTime()) return opening.toJSDate();
    }
    local = local.plus({ days: 1 }).startOf('day');
  }
  throw new Error('These weekly hours never open');
}

/**
 * `instant` plus `days` business days (Monday–Friday, Mexico City wall clock, less the calendar's
 * holidays): the same time of day on the `days`-th business day after the instant's day, so a
 * Friday 10:00 filing with 5 days is due the next Friday at 10:00. The business clock stands still
 * on rest days: an instant on a weekend (or holiday) counts from the end of the business day before,
 * so it is due at the end of the `days`-th business day (00:00 of the next day). The complaints'
 * clock uses weekends only; ARCO's day-granular term is `businessTerm` (business-days.ts).
 */
export function addBusinessDays(
  instant: Date,
  days: number,
  calendar: HolidayCalendar = WEEKENDS_ONLY,
): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be a whole number ≥ 0: ${days}`);
  const local = inMexicoCity(instant);
  const resting = !isBusinessDay(local.toISODate() as string, calendar);
  const day = DateTime.fromISO(addBusinessDaysToDate(local.toISODate() as string, days, calendar), {
    zone: MEXICO_CITY,
  });
  if (resting) return day.plus({ days: 1 }).startOf('day').toJSDate();
  return day
    .set({ hour: local.hour, minute: local.minute, second: local.second, millisecond: local.millisecond })
    .toJSDate();
}
