import { DateTime } from 'luxon';

/** Every rule that depends on "now" reads it from a Clock, so tests can move time. */
export interface Clock {
  now(): Date;
}

export const MEXICO_CITY = 'America/Mexico_City';

/** A minute in milliseconds, for instants a number of minutes away. */
export const MINUTE_MS = 60_000;

export const systemClock: Clock = { now: () => new Date() };

/** A clock for tests and simulations: starts at an instant and moves only when told. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
    if (Number.isNaN(this.current)) throw new RangeError(`Invalid start instant: ${String(start)}`);
  }
  now(): Date {
    return new Date(this.current);
  }
  set(instant: Date | string): void {
    this.current = new Date(instant).getTime();
  }
  advance(duration: {
    days?: number;
    hours?: number;
    minutes?: number;
    seconds?: number;
    ms?: number;
  }): void {
    const ms =
      (duration.days ?? 0) * 86_400_000 +
      (duration.hours ?? 0) * 3_600_000 +
      (duration.minutes ?? 0) * 60_000 +
      (duration.seconds ?? 0) * 1000 +
      (duration.ms ?? 0);
    this.current += ms;
  }
}

/** The instant seen on a Mexico City wall clock. */
export function inMexicoCity(instant: Date): DateTime {
  return DateTime.fromJSDate(instant, { zone: MEXICO_CITY });
}

/** A Mexico City wall-clock time ("2026-11-25T14:05") as an instant. */
export function mexicoCityTime(local: string): Date {
  const dt = DateTime.fromISO(local, { zone: MEXICO_CITY });
  if (!dt.isValid) throw new RangeError(`Invalid Mexico City time "${local}": ${dt.invalidExplanation}`);
  return dt.toJSDate();
}

/** The calendar date (YYYY-MM-DD) of an instant in Mexico City. */
export function mexicoCityDate(instant: Date): string {
  return inMexicoCity(instant).toISODate() as string;
}

/** `25 nov 2026, 14:05` in Mexico City time (UI.md's format). */
export function formatDateTime(instant: Date, locale: 'es-MX' | 'en' = 'es-MX'): string {
  const dt = inMexicoCity(instant).setLocale(locale === 'es-MX' ? 'es-MX' : 'en-US');
  const month = dt.toFormat('LLL').replace('.', '').toLowerCase();
  return `${dt.toFormat('d')} ${month} ${dt.toFormat('yyyy, HH:mm')}`;
}
