import { formatEta } from '../../lib/duration.ts';

export { formatEta };

/**
 * How near a case's point is known to be (the API's `place.precision`), and what a screen may say
 * of it. Coarser than `street` the place reads "aprox." with the area it is known to; a distance
 * is never shown finer than the point (docs/decisions.md):
 * - exact, street, or not stated (coordinates given by a request): to 0.1 km;
 * - postal_code: to the whole km (at least 1 km);
 * - municipality: to 5 km (at least 5 km);
 * - state: no distance at all — the place reads "en Jalisco".
 */
export type Precision = 'exact' | 'street' | 'postal_code' | 'municipality' | 'state';

export function isCoarse(precision: Precision | null | undefined): boolean {
  return precision === 'postal_code' || precision === 'municipality' || precision === 'state';
}

/** The distance as the point allows it, in km, and whether it is rounded; null: not to be shown. */
export function shownKm(
  km: number,
  precision: Precision | null | undefined,
): { km: number; approximate: boolean } | null {
  switch (precision) {
    case 'state':
      return null;
    case 'municipality':
      return { km: Math.max(5, Math.round(km / 5) * 5), approximate: true };
    case 'postal_code':
      return { km: Math.max(1, Math.round(km)), approximate: true };
    default:
      return { km: Math.round(km * 10) / 10, approximate: false };
  }
}

/** `2.4 km`, `~3 km`, `~10 km`, or null (state precision: no distance). */
export function distanceText(km: number, precision: Precision | null | undefined): string | null {
  const shown = shownKm(km, precision);
  if (!shown) return null;
  return shown.approximate ? `~${shown.km} km` : `${shown.km.toFixed(1)} km`;
}

/**
 * The area a coarse place is known to, from its address as the server wrote it ("…, C.P. 45010,
 * Zapopan, Jalisco"): the postal code, the municipality (the part before the state's name), the
 * state. Null parts when the address does not say.
 */
export function areaOf(
  address: string,
  stateName: string | null,
): { postalCode: string | null; municipality: string | null } {
  const postalCode = /\bC\.?\s?P\.?\s*(\d{5})\b/i.exec(address)?.[1] ?? null;
  const parts = address
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  let municipality: string | null = null;
  if (stateName && parts.length >= 2 && parts.at(-1) === stateName) {
    const before = parts.at(-2) ?? '';
    municipality = /^C\.?\s?P\.?\s*\d{5}$/i.test(before) ? null : before;
  }
  return { postalCode, municipality };
}

/**
 * What a coarse place says of itself: which words (`postal_code`, `municipality`, `state`, or
 * `area` when the address does not name the part) and their values; null for a fine point.
 */
export function approxOf(
  place: { address: string; precision: Precision | null },
  stateName: string | null,
): { words: 'postal_code' | 'municipality' | 'state' | 'area'; params: Record<string, string> } | null {
  if (!isCoarse(place.precision)) return null;
  const area = areaOf(place.address, stateName);
  if (place.precision === 'postal_code' && area.postalCode)
    return { words: 'postal_code', params: { postalCode: area.postalCode } };
  if (place.precision === 'municipality' && area.municipality)
    return { words: 'municipality', params: { municipality: area.municipality } };
  if (place.precision === 'state' && stateName) return { words: 'state', params: { state: stateName } };
  return { words: 'area', params: {} };
}
