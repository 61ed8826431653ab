import { AppError } from '../../lib/errors.ts';
import type { AddressQuery, GeocodeResult, Geocoder, PostalCodeInfo } from './geocoder.ts';
import './errors.ts';

/** What the API offers of places: a postal code's facts, and an address placed. */
export class PlacesService {
  constructor(private readonly geocoder: Geocoder) {}

  async postalCode(postalCode: string): Promise<PostalCodeInfo> {
    const info = await this.geocoder.postalCode(postalCode);
    if (!info) throw new AppError('POSTAL_CODE_NOT_FOUND');
    return info;
  }

  /** The address placed, or ADDRESS_NOT_FOUND (422) saying why in the reader's language. */
  async geocode(address: AddressQuery): Promise<Extract<GeocodeResult, { found: true }>> {
    const result = await this.geocoder.geocode(address);
    if (!result.found) {
      const { code, es, en } = result.reason;
      throw new AppError('ADDRESS_NOT_FOUND', {
        localisedDetail: { es, en },
        extensions: { reason: code },
      });
    }
    return result;
  }
}
