import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  type BillingMembership,
  type BillingPeriod,
  duePeriods,
  nextDueAt,
  periodAt,
  periodKey,
} from './billing-calendar.ts';
import { inMexicoCity, MEXICO_CITY, mexicoCityTime } from './clock.ts';

/** A membership as contracting creates it: online gets two free months ending 00:00 Mexico City. */
function contract(
  local: string,
  channel: 'online' | 'phone',
  cancelledAt: Date | null = null,
): BillingMembership {
  const contractedAt = mexicoCityTime(local);
  const contracted = inMexicoCity(contractedAt);
  return {
    contractedAt,
    billingDay: contracted.day,
    trialEndsAt: channel === 'online' ? contracted.startOf('day').plus({ months: 2 }).toJSDate() : null,
    cancelledAt,
  };
}

const EVER = new Date('1970-01-01T00:00:00Z');
const dueDates = (periods: BillingPeriod[]) => periods.map((p) => p.dueOn);
/** The periods due in the first `n` years after contracting (the anniversary itself excluded). */
const years = (m: BillingMembership, n: number) =>
  duePeriods(
    m,
    EVER,
    new Date(inMexicoCity(m.contractedAt).startOf('day').plus({ years: n }).toMillis() - 1),
  );

describe('billing calendar: due dates', () => {
  it('31 January → 28 February → 31 March → 30 April, anchored to the billing day, not chained', () => {
    const m = contract('2027-01-31T10:00', 'phone');
    expect(dueDates(years(m, 1)).slice(0, 5)).toEqual([
      '2027-01-31',
      '2027-02-28',
      '2027-03-31',
      '2027-04-30',
      '2027-05-31',
    ]);
  });

  it('29 February in a leap year (2028), 28 in the others', () => {
    const m = contract('2027-01-31T10:00', 'phone');
    const februaries = years(m, 6)
      .map((p) => p.dueOn)
      .filter((d) => d.slice(5, 7) === '02');
    expect(februaries).toEqual([
      '2027-02-28',
      '2028-02-29',
      '2029-02-28',
      '2030-02-28',
      '2031-02-28',
      '2032-02-29',
    ]);
  });

  it('a 29 February contract is due on the 29th in leap years and the 28th otherwise', () => {
    const m = contract('2028-02-29T09:00', 'phone');
    const februaries = dueDates(years(m, 5)).filter((d) => d.slice(5, 7) === '02');
    expect(februaries).toEqual(['2028-02-29', '2029-02-28', '2030-02-28', '2031-02-28', '2032-02-29']);
    expect(dueDates(years(m, 1)).slice(0, 3)).toEqual(['2028-02-29', '2028-03-29', '2028-04-29']);
  });

  it('a contract on the 30th of a 30-day month: the 30th, then 28 February, then the 30th again', () => {
    const m = contract('2026-11-30T12:00', 'phone');
    expect(dueDates(years(m, 1)).slice(0, 6)).toEqual([
      '2026-11-30',
      '2026-12-30',
      '2027-01-30',
      '2027-02-28',
      '2027-03-30',
      '2027-04-30',
    ]);
  });

  it('without free months the contracting day is charged at once, due at the contracting instant', () => {
    const m = contract('2026-11-25T14:05', 'phone');
    const first = periodAt(m, m.contractedAt);
    expect(first).toMatchObject({ number: 1, key: '2026-11', dueOn: '2026-11-25' });
    expect(first?.dueAt).toEqual(m.contractedAt);
    expect(first?.endsAt).toEqual(mexicoCityTime('2026-12-25T00:00'));
    // A run that last looked at 00:05 that day still finds it on its next run.
    expect(
      duePeriods(m, mexicoCityTime('2026-11-25T00:05'), mexicoCityTime('2026-11-26T00:05')),
    ).toHaveLength(1);
    expect(periodAt(m, new Date(m.contractedAt.getTime() - 1))).toBeNull();
    expect(nextDueAt(m, m.contractedAt)).toEqual(mexicoCityTime('2026-12-25T00:00'));
  });

  it('skips the free months: online on 2026-11-25 with trial to 2027-01-25 is first due 2027-01-25', () => {
    const m = contract('2026-11-25T14:05', 'online');
    expect(m.trialEndsAt).toEqual(mexicoCityTime('2027-01-25T00:00'));
    expect(nextDueAt(m, m.contractedAt)).toEqual(mexicoCityTime('2027-01-25T00:00'));
    expect(periodAt(m, mexicoCityTime('2026-12-31T12:00'))).toBeNull();
    expect(periodAt(m, mexicoCityTime('2027-01-24T23:59'))).toBeNull();
    expect(periodAt(m, mexicoCityTime('2027-01-25T00:00'))).toMatchObject({
      number: 1,
      key: '2027-01',
      dueOn: '2027-01-25',
    });
    expect(duePeriods(m, m.contractedAt, mexicoCityTime('2027-03-01T00:00')).map((p) => p.key)).toEqual([
      '2027-01',
      '2027-02',
    ]);
  });

  it('free months that end on a clamped day: online on 31 December 2027 is first due 29 February 2028', () => {
    const m = contract('2027-12-31T10:00', 'online');
    expect(dueDates(years(m, 1)).slice(0, 3)).toEqual(['2028-02-29', '2028-03-31', '2028-04-30']);
  });

  it('free time up to the next due date when the free months end off the billing day', () => {
    const m: BillingMembership = {
      contractedAt: mexicoCityTime('2026-11-25T14:05'),
      billingDay: 25,
      trialEndsAt: mexicoCityTime('2027-01-28T00:00'),
      cancelledAt: null,
    };
    expect(periodAt(m, mexicoCityTime('2027-02-10T00:00'))).toBeNull();
    expect(nextDueAt(m, m.contractedAt)).toEqual(mexicoCityTime('2027-02-25T00:00'));
  });
});

describe('billing calendar: cancellation', () => {
  it('stops further periods; the period already due keeps its end', () => {
    const m = contract('2026-11-25T14:05', 'phone', mexicoCityTime('2027-01-10T09:00'));
    expect(dueDates(years(m, 2))).toEqual(['2026-11-25', '2026-12-25']);
    expect(periodAt(m, mexicoCityTime('2027-01-20T00:00'))).toMatchObject({
      key: '2026-12',
      endsAt: mexicoCityTime('2027-01-25T00:00'),
    });
    expect(periodAt(m, mexicoCityTime('2027-01-25T00:00'))).toBeNull();
    expect(nextDueAt(m, mexicoCityTime('2027-01-01T00:00'))).toBeNull();
  });

  it('nothing is due at the instant of cancellation', () => {
    const m = contract('2026-11-25T14:05', 'phone', mexicoCityTime('2026-12-25T00:00'));
    expect(dueDates(years(m, 1))).toEqual(['2026-11-25']);
  });

  it('cancelled during the free months: nothing is ever due', () => {
    const m = contract('2026-11-25T14:05', 'online', mexicoCityTime('2027-01-24T23:59'));
    expect(years(m, 3)).toEqual([]);
    expect(nextDueAt(m, m.contractedAt)).toBeNull();
  });
});

describe('billing calendar: Mexico City midnight, not UTC', () => {
  const m = contract('2026-09-30T12:00', 'phone');

  it('2026-12-01T05:59Z is still 30 November in Mexico City', () => {
    expect(periodAt(m, new Date('2026-11-30T05:59:59.999Z'))).toMatchObject({ key: '2026-10' });
    expect(periodAt(m, new Date('2026-11-30T06:00:00Z'))).toMatchObject({
      key: '2026-11',
      dueOn: '2026-11-30',
    });
    expect(periodAt(m, new Date('2026-12-01T05:59:00Z'))).toMatchObject({ key: '2026-11' });
  });

  it('a run at 05:59Z on 1 December does not see a 1st-of-the-month due date; at 06:00Z it does', () => {
    const first = contract('2026-10-01T12:00', 'phone');
    const lastRun = new Date('2026-11-30T12:00:00Z');
    expect(duePeriods(first, lastRun, new Date('2026-12-01T05:59:00Z'))).toEqual([]);
    expect(duePeriods(first, lastRun, new Date('2026-12-01T06:00:00Z')).map((p) => p.key)).toEqual([
      '2026-12',
    ]);
    expect(periodAt(first, new Date('2026-12-01T05:59:00Z'))).toMatchObject({ key: '2026-11' });
  });

  it('due instants are 00:00 Mexico City (06:00Z since DST ended in 2022)', () => {
    expect(years(m, 1).map((p) => p.dueAt.toISOString().slice(11))).toEqual([
      '18:00:00.000Z',
      ...Array(11).fill('06:00:00.000Z'),
    ]);
  });
});

describe('billing calendar: inputs', () => {
  it('rejects a billing day outside 1–31 and invalid instants', () => {
    const m = contract('2026-11-25T14:05', 'phone');
    expect(() => periodAt({ ...m, billingDay: 0 }, m.contractedAt)).toThrow(RangeError);
    expect(() => periodAt({ ...m, billingDay: 32 }, m.contractedAt)).toThrow(RangeError);
    expect(() => periodAt(m, new Date(Number.NaN))).toThrow(RangeError);
  });

  it('an empty or reversed interval has nothing due', () => {
    const m = contract('2026-11-25T14:05', 'phone');
    const t = mexicoCityTime('2027-03-01T00:00');
    expect(duePeriods(m, t, t)).toEqual([]);
    expect(duePeriods(m, t, m.contractedAt)).toEqual([]);
  });
});

// ---- properties -------------------------------------------------------------------------------

const MIN = Date.parse('2022-11-01T00:00:00Z');
const MAX = Date.parse('2034-12-31T00:00:00Z');
const DAY = 86_400_000;

const instantArb = fc.integer({ min: MIN, max: MAX }).map((ms) => new Date(ms));

/** Memberships as contracting creates them, plus odd ones (any billing day) the rules must survive. */
const membershipArb: fc.Arbitrary<BillingMembership> = fc
  .record({
    contracted: fc.integer({ min: MIN, max: Date.parse('2030-01-01T00:00:00Z') }),
    online: fc.boolean(),
    billingDay: fc.option(fc.integer({ min: 1, max: 31 }), { freq: 3 }),
    trialEndOffsetDays: fc.option(fc.integer({ min: 0, max: 120 }), { freq: 3 }),
    cancelAfterMs: fc.option(fc.integer({ min: 0, max: 4 * 365 * DAY }), { freq: 2 }),
  })
  .map(({ contracted, online, billingDay, trialEndOffsetDays, cancelAfterMs }) => {
    const contractedAt = new Date(contracted);
    const local = inMexicoCity(contractedAt);
    let trialEndsAt: Date | null = online ? local.startOf('day').plus({ months: 2 }).toJSDate() : null;
    if (trialEndOffsetDays !== null) trialEndsAt = new Date(contracted + trialEndOffsetDays * DAY);
    return {
      contractedAt,
      billingDay: billingDay ?? local.day,
      trialEndsAt,
      cancelledAt: cancelAfterMs === null ? null : new Date(contracted + cancelAfterMs),
    };
  });

const horizon = (m: BillingMembership) => new Date(m.contractedAt.getTime() + 5 * 365 * DAY);

describe('billing calendar: properties', () => {
  it('consecutive periods tile time without gaps or overlaps, and periodAt agrees with them', () => {
    fc.assert(
      fc.property(membershipArb, instantArb, (m, t) => {
        const periods = duePeriods(m, EVER, horizon(m));
        periods.forEach((p, i) => {
          expect(p.number).toBe(i + 1);
          expect(p.startsAt.getTime()).toBe(p.dueAt.getTime());
          expect(p.startsAt.getTime()).toBeLessThan(p.endsAt.getTime());
          if (i > 0) expect(p.startsAt.getTime()).toBe(periods[i - 1]?.endsAt.getTime());
        });
        if (t >= horizon(m)) return;
        const containing = periods.find((p) => p.startsAt <= t && t < p.endsAt) ?? null;
        expect(periodAt(m, t)).toEqual(containing);
      }),
      { numRuns: 300 },
    );
  });

  it('every due date falls on min(billingDay, last day of month), one a month, after the free months and before cancellation', () => {
    fc.assert(
      fc.property(membershipArb, (m) => {
        const periods = duePeriods(m, EVER, horizon(m));
        let previous: DateTime | null = null;
        for (const p of periods) {
          const local = inMexicoCity(p.dueAt);
          const due = DateTime.fromISO(p.dueOn, { zone: MEXICO_CITY });
          expect(due.day).toBe(Math.min(m.billingDay, due.daysInMonth as number));
          expect(local.toISODate()).toBe(p.dueOn);
          if (p.number > 1) expect(local.toMillis()).toBe(due.toMillis());
          expect(p.key).toBe(periodKey(p));
          expect(p.key).toBe(p.dueOn.slice(0, 7));
          if (previous)
            expect(due.startOf('month').toMillis()).toBe(
              previous.startOf('month').plus({ months: 1 }).toMillis(),
            );
          previous = due;
          expect(p.dueAt.getTime()).toBeGreaterThanOrEqual(m.contractedAt.getTime());
          if (m.trialEndsAt) expect(p.dueAt.getTime()).toBeGreaterThanOrEqual(m.trialEndsAt.getTime());
          if (m.cancelledAt) expect(p.dueAt.getTime()).toBeLessThan(m.cancelledAt.getTime());
        }
        // Keys are unique per membership: the charges table can rely on them.
        expect(new Set(periods.map((p) => p.key)).size).toBe(periods.length);
      }),
      { numRuns: 300 },
    );
  });

  it('duePeriods over any split of an interval equals duePeriods over the whole interval', () => {
    // Cuts are random instants or land on (or 1 ms either side of) a due instant: the boundaries
    // where a period would be lost or doubled.
    const cutArb = fc.oneof(
      fc.integer({ min: MIN, max: MAX }).map((ms) => ({ ms })),
      fc.record({ period: fc.nat(70), offset: fc.constantFrom(-1, 0, 1) }),
    );
    fc.assert(
      fc.property(membershipArb, fc.array(cutArb, { minLength: 2, maxLength: 12 }), (m, points) => {
        const all = duePeriods(m, EVER, new Date(MAX + 5 * 365 * DAY));
        const cuts = points
          .map((c) => {
            if ('ms' in c) return c.ms;
            const due = all[c.period % Math.max(1, all.length)]?.dueAt.getTime() ?? m.contractedAt.getTime();
            return due + c.offset;
          })
          .sort((a, b) => a - b)
          .map((ms) => new Date(ms));
        const from = cuts[0] as Date;
        const to = cuts[cuts.length - 1] as Date;
        const whole = duePeriods(m, from, to);
        const pieces = cuts.slice(1).flatMap((end, i) => duePeriods(m, cuts[i] as Date, end));
        expect(pieces).toEqual(whole);
        // Every period due in the interval is found, and none outside it.
        expect(whole).toEqual(all.filter((p) => p.dueAt > from && p.dueAt <= to));
      }),
      { numRuns: 300 },
    );
  });

  it('nextDueAt is the first due instant strictly after the instant', () => {
    fc.assert(
      fc.property(membershipArb, instantArb, (m, after) => {
        const next = duePeriods(m, after, new Date(MAX + 5 * 365 * DAY))[0]?.dueAt ?? null;
        expect(nextDueAt(m, after)).toEqual(next);
      }),
      { numRuns: 300 },
    );
  });
});
