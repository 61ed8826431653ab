import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const RemoteErrors = defineErrors({
  /** The case is not a remote consultation, or not one of the caller's profession. */
  CONSULTATION_NOT_FOUND: {
    status: 404,
    es: 'No encontramos esa consulta.',
    en: 'We could not find that consultation.',
  },
  /** Another professional took the request first, or it is closed. */
  CONSULTATION_ALREADY_TAKEN: {
    status: 409,
    es: 'Otro profesional ya tomó esa solicitud, o ya está cerrada.',
    en: 'Another professional already took that request, or it is closed.',
  },
  /** Only the professional who took the consultation closes it. */
  CONSULTATION_NOT_YOURS: {
    status: 403,
    es: 'Solo quien tomó la consulta puede cerrarla.',
    en: 'Only the professional who took the consultation may close it.',
  },
  /** Medical notes are for the customer, the professional and medical supervisors. */
  NOTES_NOT_AVAILABLE: {
    status: 404,
    es: 'No encontramos notas de esa consulta que puedas ver.',
    en: 'We could not find notes of that consultation that you may read.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof RemoteErrors> {}
}
