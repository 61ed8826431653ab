import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const PaymentErrors = defineErrors({
  /** The card number is not 13–19 digits or fails the Luhn check: a typo. */
  CARD_NUMBER_INVALID: {
    status: 422,
    es: 'El número de tarjeta no es válido. Revísalo e inténtalo de nuevo.',
    en: 'The card number is not valid. Check it and try again.',
  },
  /** The month is not 1–12 or the year is not a plausible expiry year. */
  CARD_EXPIRY_INVALID: {
    status: 422,
    es: 'La fecha de vencimiento no es válida. Escribe el mes y el año que aparecen en tu tarjeta.',
    en: 'The expiry date is not valid. Enter the month and year shown on your card.',
  },
  /** The card's expiry month has passed (Mexico City time), or the processor says it expired. */
  CARD_EXPIRED: {
    status: 422,
    es: 'La tarjeta está vencida. Usa una tarjeta vigente.',
    en: 'The card has expired. Use a card that is still valid.',
  },
  /** The security code is not 3 digits (4 for American Express). */
  CARD_CVV_INVALID: {
    status: 422,
    es: 'El código de seguridad no es válido: son 3 dígitos al reverso (4 al frente en American Express).',
    en: 'The security code is not valid: 3 digits on the back (4 on the front for American Express).',
  },
  /** The card issuer refused the card; `declineCode` says why when the processor does. */
  CARD_DECLINED: {
    status: 402,
    es: 'El banco emisor rechazó la tarjeta. Usa otra tarjeta o comunícate con tu banco.',
    en: 'The card issuer declined the card. Use another card or contact your bank.',
  },
  /** The payment processor does not know this card token. */
  CARD_TOKEN_UNKNOWN: {
    status: 422,
    es: 'No reconocemos esa tarjeta. Captúrala de nuevo en el formulario seguro de pago.',
    en: 'We do not recognise that card. Enter it again in the secure card form.',
  },
  /** An idempotency key already used for a different charge or refund (another amount or card). */
  PAYMENT_IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    es: 'Esa clave de idempotencia ya se usó para otra operación de pago.',
    en: 'That idempotency key was already used for a different payment operation.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof PaymentErrors> {}
}
