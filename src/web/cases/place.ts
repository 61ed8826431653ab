/**
 * The states for the forms' state select, and a first guess of the state from a located point.
 * A request without a point sends its address (postal code, colonia, street) and the server
 * places it or says why not: no point is made up here (issue 22 retired the state-capital point).
 */
export interface StatePoint {
  /** ISO 3166-2:MX without `MX-`, as the API takes it. */
  code: string;
  lat: number;
  lng: number;
}

/** The 32 states, each with its capital (Mexico City: the Zócalo). Names are in the catalogue. */
export const MX_STATES: readonly StatePoint[] = [
  { code: 'AGU', lat: 21.8853, lng: -102.2916 },
  { code: 'BCN', lat: 32.6245, lng: -115.4523 },
  { code: 'BCS', lat: 24.1426, lng: -110.3128 },
  { code: 'CAM', lat: 19.8301, lng: -90.5349 },
  { code: 'CHP', lat: 16.7516, lng: -93.1161 },
  { code: 'CHH', lat: 28.6353, lng: -106.0889 },
  { code: 'CMX', lat: 19.4326, lng: -99.1332 },
  { code: 'COA', lat: 25.4383, lng: -100.9737 },
  { code: 'COL', lat: 19.2452, lng: -103.7241 },
  { code: 'DUR', lat: 24.0277, lng: -104.6532 },
  { code: 'GUA', lat: 21.019, lng: -101.2574 },
  { code: 'GRO', lat: 17.5515, lng: -99.5006 },
  { code: 'HID', lat: 20.1011, lng: -98.7591 },
  { code: 'JAL', lat: 20.6597, lng: -103.3496 },
  { code: 'MEX', lat: 19.2826, lng: -99.6557 },
  { code: 'MIC', lat: 19.706, lng: -101.195 },
  { code: 'MOR', lat: 18.9242, lng: -99.2216 },
  { code: 'NAY', lat: 21.5042, lng: -104.8946 },
  { code: 'NLE', lat: 25.6866, lng: -100.3161 },
  { code: 'OAX', lat: 17.0732, lng: -96.7266 },
  { code: 'PUE', lat: 19.0414, lng: -98.2063 },
  { code: 'QUE', lat: 20.5888, lng: -100.3899 },
  { code: 'ROO', lat: 18.5001, lng: -88.2961 },
  { code: 'SLP', lat: 22.1565, lng: -100.9855 },
  { code: 'SIN', lat: 24.8091, lng: -107.394 },
  { code: 'SON', lat: 29.0729, lng: -110.9559 },
  { code: 'TAB', lat: 17.9892, lng: -92.9475 },
  { code: 'TAM', lat: 23.7369, lng: -99.1411 },
  { code: 'TLA', lat: 19.3182, lng: -98.2375 },
  { code: 'VER', lat: 19.5438, lng: -96.9102 },
  { code: 'YUC', lat: 20.9674, lng: -89.5926 },
  { code: 'ZAC', lat: 22.7709, lng: -102.5832 },
];

/** Straight-line kilometres between two points (haversine). */
export function kmBetween(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/** A first guess of the state from a located point: the nearest capital (the customer can change it). */
export function nearestState(point: { lat: number; lng: number }): StatePoint | undefined {
  let best: StatePoint | undefined;
  let bestKm = Number.POSITIVE_INFINITY;
  for (const state of MX_STATES) {
    const km = kmBetween(point, state);
    if (km < bestKm) {
      best = state;
      bestKm = km;
    }
  }
  // Farther than any Mexican capital is from its own state's edge: probably not in Mexico.
  return bestKm < 600 ? best : undefined;
}
