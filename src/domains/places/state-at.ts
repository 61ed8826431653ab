import type { Point } from '../../lib/geo.ts';
import type { PostalData } from './postal-data.ts';

/**
 * The farthest a point may lie from the nearest postal code's point and still be said to be in that
 * code's state. Postal codes are dense where people live (a few hundred metres apart in a city);
 * in the northern deserts the nearest may be tens of kilometres away.
 */
export const STATE_AT_MAX_KM = 80;

/**
 * The state a point is in, as the bundled data can tell without the network: the state of the
 * nearest postal code's point (a code with a point of its own; its municipality's point
 * otherwise), when it is within `STATE_AT_MAX_KM`; null beyond (out at sea, far outside Mexico).
 * Near a state line the nearest code can be across it (Mexico City and the Estado de México share
 * a long one): an approximation, documented in docs/places-data.md. Linear over the ~32,000 codes,
 * with a flat-Earth distance that is exact enough at these ranges: about a millisecond.
 */
export function stateAtPoint(data: PostalData, point: Point): string | null {
  const cosLat = Math.cos((point.lat * Math.PI) / 180);
  let best: string | null = null;
  let bestSquared = Number.POSITIVE_INFINITY;
  for (const entry of data.codes.values()) {
    const dLat = entry.point.lat - point.lat;
    const dLng = (entry.point.lng - point.lng) * cosLat;
    const squared = dLat * dLat + dLng * dLng;
    if (squared < bestSquared) {
      bestSquared = squared;
      best = entry.municipality.stateCode;
    }
  }
  const km = Math.sqrt(bestSquared) * 111.2;
  return km <= STATE_AT_MAX_KM ? best : null;
}
