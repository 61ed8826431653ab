import { describe, expect, it } from 'vitest';
import { approxOf, distanceText, formatEta } from './precision.ts';

describe('distances never finer than the point', () => {
  it('shows tenths for an exact, street or unstated point', () => {
    expect(distanceText(2.34, 'exact')).toBe('2.3 km');
    expect(distanceText(2.34, 'street')).toBe('2.3 km');
    expect(distanceText(2.34, null)).toBe('2.3 km');
  });

  it('rounds to the whole km for a postal code and to 5 km for a municipality (never 0)', () => {
    expect(distanceText(2.34, 'postal_code')).toBe('~2 km');
    expect(distanceText(0.3, 'postal_code')).toBe('~1 km');
    expect(distanceText(1.84, 'municipality')).toBe('~5 km');
    expect(distanceText(13.2, 'municipality')).toBe('~15 km');
  });

  it('shows no distance for a place known only by its state', () => {
    expect(distanceText(2.34, 'state')).toBeNull();
  });
});

describe('what a coarse place says of itself', () => {
  it('names the postal code, the municipality or the state from the address the server wrote', () => {
    const address = 'Av. Patria 1200, Ciudad Granja, C.P. 45010, Zapopan, Jalisco';
    expect(approxOf({ address, precision: 'postal_code' }, 'Jalisco')).toEqual({
      words: 'postal_code',
      params: { postalCode: '45010' },
    });
    expect(approxOf({ address, precision: 'municipality' }, 'Jalisco')).toEqual({
      words: 'municipality',
      params: { municipality: 'Zapopan' },
    });
    expect(approxOf({ address: 'Jalisco', precision: 'state' }, 'Jalisco')).toEqual({
      words: 'state',
      params: { state: 'Jalisco' },
    });
  });

  it('says nothing for a fine point, and only "aprox." when the address does not name the area', () => {
    expect(approxOf({ address: 'Reforma 222', precision: 'exact' }, 'Ciudad de México')).toBeNull();
    expect(approxOf({ address: 'Reforma 222', precision: null }, null)).toBeNull();
    expect(approxOf({ address: 'junto al Oxxo', precision: 'municipality' }, null)).toEqual({
      words: 'area',
      params: {},
    });
  });
});

describe('ETAs on screen', () => {
  it('read in hours and minutes past 90 minutes', () => {
    expect(formatEta(25)).toBe('25 min');
    expect(formatEta(90)).toBe('90 min');
    expect(formatEta(100)).toBe('1 h 40 min');
    expect(formatEta(926)).toBe('15 h 26 min');
  });
});
