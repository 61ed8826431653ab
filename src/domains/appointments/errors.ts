import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const AppointmentErrors = defineErrors({
  /** No such slot. */
  SLOT_NOT_FOUND: { status: 404, es: 'No encontramos ese horario.', en: 'We could not find that slot.' },
  /** The slot is for another service or specialty than the case. */
  SLOT_NOT_SUITABLE: {
    status: 422,
    es: 'Ese horario es de otro servicio o especialidad.',
    en: 'That slot is for another service or specialty.',
  },
  /** The slot has already started or passed. */
  SLOT_IN_PAST: { status: 422, es: 'Ese horario ya pasó.', en: 'That slot has already passed.' },
  /** Every place in the slot is booked. */
  SLOT_FULL: { status: 409, es: 'Ese horario ya está lleno.', en: 'That slot is fully booked.' },
  /** The provider already published a slot for the service at that time. */
  SLOT_OVERLAPS: {
    status: 409,
    es: 'Ya publicaste un horario para ese servicio que se cruza con este.',
    en: 'You already published a slot for that service overlapping this one.',
  },
  /** Only appointment cases are booked, and only before they are attended. */
  CASE_NOT_BOOKABLE: {
    status: 409,
    es: 'Ese caso no se agenda con cita, o ya no se puede agendar.',
    en: 'That case is not booked by appointment, or can no longer be booked.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof AppointmentErrors> {}
}
