import { describe, expect, it } from 'vitest';
import { formatDateTime, ManualClock, mexicoCityDate, mexicoCityTime } from './clock.ts';

describe('clock', () => {
  it('a manual clock moves only when told', () => {
    const clock = new ManualClock('2026-11-25T20:05:00Z');
    expect(clock.now().toISOString()).toBe('2026-11-25T20:05:00.000Z');
    clock.advance({ days: 1, minutes: 30 });
    expect(clock.now().toISOString()).toBe('2026-11-26T20:35:00.000Z');
  });

  it('reads Mexico City wall-clock time (UTC−6, no daylight saving since 2022)', () => {
    expect(mexicoCityTime('2026-11-25T14:05').toISOString()).toBe('2026-11-25T20:05:00.000Z');
    expect(mexicoCityTime('2026-07-01T00:00').toISOString()).toBe('2026-07-01T06:00:00.000Z');
  });

  it('takes the calendar date in Mexico City, not UTC', () => {
    expect(mexicoCityDate(new Date('2026-11-26T03:00:00Z'))).toBe('2026-11-25');
  });

  it('formats dates as the UI guide says', () => {
    expect(formatDateTime(mexicoCityTime('2026-11-25T14:05'))).toBe('25 nov 2026, 14:05');
    expect(formatDateTime(mexicoCityTime('2026-09-05T09:05'), 'en')).toBe('5 sep 2026, 09:05');
  });

  it('refuses invalid times', () => {
    expect(() => mexicoCityTime('2026-13-01T00:00')).toThrow(RangeError);
    expect(() => new ManualClock('nonsense')).toThrow(RangeError);
  });
});
