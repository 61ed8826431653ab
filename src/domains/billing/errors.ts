import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const BillingErrors = defineErrors({
  /** No charge with that id, or one the caller may not see. */
  CHARGE_NOT_FOUND: {
    status: 404,
    es: 'No encontramos ese cargo.',
    en: 'We could not find that charge.',
  },
  /** Only a failed charge of a membership that is not cancelled can be attempted again. */
  CHARGE_NOT_RETRYABLE: {
    status: 409,
    es: 'Ese cargo no se puede reintentar: solo se reintentan cargos rechazados de membresías vigentes.',
    en: 'That charge cannot be retried: only declined charges of memberships not cancelled are.',
  },
  /** Only money actually charged can be given back. */
  CHARGE_NOT_REFUNDABLE: {
    status: 409,
    es: 'Ese cargo no se cobró, así que no hay nada que reembolsar.',
    en: 'That charge was not collected, so there is nothing to refund.',
  },
  /** The refunds of a charge never add up to more than was charged. */
  REFUND_EXCEEDS_CHARGE: {
    status: 422,
    es: 'El reembolso supera lo que queda por reembolsar de ese cargo.',
    en: 'The refund is more than what is left to refund on that charge.',
  },
  /** The same Idempotency-Key was sent again with another amount. */
  REFUND_KEY_REUSED: {
    status: 422,
    es: 'Esa clave de idempotencia ya se usó para un reembolso distinto de este cargo.',
    en: 'That idempotency key was already used for a different refund of this charge.',
  },
  /** A billing run charges what is due up to now; charging ahead of time is not allowed here. */
  BILLING_RUN_IN_FUTURE: {
    status: 422,
    es: 'Una corrida de cobranza no puede hacerse con una fecha futura.',
    en: 'A billing run cannot be made at a future instant.',
  },
  /** A collection file is made for today or a past day: sealing a future one would empty today's. */
  DIRECT_DEBIT_DATE_IN_FUTURE: {
    status: 422,
    es: 'El archivo de cobranza de un día futuro aún no existe; pide el de hoy o uno anterior.',
    en: 'A future day’s collection file does not exist yet; ask for today’s or an earlier one.',
  },
  /** The answer file must start with its header row (docs/bank-files.md); nothing was applied. */
  DIRECT_DEBIT_ANSWER_HEADER: {
    status: 422,
    es: 'El archivo de respuesta debe empezar con el encabezado "referencia,resultado,motivo"; no se aplicó nada.',
    en: 'The answer file must start with the header "referencia,resultado,motivo"; nothing was applied.',
  },
  BILLING_RUN_NOT_FOUND: {
    status: 404,
    es: 'No encontramos esa corrida de cobranza.',
    en: 'We could not find that billing run.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof BillingErrors> {}
}
