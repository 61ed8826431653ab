/**
 * How near a case's point is known to be, finest first. `exact`: the spot itself (a phone's fix
 * within 100 m, a pin an agent placed); `street`: the right street or block; `postal_code`,
 * `municipality`, `state`: somewhere in that area (a geocoded address that went no finer).
 */
export const PLACE_PRECISIONS = ['exact', 'street', 'postal_code', 'municipality', 'state'] as const;
export type PlacePrecision = (typeof PLACE_PRECISIONS)[number];

/**
 * The precision a phone's reported accuracy (the radius, in metres, it is 68% sure of) earns:
 * within 100 m the spot, within 1 km the street, within 5 km about a postal code's area, within
 * 25 km a municipality's, beyond that the state only.
 */
export function precisionOfAccuracy(accuracyM: number): PlacePrecision {
  if (accuracyM <= 100) return 'exact';
  if (accuracyM <= 1_000) return 'street';
  if (accuracyM <= 5_000) return 'postal_code';
  if (accuracyM <= 25_000) return 'municipality';
  return 'state';
}

/** Who moved the place: an agent's correction (the console's pin) or the caller's one-time link. */
export type PlaceSource = 'agent' | 'location_link';

/** A new place for a case: the point, and what is known of it. */
export interface PlaceChange {
  lat: number;
  lng: number;
  /** The address as it now reads; absent, the case keeps its address text. */
  address?: string | undefined;
  precision: PlacePrecision;
  accuracyM: number | null;
  /**
   * The state the new point is in (from the bundled postal-code data: `Geocoder.stateAt`); dispatch's
   * state coverage reads it. Null when the point is in no state the data knows.
   */
  stateCode: string | null;
}
