/**
 * The case's states and the moves between them. Pure: services ask `canMove` before writing, and
 * the timeline records every move with its time, actor and note.
 *
 * requested → (offer accepted) → dispatched → en_route → on_site → completed
 * requested → awaiting_excess_acceptance → dispatched (a capped service quoted above its cap)
 * requested | awaiting_excess_acceptance | dispatched | en_route → cancelled (the use comes back)
 * requested → refused (not eligible, at request or at dispatch)
 * requested → booked (→ booked again: rescheduled) → attended | no_show | cancelled (appointments)
 * requested → in_consultation → completed | cancelled (remote consultations)
 */
export const CASE_STATES = [
  'requested',
  'awaiting_excess_acceptance',
  'dispatched',
  'en_route',
  'on_site',
  'completed',
  'booked',
  'attended',
  'no_show',
  'in_consultation',
  'under_review',
  'approved',
  'paid',
  'rejected',
  'cancelled',
  'refused',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

const MOVES: Record<CaseState, readonly CaseState[]> = {
  requested: [
    'awaiting_excess_acceptance',
    'dispatched',
    'booked',
    'in_consultation',
    'under_review',
    'cancelled',
    'refused',
  ],
  awaiting_excess_acceptance: ['dispatched', 'cancelled', 'refused'],
  dispatched: ['en_route', 'on_site', 'cancelled'],
  en_route: ['on_site', 'cancelled'],
  on_site: ['completed'],
  completed: [],
  booked: ['booked', 'attended', 'no_show', 'cancelled'],
  attended: [],
  no_show: [],
  in_consultation: ['completed', 'cancelled'],
  under_review: ['approved', 'rejected', 'cancelled'],
  approved: ['paid'],
  paid: [],
  rejected: [],
  cancelled: [],
  refused: [],
};

export function canMove(from: CaseState, to: CaseState): boolean {
  return MOVES[from].includes(to);
}

/** States in which a provider holds the job (counts against its capacity). */
export const ASSIGNED_STATES: readonly CaseState[] = [
  'awaiting_excess_acceptance',
  'dispatched',
  'en_route',
  'on_site',
];

/** Before the provider arrives the case may be cancelled and its use given back. */
export function isCancellable(state: CaseState): boolean {
  return canMove(state, 'cancelled');
}

/** Closed: nothing more happens to the case (completed, cancelled, refused, paid…). */
export function isClosed(state: CaseState): boolean {
  return MOVES[state].length === 0;
}

/** What the provider reports, in order. */
export const PROVIDER_STATUSES = ['en_route', 'on_site', 'completed', 'attended', 'no_show'] as const;
export type ProviderStatus = (typeof PROVIDER_STATUSES)[number];

/** How the case's state reads to the customer and the agent. */
export const STATE_LABELS: Record<CaseState, { es: string; en: string }> = {
  requested: { es: 'Solicitado: buscando proveedor', en: 'Requested: finding a provider' },
  awaiting_excess_acceptance: {
    es: 'Esperando que aceptes el excedente',
    en: 'Waiting for you to accept the excess',
  },
  dispatched: { es: 'Proveedor asignado', en: 'Provider assigned' },
  en_route: { es: 'Proveedor en camino', en: 'Provider on the way' },
  on_site: { es: 'Proveedor en el lugar', en: 'Provider on site' },
  completed: { es: 'Servicio concluido', en: 'Service completed' },
  booked: { es: 'Cita agendada', en: 'Appointment booked' },
  attended: { es: 'Cita atendida', en: 'Appointment attended' },
  no_show: { es: 'No se presentó a la cita', en: 'Did not attend the appointment' },
  in_consultation: { es: 'En consulta con un profesional', en: 'In consultation with a professional' },
  under_review: { es: 'Reclamación en revisión', en: 'Claim under review' },
  approved: { es: 'Reembolso aprobado: pago en proceso', en: 'Reimbursement approved: payment in progress' },
  paid: { es: 'Reembolso pagado a tu tarjeta', en: 'Reimbursement paid to your card' },
  rejected: { es: 'Reclamación rechazada', en: 'Claim rejected' },
  cancelled: { es: 'Cancelado', en: 'Cancelled' },
  refused: { es: 'No procede', en: 'Refused' },
};
