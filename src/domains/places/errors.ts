import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const PlacesErrors = defineErrors({
  /** The postal code is not one of Mexico's (the bundled catalogue has no such code). */
  POSTAL_CODE_NOT_FOUND: {
    status: 404,
    es: 'Ese código postal no existe en México. Revísalo e inténtalo de nuevo.',
    en: 'That postal code does not exist in Mexico. Check it and try again.',
  },
  /** The address could not be placed; `reason` says why (unknown postal code, wrong state…). */
  ADDRESS_NOT_FOUND: {
    status: 422,
    es: 'No pudimos ubicar esa dirección.',
    en: 'We could not place that address.',
  },
  /** The configured geocoder (GEOCODER_URL) did not answer in time or answered with an error. */
  GEOCODER_UNAVAILABLE: {
    status: 503,
    es: 'El servicio de direcciones no responde. Inténtalo en un momento.',
    en: 'The address service is not answering. Try again in a moment.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof PlacesErrors> {}
}
