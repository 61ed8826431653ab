import { describe, expect, it } from 'vitest';
import { addBusinessDays, CANCELLATION_LINE_HOURS, isOpen, nextOpening } from './business-hours.ts';
import { mexicoCityTime } from './clock.ts';

const open = (local: string) => isOpen(CANCELLATION_LINE_HOURS, mexicoCityTime(local));

describe('cancellation line hours (Mexico City)', () => {
  it('is open Monday–Friday 08:00–21:00', () => {
    expect(open('2026-11-23T07:59')).toBe(false); // Monday
    expect(open('2026-11-23T08:00')).toBe(true);
    expect(open('2026-11-27T20:59')).toBe(true); // Friday
    expect(open('2026-11-27T21:00')).toBe(false);
  });

  it('is open Saturday 09:00–17:00 and closed on Sunday', () => {
    expect(open('2026-11-28T08:59')).toBe(false);
    expect(open('2026-11-28T09:00')).toBe(true);
    expect(open('2026-11-28T16:59')).toBe(true);
    expect(open('2026-11-28T17:00')).toBe(false);
    expect(open('2026-11-29T12:00')).toBe(false);
  });

  it('judges by Mexico City time, whatever the server zone', () => {
    // 02:30 UTC on Tuesday is 20:30 on Monday in Mexico City: open.
    expect(isOpen(CANCELLATION_LINE_HOURS, new Date('2026-11-24T02:30:00Z'))).toBe(true);
  });

  it('says when it opens next', () => {
    const next = (local: string) => nextOpening(CANCELLATION_LINE_HOURS, mexicoCityTime(local)).toISOString();
    expect(next('2026-11-28T18:00')).toBe(mexicoCityTime('2026-11-30T08:00').toISOString()); // Sat evening → Mon
    expect(next('2026-11-27T21:00')).toBe(mexicoCityTime('2026-11-28T09:00').toISOString()); // Fri close → Sat
    expect(next('2026-11-25T06:00')).toBe(mexicoCityTime('2026-11-25T08:00').toISOString());
    expect(next('2026-11-25T10:00')).toBe(mexicoCityTime('2026-11-25T10:00').toISOString());
  });
});

describe('business days (Monday–Friday, Mexico City)', () => {
  const due = (local: string, days: number) => addBusinessDays(mexicoCityTime(local), days).toISOString();
  const at = (local: string) => mexicoCityTime(local).toISOString();

  it('keeps the time of day and skips weekends', () => {
    expect(due('2026-11-25T14:05', 5)).toBe(at('2026-12-02T14:05')); // Wednesday → Wednesday
    expect(due('2026-11-27T10:00', 5)).toBe(at('2026-12-04T10:00')); // Friday → next Friday
    expect(due('2026-11-27T10:00', 1)).toBe(at('2026-11-30T10:00')); // Friday → Monday
    expect(due('2026-11-23T09:00', 4)).toBe(at('2026-11-27T09:00')); // Monday → Friday
    expect(due('2026-11-25T14:05', 10)).toBe(at('2026-12-09T14:05'));
  });

  it('counts a weekend filing from the end of Friday', () => {
    expect(due('2026-11-28T10:00', 5)).toBe(at('2026-12-05T00:00')); // Saturday → end of next Friday
    expect(due('2026-11-29T23:00', 5)).toBe(at('2026-12-05T00:00')); // Sunday → the same
    expect(due('2026-11-28T10:00', 1)).toBe(at('2026-12-01T00:00')); // Saturday → end of Monday
  });

  it('judges the day in Mexico City, whatever the server zone', () => {
    // 02:30 UTC on Saturday is 20:30 on Friday in Mexico City: a Friday filing.
    expect(addBusinessDays(new Date('2026-11-28T02:30:00Z'), 1).toISOString()).toBe(
      '2026-12-01T02:30:00.000Z',
    );
  });

  it('refuses a negative or fractional count', () => {
    expect(() => addBusinessDays(new Date(), -1)).toThrow(RangeError);
    expect(() => addBusinessDays(new Date(), 1.5)).toThrow(RangeError);
  });
});
