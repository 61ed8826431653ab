import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const ActivationErrors = defineErrors({
  /**
   * The membership number, the card's last 4 and the birth date do not match one membership. One
   * answer whichever fact is wrong (or none exists), so the form confirms nothing on its own.
   */
  ACTIVATION_FACTS_NOT_MATCHED: {
    status: 422,
    es: 'Los datos no coinciden con ninguna membresía. Revisa el número de membresía, los últimos 4 dígitos de tu tarjeta y tu fecha de nacimiento, o llámanos al 55 5480 0900.',
    en: 'Those details do not match a membership. Check the membership number, the last 4 digits of your card and your birth date, or call us at +52 55 5480 0900.',
  },
  /**
   * Held back like a sign-in (SIGN_IN_THROTTLE): too many wrong attempts for this membership number
   * from this address, or too many codes sent for one membership. Retry-After says when.
   */
  ACTIVATION_THROTTLED: {
    status: 429,
    es: 'Demasiados intentos. Espera un momento e inténtalo de nuevo, o llámanos al 55 5480 0900.',
    en: 'Too many attempts. Wait a moment and try again, or call us at +52 55 5480 0900.',
  },
  /** No such activation. */
  ACTIVATION_NOT_FOUND: {
    status: 404,
    es: 'No encontramos esa activación. Empieza de nuevo.',
    en: 'We could not find that activation. Start again.',
  },
  /** The code expired, was used, was replaced by a newer one, or took too many wrong tries. */
  ACTIVATION_EXPIRED: {
    status: 410,
    es: 'Ese código ya no sirve. Pide uno nuevo.',
    en: 'That code no longer works. Ask for a new one.',
  },
  /** The code is not the one sent; `attemptsLeft` says how many tries remain. */
  ACTIVATION_CODE_INVALID: {
    status: 422,
    es: 'El código no es correcto. Revisa el mensaje que te enviamos.',
    en: 'The code is not correct. Check the message we sent you.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof ActivationErrors> {}
}
