import type { LocalisedText } from '../../lib/errors.ts';
import type { Point } from '../../lib/geo.ts';

/**
 * The geocoder port: an address as a person gives it → a point, how precise that point is, and the
 * address as the data knows it. Adapters: `OfflineGeocoder` (the bundled postal-code data; no
 * network), `NominatimGeocoder` (a self-hosted OpenStreetMap geocoder, `GEOCODER_URL`) and
 * `FallbackGeocoder` (Nominatim first, the offline data when it is down or knows less).
 */

/**
 * How much the point can be trusted, finest first: the door (`exact`), somewhere on the street,
 * somewhere in the postal code (or its colonia), in the municipality, in the state. A screen never
 * shows a distance finer than this.
 */
export const PRECISIONS = ['exact', 'street', 'postal_code', 'municipality', 'state'] as const;
export type Precision = (typeof PRECISIONS)[number];

/** The finer of two precisions. */
export function finer(a: Precision, b: Precision): boolean {
  return PRECISIONS.indexOf(a) < PRECISIONS.indexOf(b);
}

/** An address as given: any of its parts, none required; `state` is a code or a name. */
export interface AddressQuery {
  street?: string | undefined;
  number?: string | undefined;
  colonia?: string | undefined;
  postalCode?: string | undefined;
  municipality?: string | undefined;
  state?: string | undefined;
  /** Free text ("Av. Insurgentes Sur 1602, Crédito Constructor, 03940 CDMX"), when not split. */
  text?: string | undefined;
}

/** The address as the geocoder understood it: names as the data spells them, the state as a code. */
export interface NormalisedAddress {
  street: string | null;
  number: string | null;
  colonia: string | null;
  postalCode: string | null;
  municipality: string | null;
  stateCode: string | null;
  text: string | null;
}

/** Why an address could not be placed: a stable code and the words people read. */
export interface GeocodeRefusal extends LocalisedText {
  code:
    | 'UNKNOWN_POSTAL_CODE'
    | 'POSTAL_CODE_NOT_IN_STATE'
    | 'UNKNOWN_STATE'
    | 'NOT_FOUND'
    | 'NOTHING_TO_PLACE';
}

export type GeocodeResult =
  | { found: true; point: Point; precision: Precision; normalised: NormalisedAddress }
  | { found: false; reason: GeocodeRefusal };

/** A settlement a postal code serves; `type` (Colonia, Fraccionamiento…) when the data has it. */
export interface Colonia {
  name: string;
  type: string | null;
}

/** What a postal code is: where (state, municipality), the settlements to pick from, its point. */
export interface PostalCodeInfo {
  postalCode: string;
  stateCode: string;
  municipality: string;
  colonias: Colonia[];
  point: Point;
  /** `postal_code`, or `municipality` when the data has no trustworthy point of the code's own. */
  precision: 'postal_code' | 'municipality';
}

export interface Geocoder {
  geocode(address: AddressQuery): Promise<GeocodeResult>;
  /** The postal code's facts; null when the code does not exist. */
  postalCode(postalCode: string): Promise<PostalCodeInfo | null>;
  /**
   * The state a point is in (a case's place moved to a pin or a phone's position), from the bundled
   * data in every adapter (no network); null when no state is near (`state-at.ts`).
   */
  stateAt(point: Point): Promise<string | null>;
}

export const REFUSALS = {
  UNKNOWN_POSTAL_CODE: {
    code: 'UNKNOWN_POSTAL_CODE',
    es: 'Ese código postal no existe en México. Revísalo con la persona.',
    en: 'That postal code does not exist in Mexico. Check it with the caller.',
  },
  POSTAL_CODE_NOT_IN_STATE: {
    code: 'POSTAL_CODE_NOT_IN_STATE',
    es: 'Ese código postal no es de ese estado. Revisa el código postal o el estado.',
    en: 'That postal code is not in that state. Check the postal code or the state.',
  },
  UNKNOWN_STATE: {
    code: 'UNKNOWN_STATE',
    es: 'No reconocemos ese estado. Escoge uno de los 32 estados.',
    en: 'We do not recognise that state. Pick one of the 32 states.',
  },
  NOT_FOUND: {
    code: 'NOT_FOUND',
    es: 'No encontramos esa dirección. Da el código postal o el municipio y el estado.',
    en: 'We could not find that address. Give the postal code, or the municipality and the state.',
  },
  NOTHING_TO_PLACE: {
    code: 'NOTHING_TO_PLACE',
    es: 'Falta la dirección: da al menos el código postal o el estado.',
    en: 'The address is missing: give at least the postal code or the state.',
  },
} as const satisfies Record<GeocodeRefusal['code'], GeocodeRefusal>;
