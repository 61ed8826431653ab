import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const ComplaintErrors = defineErrors({
  /** No complaint with that id, or one the caller may not see (another customer's). */
  COMPLAINT_NOT_FOUND: {
    status: 404,
    es: 'No encontramos esa queja.',
    en: 'We could not find that complaint.',
  },
  /** The complaint's status does not allow that (e.g. resolving one nobody took, or acting on a resolved one). */
  COMPLAINT_TRANSITION_INVALID: {
    status: 409,
    es: 'La queja no admite ese cambio en su estado actual.',
    en: 'The complaint does not allow that change in its current status.',
  },
  /** Someone is already working on the complaint. */
  COMPLAINT_ALREADY_TAKEN: {
    status: 409,
    es: 'Esa queja ya la está atendiendo alguien.',
    en: 'Someone is already working on that complaint.',
  },
  /** An escalated complaint is taken or resolved by a supervisor. */
  COMPLAINT_SUPERVISOR_REQUIRED: {
    status: 409,
    es: 'La queja está escalada: solo una persona supervisora puede tomarla o resolverla.',
    en: 'The complaint is escalated: only a supervisor may take or resolve it.',
  },
  /** A complaint in progress is resolved by whoever took it, or by a supervisor. */
  COMPLAINT_NOT_YOURS: {
    status: 409,
    es: 'Esa queja la atiende otra persona: solo ella o una persona supervisora puede resolverla.',
    en: 'Someone else is working on that complaint: only they or a supervisor may resolve it.',
  },
  /** The case named is not one of the membership's. */
  COMPLAINT_CASE_MISMATCH: {
    status: 422,
    es: 'Ese caso no pertenece a la membresía de la queja.',
    en: 'That case does not belong to the complaint’s membership.',
  },
  /** A beneficiary's own account complains about a case of theirs: name it (not a charge, not nothing). */
  COMPLAINT_CASE_REQUIRED: {
    status: 422,
    es: 'Elige la asistencia de la que quieres quejarte.',
    en: 'Choose the assistance your complaint is about.',
  },
  /** The charge named is not one of the membership's. */
  COMPLAINT_CHARGE_MISMATCH: {
    status: 422,
    es: 'Ese cobro no pertenece a la membresía de la queja.',
    en: 'That charge does not belong to the complaint’s membership.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof ComplaintErrors> {}
}
