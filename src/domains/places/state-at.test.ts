import { describe, expect, it } from 'vitest';
import { postalData } from './postal-data.ts';
import { stateAtPoint } from './state-at.ts';

/** A moved place's state, from the nearest postal code of the bundled data (points from Wikipedia). */
describe('stateAtPoint', () => {
  const data = postalData();

  it('names the state a point is in', () => {
    expect(stateAtPoint(data, { lat: 19.4326, lng: -99.1332 })).toBe('CMX'); // Zócalo
    expect(stateAtPoint(data, { lat: 20.6767, lng: -103.3475 })).toBe('JAL'); // Guadalajara cathedral
    expect(stateAtPoint(data, { lat: 25.6694, lng: -100.3097 })).toBe('NLE'); // Macroplaza, Monterrey
    expect(stateAtPoint(data, { lat: 19.4006, lng: -98.9886 })).toBe('MEX'); // Nezahualcóyotl
    expect(stateAtPoint(data, { lat: 20.9674, lng: -89.5926 })).toBe('YUC'); // Mérida
  });

  it('names none far from every postal code (the middle of the Gulf of Mexico)', () => {
    expect(stateAtPoint(data, { lat: 24.5, lng: -92.0 })).toBeNull();
  });
});
