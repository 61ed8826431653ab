import { AppError } from '../../lib/errors.ts';
import type { Point } from '../../lib/geo.ts';
import {
  type AddressQuery,
  finer,
  type GeocodeResult,
  type Geocoder,
  type PostalCodeInfo,
  type Precision,
  REFUSALS,
} from './geocoder.ts';
import { tidy } from './names.ts';
import type { OfflineGeocoder } from './offline-geocoder.ts';
import { postalData } from './postal-data.ts';
import { stateAtPoint } from './state-at.ts';
import { findState, stateByCode } from './states.ts';
import './errors.ts';

/**
 * A self-hosted Nominatim (OpenStreetMap's geocoder) at `GEOCODER_URL`. One structured search per
 * address (`/search?format=jsonv2&addressdetails=1&countrycodes=mx&street=…&city=…&state=…&
 * postalcode=…&limit=1`; free text goes as `q`), with a timeout. An empty answer is "not found"; an
 * HTTP error, a timeout or an answer that is not Nominatim's is GEOCODER_UNAVAILABLE (503).
 * Precision comes from what OpenStreetMap matched (`addresstype`, else `place_rank`).
 */
export interface NominatimOptions {
  /** Milliseconds before a search is given up (default 3000). */
  timeoutMs?: number;
  /** Nominatim's usage policy asks every client to name itself. */
  userAgent?: string;
}

interface NominatimPlace {
  lat: string;
  lon: string;
  place_rank?: number;
  addresstype?: string;
  category?: string;
  type?: string;
  display_name?: string;
  address?: Record<string, string | undefined>;
}

export class NominatimGeocoder implements Geocoder {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly userAgent: string;

  constructor(baseUrl: string, options: NominatimOptions = {}) {
    this.base = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.userAgent = options.userAgent ?? 'Libra/1 (Asistencia Libra Plus dispatch)';
  }

  async geocode(address: AddressQuery): Promise<GeocodeResult> {
    const stateText = tidy(address.state);
    const state = stateText ? findState(stateText) : undefined;
    if (stateText && !state) return { found: false, reason: REFUSALS.UNKNOWN_STATE };
    const params = new URLSearchParams({
      format: 'jsonv2',
      addressdetails: '1',
      countrycodes: 'mx',
      limit: '1',
      'accept-language': 'es',
    });
    const street = [tidy(address.number), tidy(address.street)].filter(Boolean).join(' ');
    const structured = {
      street,
      city: tidy(address.municipality) ?? '',
      state: state?.name ?? '',
      postalcode: tidy(address.postalCode) ?? '',
    };
    if (Object.values(structured).some((v) => v !== '')) {
      for (const [key, value] of Object.entries(structured)) if (value) params.set(key, value);
    } else if (tidy(address.text)) {
      params.set('q', tidy(address.text) as string);
    } else {
      return { found: false, reason: REFUSALS.NOTHING_TO_PLACE };
    }
    const places = await this.search(params);
    const place = places[0];
    if (!place) return { found: false, reason: REFUSALS.NOT_FOUND };
    const details = place.address ?? {};
    const stateCode = /^MX-([A-Z]{3})$/.exec(details['ISO3166-2-lvl4'] ?? '')?.[1] ?? state?.code ?? null;
    return {
      found: true,
      point: { lat: Number(place.lat), lng: Number(place.lon) },
      precision: precisionOf(place),
      normalised: {
        street: details.road ?? tidy(address.street),
        number: details.house_number ?? tidy(address.number),
        colonia: details.neighbourhood ?? details.suburb ?? details.quarter ?? tidy(address.colonia),
        postalCode: details.postcode ?? tidy(address.postalCode),
        // Mexico City's municipalities are its boroughs (alcaldías); OpenStreetMap's "city" there is the city.
        municipality:
          (stateCode === 'CMX' ? (details.borough ?? details.city_district) : undefined) ??
          details.city ??
          details.town ??
          details.municipality ??
          details.village ??
          tidy(address.municipality),
        stateCode: stateCode && stateByCode(stateCode) ? stateCode : null,
        text: place.display_name ?? tidy(address.text),
      },
    };
  }

  /** From the bundled data, as every adapter: a pin's state needs no network call. */
  async stateAt(point: Point): Promise<string | null> {
    return stateAtPoint(postalData(), point);
  }

  /** Nominatim has the code's point but not its colonias: `colonias` is empty. */
  async postalCode(postalCode: string): Promise<PostalCodeInfo | null> {
    const params = new URLSearchParams({
      format: 'jsonv2',
      addressdetails: '1',
      countrycodes: 'mx',
      limit: '1',
      postalcode: postalCode,
    });
    const [place] = await this.search(params);
    if (!place) return null;
    const stateCode = /^MX-([A-Z]{3})$/.exec(place.address?.['ISO3166-2-lvl4'] ?? '')?.[1];
    if (!stateCode) return null;
    return {
      postalCode,
      stateCode,
      municipality: place.address?.city ?? place.address?.town ?? place.address?.municipality ?? '',
      colonias: [],
      point: { lat: Number(place.lat), lng: Number(place.lon) },
      precision: 'postal_code',
    };
  }

  private async search(params: URLSearchParams): Promise<NominatimPlace[]> {
    let response: Response;
    try {
      response = await fetch(`${this.base}/search?${params}`, {
        headers: { 'user-agent': this.userAgent, accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new AppError('GEOCODER_UNAVAILABLE', { cause });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new AppError('GEOCODER_UNAVAILABLE', {
        cause: new Error(`Nominatim answered HTTP ${response.status}`),
      });
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (cause) {
      throw new AppError('GEOCODER_UNAVAILABLE', { cause });
    }
    if (!Array.isArray(body)) {
      throw new AppError('GEOCODER_UNAVAILABLE', { cause: new Error('Nominatim answered something else') });
    }
    return body.filter(
      (p): p is NominatimPlace =>
        typeof p === 'object' &&
        p !== null &&
        Number.isFinite(Number((p as NominatimPlace).lat)) &&
        Number.isFinite(Number((p as NominatimPlace).lon)),
    );
  }
}

/**
 * What OpenStreetMap matched, as our precision: a house or building → exact; a road → street; a
 * postcode, or a colonia (neighbourhood, suburb, quarter: about a postal code's size) → postal
 * code; a city, town, village or municipality → municipality; a state → state. Without an
 * `addresstype`, `place_rank` says the same (30: house; 26–27: road; 20–25: colonia or postcode;
 * 12–19: town; 5–11: state).
 */
export function precisionOf(place: { addresstype?: string; place_rank?: number }): Precision {
  switch (place.addresstype) {
    case 'house':
    case 'building':
    case 'amenity':
    case 'shop':
      return 'exact';
    case 'road':
      return 'street';
    case 'postcode':
    case 'neighbourhood':
    case 'suburb':
    case 'quarter':
    case 'city_block':
    case 'residential':
      return 'postal_code';
    case 'city':
    case 'town':
    case 'village':
    case 'hamlet':
    case 'municipality':
    case 'county':
      return 'municipality';
    case 'state':
      return 'state';
  }
  const rank = place.place_rank ?? 0;
  if (rank >= 28) return 'exact';
  if (rank >= 26) return 'street';
  if (rank >= 20) return 'postal_code';
  if (rank >= 12) return 'municipality';
  return 'state';
}

/**
 * Nominatim first, the bundled data when Nominatim cannot help: down (GEOCODER_UNAVAILABLE), no
 * match, or a match coarser than the postal code the data knows (a Nominatim without Mexico's
 * postcodes answers a city for "03940"). Postal codes' facts (their colonias to pick from) always
 * come from the bundled data: Nominatim has no list of colonias. `onUnavailable` hears each outage
 * (the app logs it), so a dead Nominatim is seen, not silently worked around.
 */
export class FallbackGeocoder implements Geocoder {
  constructor(
    private readonly primary: Geocoder,
    private readonly offline: OfflineGeocoder,
    private readonly onUnavailable: (error: unknown) => void = () => {},
  ) {}

  async postalCode(postalCode: string): Promise<PostalCodeInfo | null> {
    return this.offline.postalCode(postalCode);
  }

  async stateAt(point: Point): Promise<string | null> {
    return this.offline.stateAt(point);
  }

  async geocode(address: AddressQuery): Promise<GeocodeResult> {
    const fallback = await this.offline.geocode(address);
    // The bundled data refuses what it knows to be wrong: a postal code of another state, no such
    // state. A postal code it does not know may be newer than the data: Nominatim is asked.
    if (!fallback.found && ['POSTAL_CODE_NOT_IN_STATE', 'UNKNOWN_STATE'].includes(fallback.reason.code)) {
      return fallback;
    }
    let primary: GeocodeResult;
    try {
      primary = await this.primary.geocode(address);
    } catch (error) {
      if (error instanceof AppError && error.code === 'GEOCODER_UNAVAILABLE') {
        this.onUnavailable(error);
        return fallback;
      }
      throw error;
    }
    if (!primary.found) return fallback;
    if (fallback.found && finer(fallback.precision, primary.precision)) return fallback;
    return primary;
  }
}
