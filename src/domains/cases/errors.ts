import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const CaseErrors = defineErrors({
  /**
   * A request's address without coordinates could not be placed; `reason` is the geocoder's code
   * (UNKNOWN_POSTAL_CODE, POSTAL_CODE_NOT_IN_STATE, UNKNOWN_STATE, NOT_FOUND, NOTHING_TO_PLACE) and
   * `detail` says why in the reader's language. Nothing is written.
   */
  PLACE_NOT_FOUND: {
    status: 422,
    es: 'No pudimos ubicar la dirección del servicio.',
    en: 'We could not place the address of the service.',
  },
  /** No such case, or not one the caller may see. */
  CASE_NOT_FOUND: {
    status: 404,
    es: 'No encontramos ese caso.',
    en: 'We could not find that case.',
  },
  /** The change asked for does not follow from the case's state (e.g. on site before en route). */
  CASE_TRANSITION_INVALID: {
    status: 409,
    es: 'Ese cambio no es posible en el estado actual del caso.',
    en: 'That change is not possible in the case’s current state.',
  },
  /** The case already has a provider on the way. */
  CASE_ALREADY_DISPATCHED: {
    status: 409,
    es: 'El caso ya tiene un proveedor asignado.',
    en: 'The case already has a provider assigned.',
  },
  /** The provider is already on site or the case is closed: it can no longer be cancelled. */
  CASE_NOT_CANCELLABLE: {
    status: 409,
    es: 'El caso ya no se puede cancelar: el proveedor llegó o el caso está cerrado.',
    en: 'The case can no longer be cancelled: the provider arrived or the case is closed.',
  },
  /** The case is not waiting for the customer to accept an excess. */
  CASE_NO_EXCESS_PENDING: {
    status: 409,
    es: 'El caso no tiene un excedente pendiente de aceptar.',
    en: 'The case has no excess waiting to be accepted.',
  },
  /** The catalog has no service with that code. */
  SERVICE_UNKNOWN: {
    status: 422,
    es: 'Ese servicio no existe en el catálogo.',
    en: 'That service does not exist in the catalog.',
  },
  /** Appointments, remote consultations and reimbursements are not opened as dispatch cases yet. */
  FULFILMENT_NOT_AVAILABLE: {
    status: 422,
    es: 'Ese servicio se da por cita, a distancia o por reembolso; todavía no se abre como caso de envío.',
    en: 'That service is given by appointment, remotely or by reimbursement; it cannot be opened as a dispatch case yet.',
  },
  /** Only the provider assigned to the case may report its progress. */
  CASE_NOT_ASSIGNED_TO_YOU: {
    status: 404,
    es: 'No encontramos ese caso entre tus trabajos.',
    en: 'We could not find that case among your jobs.',
  },
  /** The case is closed (completed, cancelled, refused…): its place can no longer change. */
  CASE_PLACE_NOT_CHANGEABLE: {
    status: 409,
    es: 'El caso ya está cerrado: su ubicación ya no se puede cambiar.',
    en: 'The case is closed: its location can no longer be changed.',
  },
  /** No location link has that token (mistyped, cut short, or never made). */
  LOCATION_LINK_NOT_FOUND: {
    status: 404,
    es: 'Este enlace no es válido. Pide a tu agente un enlace nuevo.',
    en: 'This link is not valid. Ask your agent for a new one.',
  },
  /** The link already shared a location: each link works once. */
  LOCATION_LINK_USED: {
    status: 409,
    es: 'Ya recibimos tu ubicación con este enlace. Si necesitas cambiarla, pide a tu agente un enlace nuevo.',
    en: 'We already received your location with this link. To change it, ask your agent for a new link.',
  },
  /** The link expired, a newer one replaced it, or the case is closed. */
  LOCATION_LINK_EXPIRED: {
    status: 410,
    es: 'Este enlace ya caducó. Pide a tu agente un enlace nuevo.',
    en: 'This link has expired. Ask your agent for a new one.',
  },
  /** Only a completed case is rated: the service has to have been given. */
  CASE_NOT_RATEABLE: {
    status: 409,
    es: 'Podrás calificar el servicio cuando haya concluido.',
    en: 'You can rate the service once it has been completed.',
  },
  /** A case is rated once; the rating is not changed afterwards. */
  CASE_ALREADY_RATED: {
    status: 409,
    es: 'Ya calificaste este servicio. Gracias por tu opinión.',
    en: 'You already rated this service. Thank you for your feedback.',
  },
  /** The unit is told while the provider holds the job: after accepting and before completing. */
  CASE_UNIT_NOT_OPEN: {
    status: 409,
    es: 'La unidad solo se registra mientras el servicio está asignado y en curso.',
    en: 'The unit can only be set while the job is assigned and under way.',
  },
  /** The SLA target needs whole minutes greater than zero. */
  SLA_TARGET_INVALID: {
    status: 422,
    es: 'Las metas de tiempo deben ser minutos enteros mayores que cero.',
    en: 'Time targets must be whole minutes greater than zero.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof CaseErrors> {}
}
