import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const DispatchErrors = defineErrors({
  /** No provider with that id (or not one the caller may see). */
  PROVIDER_NOT_FOUND: {
    status: 404,
    es: 'No encontramos ese proveedor.',
    en: 'We could not find that provider.',
  },
  /** A provider with that name is already registered. */
  PROVIDER_ALREADY_EXISTS: {
    status: 409,
    es: 'Ya hay un proveedor registrado con ese nombre.',
    en: 'A provider with that name is already registered.',
  },
  /** The provider's coverage is not a circle with a radius nor a list of states. */
  PROVIDER_COVERAGE_INVALID: {
    status: 422,
    es: 'La cobertura debe ser un centro con radio o una lista de estados.',
    en: 'Coverage must be a centre with a radius or a list of states.',
  },
  /** The provider account is not linked to a provider of the network. */
  PROVIDER_ACCOUNT_UNLINKED: {
    status: 403,
    es: 'Tu cuenta no está ligada a un proveedor de la red.',
    en: 'Your account is not linked to a provider of the network.',
  },
  /** No such offer, or it was made to another provider. */
  OFFER_NOT_FOUND: {
    status: 404,
    es: 'No encontramos esa oferta.',
    en: 'We could not find that offer.',
  },
  /** The offer was already accepted, declined, withdrawn or has expired. */
  OFFER_NOT_PENDING: {
    status: 409,
    es: 'Esa oferta ya no está disponible.',
    en: 'That offer is no longer open.',
  },
  /** The time to accept the offer ran out; the case went to another provider. */
  OFFER_EXPIRED: {
    status: 409,
    es: 'El tiempo para aceptar la oferta terminó; el servicio se ofreció a otro proveedor.',
    en: 'The time to accept the offer ran out; the case was offered to another provider.',
  },
  /** A capped service (tow, home) needs the provider's quote to accept. */
  QUOTE_REQUIRED: {
    status: 400,
    es: 'Indica tu cotización del servicio, en centavos.',
    en: "Give the service's quote, in centavos.",
  },
  /** The provider does not give this service or does not cover the place. */
  PROVIDER_CANNOT_SERVE: {
    status: 422,
    es: 'Ese proveedor no da ese servicio en ese lugar.',
    en: 'That provider does not give that service in that place.',
  },
  /** The provider has as many jobs as it can take, or is marked unavailable. */
  PROVIDER_UNAVAILABLE: {
    status: 409,
    es: 'Ese proveedor no está disponible en este momento.',
    en: 'That provider is not available right now.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof DispatchErrors> {}
}
