import { describe, expect, it } from 'vitest';
import { SEND_EVERY_MS, worthSending } from './location.ts';
import { activeFirst, type Job, jobDetails, mapsUrl, nextSteps, pesosToCentavos } from './provider-data.ts';

describe('an amount typed in pesos', () => {
  it('becomes integer centavos, with the separators a phone keyboard gives', () => {
    expect(pesosToCentavos('850')).toBe(85_000);
    expect(pesosToCentavos('1,250.50')).toBe(125_050);
    expect(pesosToCentavos('$1 250.5')).toBe(125_050);
    expect(pesosToCentavos('1250,5')).toBe(125_050);
    expect(pesosToCentavos(' 0.07 ')).toBe(7);
    expect(pesosToCentavos('1,000')).toBe(100_000);
  });
  it('is refused when it is not an amount', () => {
    for (const bad of ['', 'mil', '12.345', '-5', '1.2.3', '$'])
      expect(pesosToCentavos(bad), bad).toBeUndefined();
  });
});

describe('sharing the position', () => {
  const at = { at: 0, lat: 19.4326, lng: -99.1332 };
  it('sends the first fix, then every 15 s or after 100 m', () => {
    expect(worthSending(null, 0, at)).toBe(true);
    expect(worthSending(at, 3_000, { lat: 19.4426, lng: -99.1332 })).toBe(false);
    expect(worthSending(at, 6_000, { lat: 19.4336, lng: -99.1332 })).toBe(true); // ~110 m
    expect(worthSending(at, 6_000, { lat: 19.4327, lng: -99.1332 })).toBe(false); // ~11 m
    expect(worthSending(at, SEND_EVERY_MS, at)).toBe(true);
  });
});

describe('a job', () => {
  const job = (id: string, state: string) => ({ id, state }) as Job;
  it('lists the one in hand first', () => {
    const sorted = activeFirst([
      job('a', 'dispatched'),
      job('b', 'awaiting_excess_acceptance'),
      job('c', 'en_route'),
    ]);
    expect(sorted.map((j) => j.id)).toEqual(['c', 'a', 'b']);
  });
  it('moves one step at a time', () => {
    expect(nextSteps('dispatched')).toEqual(['en_route']);
    expect(nextSteps('en_route')).toEqual(['on_site']);
    expect(nextSteps('on_site')).toEqual(['completed']);
    expect(nextSteps('awaiting_excess_acceptance')).toEqual([]);
    expect(nextSteps('completed')).toEqual([]);
  });
  it('opens its place in a maps app and says its vehicle in words', () => {
    expect(mapsUrl({ lat: 19.4326, lng: -99.1332 })).toBe(
      'https://www.google.com/maps/search/?api=1&query=19.432600,-99.133200',
    );
    expect(
      jobDetails({
        vehicle: { make: 'Nissan', model: 'Versa', year: 2019, plates: 'ABC-123-D' },
        other: 'x',
      }),
    ).toEqual({ vehicle: 'Nissan · Versa · 2019 · ABC-123-D' });
  });
});
