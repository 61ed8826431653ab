import { type CodesOf, defineErrors } from '../../lib/errors.ts';

/**
 * Refusals of a use. Each carries the whole decision (`decision`) with every reason in Spanish and
 * English, so the agent can read it to the caller. `BENEFICIARY_NOT_ELIGIBLE` is the members
 * domain's code, reused for "this person is not covered".
 */
export const EntitlementErrors = defineErrors({
  /** The membership is past_due, suspended or cancelled: services need it paid up. */
  MEMBERSHIP_NOT_CURRENT: {
    status: 409,
    es: 'La membresía no está al corriente en su pago; por eso no se puede dar el servicio.',
    en: 'The membership is not paid up, so the service cannot be given.',
  },
  /** The service is not in the membership's plan version (e.g. legal advice on Libra One). */
  SERVICE_NOT_IN_PLAN: {
    status: 422,
    es: 'Ese servicio no está incluido en tu plan.',
    en: 'That service is not included in the plan.',
  },
  /** The limit for this membership year is used up. */
  ENTITLEMENT_EXHAUSTED: {
    status: 409,
    es: 'Ya se usaron todos los eventos de este servicio en el año de membresía.',
    en: 'All uses of this service for the membership year are taken.',
  },
  /** This specialty was already used this membership year (one per specialty). */
  SPECIALTY_ALREADY_USED: {
    status: 409,
    es: 'Esa especialidad ya se usó este año de membresía.',
    en: 'That specialty was already used this membership year.',
  },
  /** A per-specialty service needs the specialty to decide. */
  SPECIALTY_REQUIRED: {
    status: 400,
    es: 'Indica la especialidad médica.',
    en: 'Say which medical specialty.',
  },
  /** The service is only given in certain countries (the ambulance, only in Mexico). */
  OUTSIDE_TERRITORY: {
    status: 422,
    es: 'Ese servicio no se presta en ese lugar.',
    en: 'That service is not given in that place.',
  },
  /** No such use in the ledger. */
  RESERVATION_NOT_FOUND: {
    status: 404,
    es: 'No encontramos esa reservación de uso.',
    en: 'We could not find that use reservation.',
  },
  /** Confirm or release of a use that is not reserved any more. */
  RESERVATION_NOT_RESERVED: {
    status: 409,
    es: 'Ese uso ya no está reservado.',
    en: 'That use is no longer reserved.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof EntitlementErrors> {}
}
