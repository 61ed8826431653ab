import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const MemberErrors = defineErrors({
  /** No such membership, or not one the caller may see (someone else's answers the same). */
  MEMBERSHIP_NOT_FOUND: {
    status: 404,
    es: 'No encontramos esa membresía.',
    en: 'We could not find that membership.',
  },
  /** The titular already has a membership that is not cancelled. */
  MEMBERSHIP_ALREADY_EXISTS: {
    status: 409,
    es: 'Ya tienes una membresía vigente. Consulta tu portal o llámanos al 55 5480 0900.',
    en: 'There is already a live membership for this titular. Check the portal or call 55 5480 0900.',
  },
  /** A bank sale's contracting date: not a date, in the future, or too old to take (its file). */
  SALE_DATE_INVALID: {
    status: 422,
    es: 'Revisa la fecha de contratación.',
    en: 'Check the contracting date.',
  },
  /** Account activation: the membership already has a portal account; sign in to it instead. */
  MEMBERSHIP_HAS_ACCOUNT: {
    status: 409,
    es: 'Esta membresía ya tiene una cuenta. Inicia sesión con ella o, si no recuerdas tu contraseña, llámanos al 55 5480 0900.',
    en: 'This membership already has an account. Sign in with it or, if you do not remember your password, call us at +52 55 5480 0900.',
  },
  /** The membership is cancelled: it cannot be changed. */
  MEMBERSHIP_CANCELLED: {
    status: 409,
    es: 'La membresía está cancelada y ya no se puede modificar.',
    en: 'The membership is cancelled and can no longer be changed.',
  },
  /** A state change the membership lifecycle does not allow (e.g. cancelled → active). */
  MEMBERSHIP_TRANSITION_NOT_ALLOWED: {
    status: 409,
    es: 'Ese cambio de estado no es posible para esta membresía.',
    en: 'That state change is not possible for this membership.',
  },
  /** This kind of caller cannot contract (only customers, agents by phone, and the bank). */
  CHANNEL_NOT_ALLOWED: {
    status: 403,
    es: 'No puedes contratar desde aquí.',
    en: 'You cannot contract from here.',
  },
  /** Online contracting without an account needs a password for the new account. */
  ACCOUNT_PASSWORD_REQUIRED: {
    status: 400,
    es: 'Crea una contraseña para tu cuenta.',
    en: 'Choose a password for your account.',
  },
  /** The name is not a full name (first and last name, letters only). */
  NAME_INVALID: {
    status: 400,
    es: 'Escribe el nombre completo (nombre y apellidos).',
    en: 'Enter the full name (first and last names).',
  },
  /** A birth date that is not a real date, or in the future. */
  BIRTH_DATE_INVALID: {
    status: 400,
    es: 'La fecha de nacimiento no es válida.',
    en: 'The birth date is not valid.',
  },
  /** The titular must be of age (18) to contract. */
  TITULAR_UNDERAGE: {
    status: 422,
    es: 'El titular debe ser mayor de edad.',
    en: 'The titular must be at least 18.',
  },
  /** The RFC does not follow the SAT format (with a valid date). */
  RFC_INVALID: {
    status: 400,
    es: 'El RFC no es válido. Revisa las letras, la fecha y la homoclave.',
    en: 'The RFC is not valid. Check the letters, the date and the homoclave.',
  },
  /** The CURP does not follow RENAPO's format or its check digit is wrong. */
  CURP_INVALID: {
    status: 400,
    es: 'La CURP no es válida. Revisa que tenga 18 caracteres y esté bien escrita.',
    en: 'The CURP is not valid. Check its 18 characters.',
  },
  /** Terms and privacy notice must both be accepted, in their current versions. */
  CONSENT_REQUIRED: {
    status: 422,
    es: 'Para contratar acepta los Términos y Condiciones y el Aviso de Privacidad vigentes.',
    en: 'To contract, accept the current Terms and Conditions and Privacy Notice.',
  },
  /** The person cannot be a beneficiary (e.g. a child aged 21 or more); `reason` says why. */
  BENEFICIARY_NOT_ELIGIBLE: {
    status: 422,
    es: 'Esa persona no puede ser beneficiaria.',
    en: 'That person cannot be a beneficiary.',
  },
  /** Only one spouse at a time. */
  BENEFICIARY_SPOUSE_EXISTS: {
    status: 409,
    es: 'La membresía ya tiene un cónyuge registrado. Da de baja al actual para registrar a otro.',
    en: 'The membership already has a spouse. Remove the current one to add another.',
  },
  /** A child needs a birth date; an additional cardholder, the card's last 4 digits. */
  BENEFICIARY_DETAILS_MISSING: {
    status: 400,
    es: 'Faltan datos del beneficiario.',
    en: 'Some beneficiary details are missing.',
  },
  /** No such beneficiary on this membership. */
  BENEFICIARY_NOT_FOUND: {
    status: 404,
    es: 'No encontramos ese beneficiario.',
    en: 'We could not find that beneficiary.',
  },
  /** The signed-in customer account stands for no beneficiary (a titular's, or a stranger's). */
  NOT_A_BENEFICIARY_ACCOUNT: {
    status: 404,
    es: 'Esta cuenta no es la de un beneficiario invitado por el titular.',
    en: 'This account is not one a titular invited a beneficiary to.',
  },
  /** A beneficiary's own account whose access the titular took away, or who is no longer on the membership. */
  BENEFICIARY_ACCESS_REVOKED: {
    status: 403,
    es: 'Tu acceso a la membresía terminó: el titular lo retiró o ya no estás en ella. Si necesitas asistencia, llámanos al 55 5480 0900.',
    en: 'Your access to the membership has ended: the titular took it away or you are no longer on it. If you need assistance, call us at +52 55 5480 0900.',
  },
  /**
   * An agent asked for a membership's details (or to change them) without checking, in the last
   * 30 minutes, who is on the line: POST /v1/memberships/{id}/verifications first.
   */
  VERIFICATION_REQUIRED: {
    status: 428,
    es: 'Antes de ver o cambiar los datos de la membresía, verifica la identidad de quien llama.',
    en: 'Verify the caller’s identity before seeing or changing the membership’s details.',
  },
  /**
   * The titular's personal data is blocked by an accepted ARCO cancellation: kept only for the
   * legal obligations (billing and tax records stay reachable), and no longer shown to staff or
   * the bank. The privacy office still reaches it, to answer the person's requests.
   */
  PERSONAL_DATA_BLOCKED: {
    status: 451,
    es: 'Los datos personales de esta membresía están bloqueados por una solicitud de cancelación (derechos ARCO). Solo se conservan sus cobros y facturas.',
    en: 'This membership’s personal data is blocked by a cancellation request (ARCO rights). Only its charges and invoices are kept.',
  },
  /** The facts given do not match the membership; `attemptsLeft` says how many tries remain. */
  VERIFICATION_FAILED: {
    status: 422,
    es: 'Los datos no coinciden con la membresía. Pide a quien llama que los revise.',
    en: 'The details do not match the membership. Ask the caller to check them.',
  },
  /** Too many wrong answers for this membership lately: facts are refused for a while (skip with a reason). */
  VERIFICATION_LOCKED: {
    status: 429,
    es: 'Demasiados intentos fallidos con esta membresía. Espera 30 minutos u omite la verificación con un motivo.',
    en: 'Too many failed attempts for this membership. Wait 30 minutes or skip the check with a reason.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof MemberErrors> {}
}
