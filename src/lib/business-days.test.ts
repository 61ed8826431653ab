import { describe, expect, it } from 'vitest';
import {
  addBusinessDaysToDate,
  businessDaysLeft,
  businessTerm,
  isBusinessDay,
  mexicanHolidayCalendar,
  mexicanOfficialHolidays,
  WEEKENDS_ONLY,
} from './business-days.ts';
import { addBusinessDays } from './business-hours.ts';
import { mexicoCityTime } from './clock.ts';

const mx = mexicanHolidayCalendar();

describe('Mexican official rest days (LFT art. 74)', () => {
  it('lists the fixed days and the Mondays of 2027', () => {
    expect(mexicanOfficialHolidays(2027)).toEqual([
      '2027-01-01',
      '2027-02-01', // first Monday of February
      '2027-03-15', // third Monday of March
      '2027-05-01',
      '2027-09-16',
      '2027-11-15', // third Monday of November
      '2027-12-25',
    ]);
  });

  it('adds Oct 1 in the years the presidency changes hands, and only then', () => {
    expect(mexicanOfficialHolidays(2024)).toContain('2024-10-01');
    expect(mexicanOfficialHolidays(2030)).toContain('2030-10-01');
    expect(mexicanOfficialHolidays(2026)).not.toContain('2026-10-01');
    expect(mexicanOfficialHolidays(2029)).not.toContain('2029-10-01');
    // Before the 2024 reform the change was on Dec 1.
    expect(mexicanOfficialHolidays(2018)).toContain('2018-12-01');
    expect(mexicanOfficialHolidays(2018)).not.toContain('2018-10-01');
  });

  it('puts the movable Mondays on Mondays in any year', () => {
    for (let year = 2020; year <= 2040; year++) {
      const [, feb, mar, , , nov] = mexicanOfficialHolidays(year);
      for (const day of [feb, mar, nov]) expect(isBusinessDay(day as string, WEEKENDS_ONLY)).toBe(true);
      expect(Number(feb?.slice(8))).toBeLessThanOrEqual(7);
      expect(Number(mar?.slice(8))).toBeGreaterThanOrEqual(15);
      expect(Number(mar?.slice(8))).toBeLessThanOrEqual(21);
    }
  });

  it('takes election days and configured extra days as rest days', () => {
    expect(mexicanHolidayCalendar(['2027-06-07']).isHoliday('2027-06-07')).toBe(true);
    expect(mexicanHolidayCalendar([]).isHoliday('2027-06-07')).toBe(false);
    expect(mx.isHoliday('2027-06-06')).toBe(true);
  });
});

describe('business days', () => {
  it('skips weekends and holidays', () => {
    expect(isBusinessDay('2026-12-25', mx)).toBe(false); // Friday, Christmas
    expect(isBusinessDay('2026-12-26', mx)).toBe(false); // Saturday
    expect(isBusinessDay('2026-12-28', mx)).toBe(true);
    expect(isBusinessDay('2026-12-25', WEEKENDS_ONLY)).toBe(true);
  });

  it('counts over a holiday', () => {
    // Thursday Nov 12 2026 + 3: Fri 13, (Mon 16 is Revolution day), Tue 17, Wed 18.
    expect(addBusinessDaysToDate('2026-11-12', 3, mx)).toBe('2026-11-18');
    expect(addBusinessDaysToDate('2026-11-12', 3, WEEKENDS_ONLY)).toBe('2026-11-17');
  });

  it('counts over a year end (Christmas and New Year)', () => {
    // Mon Dec 21 2026 + 5: 22, 23, 24, (25 holiday, weekend), 28, 29.
    expect(addBusinessDaysToDate('2026-12-21', 5, mx)).toBe('2026-12-29');
    // Wed Dec 30 + 3: 31, (Jan 1 holiday, weekend), Jan 4, Jan 5.
    expect(addBusinessDaysToDate('2026-12-30', 3, mx)).toBe('2027-01-05');
  });

  it('refuses a bad count or date', () => {
    expect(() => addBusinessDaysToDate('2026-12-21', -1, mx)).toThrow(RangeError);
    expect(() => addBusinessDaysToDate('2026-12-21', 0.5, mx)).toThrow(RangeError);
    expect(() => addBusinessDaysToDate('2026-13-01', 1, mx)).toThrow(RangeError);
  });
});

describe('the 20-business-day term (LFPDPPP art. 32)', () => {
  it('runs from the day after receipt to the end of the 20th business day, over the holidays', () => {
    // Tue Jan 26 2027: Feb 1 (Constitution day) is skipped.
    const term = businessTerm(mexicoCityTime('2027-01-26T10:00'), 20, mx);
    expect(term.dueDate).toBe('2027-02-24');
    expect(term.dueAt.toISOString()).toBe(mexicoCityTime('2027-02-25T00:00').toISOString());
    expect(businessTerm(mexicoCityTime('2027-01-26T10:00'), 20, WEEKENDS_ONLY).dueDate).toBe('2027-02-23');
  });

  it('crosses the year end', () => {
    // Thu Dec 17 2026: 18, 21–24, 28–31, Jan 4–8, 11–15, 18 → the 20th is Mon Jan 18.
    expect(businessTerm(mexicoCityTime('2026-12-17T09:00'), 20, mx).dueDate).toBe('2027-01-18');
  });

  it('counts a weekend filing from the next business day, like one on the Friday', () => {
    const saturday = businessTerm(mexicoCityTime('2026-11-28T12:00'), 20, mx).dueDate;
    const sunday = businessTerm(mexicoCityTime('2026-11-29T23:59'), 20, mx).dueDate;
    const friday = businessTerm(mexicoCityTime('2026-11-27T18:00'), 20, mx).dueDate;
    expect(saturday).toBe('2026-12-28'); // Dec 25 skipped
    expect(sunday).toBe(saturday);
    expect(friday).toBe(saturday);
  });

  it('judges the day of receipt in Mexico City, whatever the server zone', () => {
    // 03:00 UTC on Saturday is 21:00 on Friday in Mexico City.
    expect(businessTerm(new Date('2026-11-28T03:00:00Z'), 1, mx).dueDate).toBe('2026-11-30');
    expect(businessTerm(new Date('2026-11-27T15:00:00Z'), 1, mx).dueDate).toBe('2026-11-30');
  });

  it('says the business days left, zero on the due day and negative past it', () => {
    const due = '2026-11-18';
    expect(businessDaysLeft(mexicoCityTime('2026-11-12T10:00'), due, mx)).toBe(3);
    expect(businessDaysLeft(mexicoCityTime('2026-11-18T23:00'), due, mx)).toBe(0);
    expect(businessDaysLeft(mexicoCityTime('2026-11-19T08:00'), due, mx)).toBe(-1);
    expect(businessDaysLeft(mexicoCityTime('2026-11-21T08:00'), due, mx)).toBe(-2); // Saturday: Thu, Fri
    expect(businessDaysLeft(mexicoCityTime('2026-11-19T08:00'), '2026-11-18', mx)).toBeLessThan(0);
  });
});

describe('the complaints clock shares the stepping', () => {
  it('takes a calendar, and keeps weekends-only by default', () => {
    const filed = mexicoCityTime('2026-11-12T10:00');
    expect(addBusinessDays(filed, 3).toISOString()).toBe(mexicoCityTime('2026-11-17T10:00').toISOString());
    expect(addBusinessDays(filed, 3, mx).toISOString()).toBe(
      mexicoCityTime('2026-11-18T10:00').toISOString(),
    );
    // A holiday filing counts from the end of the day before, like a weekend one.
    expect(addBusinessDays(mexicoCityTime('2026-11-16T10:00'), 1, mx).toISOString()).toBe(
      mexicoCityTime('2026-11-18T00:00').toISOString(),
    );
  });
});
