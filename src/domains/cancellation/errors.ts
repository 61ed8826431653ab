import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const CancellationErrors = defineErrors({
  /** Online cancellation is only for memberships contracted online (SPEC); the answer gives the line. */
  CANCELLATION_BY_PHONE_ONLY: {
    status: 409,
    es: 'Tu membresía se contrató por teléfono o con el banco: para cancelarla llama al 55 5480 0900 (lunes a viernes de 08:00 a 21:00 h y sábados de 09:00 a 17:00 h; desde el extranjero +52 55 5480 0900 opción 5, las 24 horas).',
    en: 'Your membership was contracted by phone or through the bank: to cancel it call 55 5480 0900 (Monday to Friday 08:00–21:00, Saturday 09:00–17:00; from abroad +52 55 5480 0900 option 5, 24 hours).',
  },
  /** An agent records why the member cancels. */
  CANCELLATION_REASON_REQUIRED: {
    status: 422,
    es: 'Indica el motivo de la cancelación que da el cliente.',
    en: 'Give the reason the member gives for cancelling.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof CancellationErrors> {}
}
