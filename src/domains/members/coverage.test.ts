import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mexicoCityTime } from '../../lib/clock.ts';
import { ageOn, coverageOf, membershipYearAt } from './coverage.ts';

const at = mexicoCityTime;
const added = at('2024-01-01T00:00');

describe('coverage', () => {
  it('covers a child the day before the 21st birthday and not on it (Mexico City time)', () => {
    const child = { kind: 'child' as const, birthDate: '2005-11-26', addedAt: added };
    const eve = coverageOf(child, at('2026-11-25T23:59'));
    expect(eve).toMatchObject({ covered: true, coveredUntil: '2026-11-25' });
    const birthday = coverageOf(child, at('2026-11-26T00:00'));
    expect(birthday).toMatchObject({ covered: false, code: 'CHILD_AGED_OUT' });
    expect(birthday.reason.es).toContain('un día antes de cumplir 21');
    // 23:30 on the eve in Mexico City is already the birthday in UTC: still covered.
    expect(coverageOf(child, new Date('2026-11-26T05:30:00Z')).covered).toBe(true);
  });

  it('ends a 29 February child’s cover on 27 February of a common year', () => {
    const leapling = { kind: 'child' as const, birthDate: '2008-02-29', addedAt: added };
    expect(coverageOf(leapling, at('2029-02-27T12:00')).covered).toBe(true);
    expect(coverageOf(leapling, at('2029-02-28T00:00')).covered).toBe(false);
  });

  it('covers titular, spouse and additional cardholders; not the removed or the not yet added', () => {
    const now = at('2026-11-25T12:00');
    for (const kind of ['titular', 'spouse', 'additional_cardholder'] as const) {
      expect(coverageOf({ kind, addedAt: added }, now).covered).toBe(true);
    }
    expect(
      coverageOf({ kind: 'spouse', addedAt: added, removedAt: at('2026-06-01T00:00') }, now),
    ).toMatchObject({
      covered: false,
      code: 'PERSON_REMOVED',
    });
    expect(coverageOf({ kind: 'spouse', addedAt: at('2026-12-01T00:00') }, now).code).toBe(
      'PERSON_NOT_YET_ADDED',
    );
    expect(coverageOf({ kind: 'child', addedAt: added }, now).code).toBe('BIRTH_DATE_MISSING');
  });

  it('computes ages on the Mexico City date', () => {
    expect(ageOn('2005-11-26', at('2026-11-25T23:59'))).toBe(20);
    expect(ageOn('2005-11-26', at('2026-11-26T00:00'))).toBe(21);
  });
});

describe('membership year', () => {
  it('runs from contracting to the anniversary, and resets on it (not on 1 January)', () => {
    const contracted = at('2026-03-15T14:05');
    expect(membershipYearAt(contracted, at('2026-12-31T23:00'))).toMatchObject({
      number: 1,
      resetsOn: '2027-03-15',
    });
    expect(membershipYearAt(contracted, at('2027-01-01T00:00')).number).toBe(1);
    expect(membershipYearAt(contracted, at('2027-03-14T23:59')).number).toBe(1);
    const second = membershipYearAt(contracted, at('2027-03-15T00:00'));
    expect(second).toMatchObject({ number: 2, resetsOn: '2028-03-15' });
    expect(second.startsAt.toISOString()).toBe(at('2027-03-15T00:00').toISOString());
    expect(membershipYearAt(contracted, contracted).startsAt.toISOString()).toBe(contracted.toISOString());
  });

  it('puts a 29 February anniversary on 28 February in common years', () => {
    const contracted = at('2024-02-29T10:00');
    expect(membershipYearAt(contracted, at('2025-02-27T23:00')).number).toBe(1);
    expect(membershipYearAt(contracted, at('2025-02-28T00:00')).number).toBe(2);
    expect(membershipYearAt(contracted, at('2028-02-29T00:00')).number).toBe(5);
  });

  it('property: every instant falls in exactly one year, and years tile time without gaps', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2020-01-01T00:00:00Z'),
          max: new Date('2030-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 0, max: 3650 * 24 * 60 }),
        (contracted, minutesLater) => {
          const instant = new Date(contracted.getTime() + minutesLater * 60_000);
          const year = membershipYearAt(contracted, instant);
          const next = membershipYearAt(contracted, year.endsAt);
          return (
            year.startsAt <= instant &&
            instant < year.endsAt &&
            next.number === year.number + 1 &&
            next.startsAt.getTime() === year.endsAt.getTime()
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});
