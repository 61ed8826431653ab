import { DateTime } from 'luxon';
import { MEXICO_CITY } from '../../lib/clock.ts';
import { formatLongDate } from '../../lib/words.ts';

/**
 * Who is covered, and the membership year, as pure functions of plain data and an instant. Both
 * are read on every call to the 24/7 line, so they do no I/O; all calendar questions are answered
 * in Mexico City time.
 */

export type PersonKind = 'titular' | 'spouse' | 'child' | 'additional_cardholder';

export interface CoveredPerson {
  kind: PersonKind;
  /** ISO date; required for children. */
  birthDate?: string | null;
  addedAt: Date;
  removedAt?: Date | null;
}

export type CoverageCode =
  | 'COVERED'
  | 'CHILD_AGED_OUT'
  | 'PERSON_REMOVED'
  | 'PERSON_NOT_YET_ADDED'
  | 'BIRTH_DATE_MISSING';

export interface Coverage {
  covered: boolean;
  code: CoverageCode;
  reason: { es: string; en: string };
  /** For children: the last day covered (the day before the 21st birthday). */
  coveredUntil?: string;
}

/** Children are covered until the day before their 21st birthday (SPEC: the stricter reading). */
export const CHILD_AGE_LIMIT = 21;

const KIND_WORDS: Record<PersonKind, { es: string; en: string }> = {
  titular: { es: 'el titular', en: 'the cardholder' },
  spouse: { es: 'el cónyuge', en: 'the spouse' },
  child: { es: 'el hijo o hija', en: 'the child' },
  additional_cardholder: { es: 'el tarjetahabiente adicional', en: 'the additional cardholder' },
};

function localDate(iso: string): DateTime {
  return DateTime.fromISO(iso, { zone: MEXICO_CITY }).startOf('day');
}

/**
 * The first day a child is no longer covered: the 21st birthday. Someone born on 29 February
 * turns 21 on 28 February in a common year (Luxon clamps the date), the stricter choice.
 */
export function childCoverageEnds(birthDate: string): DateTime {
  return localDate(birthDate).plus({ years: CHILD_AGE_LIMIT });
}

export function coverageOf(person: CoveredPerson, at: Date): Coverage {
  const who = KIND_WORDS[person.kind];
  if (person.addedAt.getTime() > at.getTime()) {
    return {
      covered: false,
      code: 'PERSON_NOT_YET_ADDED',
      reason: { es: `Aún no estaba registrado ${who.es}.`, en: `${who.en} was not registered yet.` },
    };
  }
  if (person.removedAt && person.removedAt.getTime() <= at.getTime()) {
    return {
      covered: false,
      code: 'PERSON_REMOVED',
      reason: {
        es: `Se dio de baja a ${who.es} de la membresía.`,
        en: `${who.en.charAt(0).toUpperCase()}${who.en.slice(1)} was removed from the membership.`,
      },
    };
  }
  if (person.kind === 'child') {
    if (!person.birthDate) {
      return {
        covered: false,
        code: 'BIRTH_DATE_MISSING',
        reason: {
          es: 'Falta la fecha de nacimiento del hijo o hija.',
          en: "The child's birth date is missing.",
        },
      };
    }
    const ends = childCoverageEnds(person.birthDate);
    const lastDay = ends.minus({ days: 1 }).toISODate() as string;
    if (at.getTime() >= ends.toMillis()) {
      return {
        covered: false,
        code: 'CHILD_AGED_OUT',
        reason: {
          es: `Los hijos están cubiertos hasta un día antes de cumplir ${CHILD_AGE_LIMIT} años; la cobertura terminó el ${formatLongDate(lastDay, 'es')}.`,
          en: `Children are covered until the day before they turn ${CHILD_AGE_LIMIT}; cover ended on ${formatLongDate(lastDay, 'en')}.`,
        },
        coveredUntil: lastDay,
      };
    }
    return {
      covered: true,
      code: 'COVERED',
      reason: {
        es: `Hijo o hija cubierto hasta el ${formatLongDate(lastDay, 'es')}, un día antes de cumplir ${CHILD_AGE_LIMIT} años.`,
        en: `Child covered until ${formatLongDate(lastDay, 'en')}, the day before turning ${CHILD_AGE_LIMIT}.`,
      },
      coveredUntil: lastDay,
    };
  }
  return {
    covered: true,
    code: 'COVERED',
    reason: {
      es: `Cubierto como ${who.es.replace(/^el /, '')}.`,
      en: `Covered as ${who.en.replace(/^the /, '')}.`,
    },
  };
}

/** Age in whole years on an instant's Mexico City date. */
export function ageOn(birthDate: string, at: Date): number {
  const today = DateTime.fromJSDate(at, { zone: MEXICO_CITY }).startOf('day');
  return Math.floor(today.diff(localDate(birthDate), 'years').years);
}

export interface MembershipYear {
  /** 1 for the first year. */
  number: number;
  startsAt: Date;
  /** Exclusive: the next anniversary, when limits reset. */
  endsAt: Date;
  /** The anniversary date that starts the next year (Mexico City). */
  resetsOn: string;
}

/**
 * The membership year containing `at`. The first year runs from the contracting instant; each
 * later one from the anniversary date at 00:00 Mexico City. A membership contracted on 29 February
 * has its anniversary on 28 February in common years.
 */
/** Years by contracting instant: valid for every `at` inside them, so most calls hit the cache. */
const yearCache = new Map<number, MembershipYear>();
const YEAR_CACHE_LIMIT = 100_000;

export function membershipYearAt(contractedAt: Date, at: Date): MembershipYear {
  const cached = yearCache.get(contractedAt.getTime());
  if (cached && cached.startsAt.getTime() <= at.getTime() && at.getTime() < cached.endsAt.getTime())
    return cached;
  const year = computeMembershipYear(contractedAt, at);
  if (yearCache.size >= YEAR_CACHE_LIMIT) yearCache.clear();
  yearCache.set(contractedAt.getTime(), year);
  return year;
}

function computeMembershipYear(contractedAt: Date, at: Date): MembershipYear {
  const contracted = DateTime.fromJSDate(contractedAt, { zone: MEXICO_CITY });
  const day = contracted.startOf('day');
  const now = DateTime.fromJSDate(at, { zone: MEXICO_CITY });
  // Asked on every eligibility check: count whole years from the calendar, then settle the one
  // boundary case against the real (clamped) anniversary, instead of a costly diff().
  let years = Math.max(0, now.year - contracted.year);
  let start = day.plus({ years });
  if (years > 0 && start > now) {
    years--;
    start = day.plus({ years });
  }
  const end = day.plus({ years: years + 1 });
  return {
    number: years + 1,
    startsAt: (years === 0 ? contracted : start).toJSDate(),
    endsAt: end.toJSDate(),
    resetsOn: end.toISODate() as string,
  };
}
