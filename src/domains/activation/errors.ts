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
  /** The person has no birth date on file or is under 18 at today's date: no account of their own. */
  BENEFICIARY_NOT_OF_AGE: {
    status: 422,
    es: 'Solo puedes invitar a beneficiarios mayores de edad.',
    en: 'You can only invite beneficiaries who are of age.',
  },
  /** Neither an email nor a phone was given to send the invitation to. */
  INVITATION_CONTACT_MISSING: {
    status: 422,
    es: 'Escribe el correo o el celular al que enviaremos la invitación.',
    en: 'Give the email or mobile number to send the invitation to.',
  },
  /** The person already has an account of their own; revoke it first to invite again. */
  BENEFICIARY_HAS_ACCOUNT: {
    status: 409,
    es: 'Esta persona ya tiene su propia cuenta.',
    en: 'This person already has an account of their own.',
  },
  /** No invitation with that link. */
  INVITATION_NOT_FOUND: {
    status: 404,
    es: 'No encontramos esa invitación. Pide al titular que te invite de nuevo.',
    en: 'We could not find that invitation. Ask the titular to invite you again.',
  },
  /** The link was used, replaced by a newer one, revoked, or is past its date (`reason`). */
  INVITATION_EXPIRED: {
    status: 410,
    es: 'Esta invitación ya no sirve. Pide al titular una nueva.',
    en: 'This invitation no longer works. Ask the titular for a new one.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof ActivationErrors> {}
}
