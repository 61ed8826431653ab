import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const ArcoErrors = defineErrors({
  /** No ARCO request with that id, or one the caller may not see (another person's). */
  ARCO_REQUEST_NOT_FOUND: {
    status: 404,
    es: 'No encontramos esa solicitud de derechos ARCO.',
    en: 'We could not find that ARCO request.',
  },
  /** The request was already answered: an answer is final (a new request may be filed). */
  ARCO_REQUEST_ALREADY_ANSWERED: {
    status: 409,
    es: 'Esa solicitud ya tiene respuesta. Si necesitas algo más, presenta una nueva.',
    en: 'That request has already been answered. If you need something else, file a new one.',
  },
  /** The signed-in person is not the titular of a membership, so there is no data of theirs to act on. */
  ARCO_NO_MEMBERSHIP: {
    status: 422,
    es: 'Tu cuenta no tiene una membresía a tu nombre. Llámanos para ejercer tus derechos ARCO.',
    en: 'Your account has no membership in your name. Call us to exercise your ARCO rights.',
  },
  /**
   * Cancellation while the membership is in force: its data is needed to give the service and
   * charge it (LFPDPPP art. 26). Cancel the membership first, or answer refused with the reason.
   */
  ARCO_CANCELLATION_CONTRACT_IN_FORCE: {
    status: 409,
    es: 'La membresía sigue vigente: sus datos se necesitan para darte el servicio y cobrarlo. Primero debe cancelarse la membresía.',
    en: 'The membership is still in force: its data is needed to give and charge the service. The membership must be cancelled first.',
  },
  /** The download exists only for an access request once it was accepted. */
  ARCO_DELIVERY_NOT_READY: {
    status: 409,
    es: 'La descarga de tus datos estará lista cuando respondamos tu solicitud de acceso.',
    en: 'Your data download will be ready once we answer your access request.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof ArcoErrors> {}
}
