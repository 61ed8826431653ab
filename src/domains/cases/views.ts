import type { ProviderRow } from '../dispatch/repository.ts';
import type { Decision } from '../entitlements/decide.ts';
import { type CaseState, STATE_LABELS } from './lifecycle.ts';
import type { PlacePrecision } from './place.ts';
import type { CaseEventRow, CaseRow } from './repository.ts';

/** What each timeline event says to the customer and the agent. */
/** Events that enter a state read as that state does. */
const SAME_AS_STATE = [
  'dispatched',
  'en_route',
  'completed',
  'booked',
  'attended',
  'no_show',
  'under_review',
  'paid',
  'rejected',
] as const;

export const EVENT_LABELS: Record<string, { es: string; en: string }> = {
  ...Object.fromEntries(SAME_AS_STATE.map((state) => [state, STATE_LABELS[state]])),
  requested: { es: 'Solicitud recibida', en: 'Request received' },
  refused: { es: 'La solicitud no procede', en: 'The request was refused' },
  offered: { es: 'Ofrecido a un proveedor cercano', en: 'Offered to a nearby provider' },
  offer_accepted: { es: 'El proveedor aceptó', en: 'The provider accepted' },
  offer_declined: { es: 'El proveedor no pudo tomarlo', en: 'The provider declined' },
  offer_expired: {
    es: 'El proveedor no respondió a tiempo',
    en: 'The provider did not answer in time',
  },
  no_provider_available: {
    es: 'Sin proveedor disponible: un agente lo asignará',
    en: 'No provider available: an agent will assign one',
  },
  assigned_by_hand: { es: 'Un agente asignó al proveedor', en: 'An agent assigned the provider' },
  excess_pending: {
    es: 'Cotización mayor a lo cubierto: acepta el excedente para continuar',
    en: 'Quote above the cover: accept the excess to go on',
  },
  excess_accepted: { es: 'Excedente aceptado', en: 'Excess accepted' },
  eta_updated: { es: 'Hora estimada de llegada actualizada', en: 'Arrival time updated' },
  on_site: { es: 'El proveedor llegó', en: 'The provider arrived' },
  cancelled: { es: 'Caso cancelado', en: 'Case cancelled' },
  rescheduled: { es: 'Cita cambiada de horario', en: 'Appointment rescheduled' },
  taken: { es: 'Un profesional tomó tu solicitud', en: 'A professional took your request' },
  document_added: { es: 'Documento agregado a la reclamación', en: 'Document added to the claim' },
  approved: { es: 'Reembolso aprobado', en: 'Reimbursement approved' },
  place_updated: { es: 'Ubicación actualizada', en: 'Location updated' },
  unit_set: { es: 'El proveedor registró la unidad', en: 'The provider set the unit' },
  rated: { es: 'Servicio calificado', en: 'Service rated' },
  offer_withdrawn: {
    es: 'Oferta retirada: la ubicación cambió y otro proveedor llega antes',
    en: 'Offer withdrawn: the location changed and another provider arrives sooner',
  },
};

export interface CaseEventView {
  seq: number;
  type: string;
  label: { es: string; en: string };
  state: string;
  at: string;
  actor: { kind: string; name: string };
  note: string | null;
  data: Record<string, unknown>;
}

/**
 * Who reads a timeline. Staff read every event's data; anyone else (the customer, a partner) reads
 * it without the dispatch's inner workings: no offer ids, and no provider other than the one
 * assigned to the case (which providers were asked, and how far they were, is not theirs to know).
 */
export type EventAudience = { staff: true } | { staff: false; assignedProviderId: string | null };
export const STAFF_AUDIENCE: EventAudience = { staff: true };

function dataFor(data: Record<string, unknown>, audience: EventAudience): Record<string, unknown> {
  if (audience.staff) return data;
  const { offerId: _offer, ...rest } = data;
  if ('providerId' in rest && rest.providerId !== audience.assignedProviderId) {
    const { providerId: _provider, distanceKm: _distance, etaMinutes: _eta, ...others } = rest;
    return others;
  }
  return rest;
}

export function presentEvent(e: CaseEventRow, audience: EventAudience = STAFF_AUDIENCE): CaseEventView {
  return {
    seq: e.seq,
    type: e.type,
    label: EVENT_LABELS[e.type] ?? { es: e.type, en: e.type },
    state: e.state,
    at: e.at.toISOString(),
    actor: { kind: e.actorKind, name: e.actorName },
    note: e.note,
    data: dataFor(e.data as Record<string, unknown>, audience),
  };
}

export const iso = (d: Date | null) => (d ? d.toISOString() : null);
const minutesBetween = (a: Date, b: Date | null) =>
  b ? Math.round((b.getTime() - a.getTime()) / 60_000) : null;

export interface CaseView {
  id: string;
  number: string;
  state: string;
  stateLabel: { es: string; en: string };
  channel: string;
  fulfilment: string;
  membershipId: string;
  person: { id: string; name: string };
  serviceCode: string;
  place: CasePlaceView;
  description: string;
  details: Record<string, unknown>;
  decision: Decision;
  provider: {
    id: string;
    name: string;
    phone: string;
    location: { lat: number; lng: number; updatedAt: string } | null;
  } | null;
  eta: { minutes: number; at: string } | null;
  cost: {
    quoteCentavos: number | null;
    coveredCentavos: number | null;
    excessCentavos: number | null;
    excessAcceptedAt: string | null;
    excessAcceptedBy: string | null;
    finalCostCentavos: number | null;
  };
  needsManualDispatch: boolean;
  sla: {
    dispatchDueAt: string | null;
    arrivalDueAt: string | null;
    minutesToDispatch: number | null;
    minutesToArrival: number | null;
    /** Targets missed (or being missed now by an open case): `dispatch`, `arrival`. */
    breached: string[];
  };
  requestedAt: string;
  dispatchedAt: string | null;
  enRouteAt: string | null;
  onSiteAt: string | null;
  completedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
  unit: { driverName: string; vehicle: string; plates: string } | null;
  rating: { score: number; comment: string | null; ratedAt: string } | null;
  timeline?: CaseEventView[];
  appointment?: AppointmentView;
  claim?: ClaimView;
  offers?: OfferView[];
}

/** Where help is needed, and how near the point is known to be. */
export interface CasePlaceView {
  address: string;
  lat: number;
  lng: number;
  stateCode: string | null;
  country: string;
  /** `exact` … `state`; null: as the request gave it, precision not stated. */
  precision: PlacePrecision | null;
  /** The radius a phone reported for the point, in metres. */
  accuracyM: number | null;
}

/** What the kinds of help add to the case's view (each module fills its own). */
export type CaseViewParts = Pick<CaseView, 'appointment' | 'claim' | 'offers'>;

/** An appointment: when, in which slot, and the messages about it. */
export interface AppointmentView {
  at: string | null;
  slotId: string | null;
  notifications: {
    kind: string;
    channel: string;
    sendAt: string;
    status: string;
    es: string;
    en: string;
  }[];
}

/** An offer made to a provider (staff only). */
export interface OfferView {
  id: string;
  providerId: string;
  status: string;
  attempt: number;
  distanceKm: number;
  etaMinutes: number;
  offeredAt: string;
  expiresAt: string;
  respondedAt: string | null;
  quoteCentavos: number | null;
  declineReason: string | null;
}

/** A document filed with a claim, without its bytes. */
export interface CaseDocumentView {
  id: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
}

/** A reimbursement claim: what was asked, the card's 24-hour cap, what was approved and paid. */
export interface ClaimView {
  requestedCentavos: number | null;
  cardDailyAtmMaximumCentavos: number | null;
  withdrawal: { at: string | null; atm: string | null };
  approvedCentavos: number | null;
  payoutReference: string | null;
  /** Present when the case is read one at a time (not in lists). */
  documents?: CaseDocumentView[];
}

function breaches(c: CaseRow, now: Date): string[] {
  const out: string[] = [];
  // An open case is measured against now; a closed one by what happened.
  const open = c.closedAt === null;
  const dispatched = c.dispatchedAt ?? (open ? now : null);
  if (c.dispatchDueAt && dispatched && dispatched > c.dispatchDueAt) out.push('dispatch');
  const arrived = c.onSiteAt ?? (open ? now : null);
  if (c.arrivalDueAt && arrived && arrived > c.arrivalDueAt) out.push('arrival');
  return out;
}

/**
 * The states in which the case shows where its provider's unit is: sent and not yet done. Before
 * dispatch (an offer, a quote waiting for the customer) and after the end, the unit's position is
 * the provider's own business.
 */
const ON_THE_WAY: readonly CaseState[] = ['dispatched', 'en_route', 'on_site'];

export function presentCase(
  c: CaseRow,
  events: CaseEventRow[] | null,
  provider: ProviderRow | null,
  now: Date,
  audience: EventAudience = STAFF_AUDIENCE,
  parts: CaseViewParts = {},
): CaseView {
  return {
    id: c.id,
    number: c.number,
    state: c.state,
    stateLabel: STATE_LABELS[c.state as CaseState],
    channel: c.channel,
    fulfilment: c.fulfilment,
    membershipId: c.membershipId,
    person: { id: c.personId, name: c.personName },
    serviceCode: c.serviceCode,
    place: {
      address: c.addressText,
      lat: c.lat,
      lng: c.lng,
      stateCode: c.stateCode,
      country: c.country,
      precision: c.placePrecision as PlacePrecision | null,
      accuracyM: c.placeAccuracyM,
    },
    description: c.description,
    details: c.details as Record<string, unknown>,
    decision: c.decision as Decision,
    provider: provider
      ? {
          id: provider.id,
          name: provider.name,
          phone: provider.phone,
          location: ON_THE_WAY.includes(c.state as CaseState)
            ? { lat: provider.lat, lng: provider.lng, updatedAt: provider.locationUpdatedAt.toISOString() }
            : null,
        }
      : null,
    eta: c.etaMinutes !== null && c.etaAt ? { minutes: c.etaMinutes, at: c.etaAt.toISOString() } : null,
    cost: {
      quoteCentavos: c.quoteCentavos,
      coveredCentavos: c.coveredCentavos,
      excessCentavos: c.excessCentavos,
      excessAcceptedAt: iso(c.excessAcceptedAt),
      excessAcceptedBy: c.excessAcceptedBy,
      finalCostCentavos: c.finalCostCentavos,
    },
    needsManualDispatch: c.needsManualDispatch,
    sla: {
      dispatchDueAt: iso(c.dispatchDueAt),
      arrivalDueAt: iso(c.arrivalDueAt),
      minutesToDispatch: minutesBetween(c.requestedAt, c.dispatchedAt),
      minutesToArrival: minutesBetween(c.requestedAt, c.onSiteAt),
      breached: c.state === 'refused' ? [] : breaches(c, now),
    },
    requestedAt: c.requestedAt.toISOString(),
    dispatchedAt: iso(c.dispatchedAt),
    enRouteAt: iso(c.enRouteAt),
    onSiteAt: iso(c.onSiteAt),
    completedAt: iso(c.completedAt),
    closedAt: iso(c.closedAt),
    closeReason: c.closeReason,
    unit: unitFor(c, audience.staff),
    rating:
      c.ratingScore !== null && c.ratedAt
        ? { score: c.ratingScore, comment: c.ratingComment, ratedAt: c.ratedAt.toISOString() }
        : null,
    ...(events ? { timeline: events.map((e) => presentEvent(e, audience)) } : {}),
    ...parts,
  };
}

/** While the unit is on its way or working: what the customer needs to know the truck that comes. */
export const UNIT_SHOWN_STATES: readonly string[] = ['dispatched', 'en_route', 'on_site'];

/** "Juan Pérez Soto" → "Juan P.": enough to greet the driver and check it is them. */
export function driverShortName(fullName: string): string {
  const [first = '', second] = fullName.trim().split(/\s+/);
  return second ? `${first} ${second.charAt(0).toLocaleUpperCase('es-MX')}.` : first;
}

/**
 * The unit: staff read all of it, always; the customer reads it only while it is coming or there,
 * with the driver's first name and initial (the plates in full: they are how one checks the truck).
 */
function unitFor(c: CaseRow, staff: boolean): CaseView['unit'] {
  if (!c.unitDriverName || !c.unitVehicle || !c.unitPlates) return null;
  if (staff) return { driverName: c.unitDriverName, vehicle: c.unitVehicle, plates: c.unitPlates };
  if (!UNIT_SHOWN_STATES.includes(c.state)) return null;
  return { driverName: driverShortName(c.unitDriverName), vehicle: c.unitVehicle, plates: c.unitPlates };
}

/**
 * What a provider sees of a job: the place and the need, not the membership. Of the person, only
 * the first name (enough to greet them at the roadside): the provider needs no more.
 */
export interface ProviderJobView {
  id: string;
  number: string;
  state: string;
  serviceCode: string;
  personFirstName: string;
  place: { address: string; lat: number; lng: number };
  description: string;
  details: Record<string, unknown>;
  eta: { minutes: number; at: string } | null;
  quoteCentavos: number | null;
  excessAccepted: boolean;
  finalCostCentavos: number | null;
  unit: { driverName: string; vehicle: string; plates: string } | null;
}

/** "María José García López" → "María": the first word of the name. */
export function firstNameOf(fullName: string): string {
  return fullName.trim().split(/\s+/)[0] ?? '';
}

export function presentJob(c: CaseRow): ProviderJobView {
  return {
    id: c.id,
    number: c.number,
    state: c.state,
    serviceCode: c.serviceCode,
    personFirstName: firstNameOf(c.personName),
    place: { address: c.addressText, lat: c.lat, lng: c.lng },
    description: c.description,
    details: c.details as Record<string, unknown>,
    eta: c.etaMinutes !== null && c.etaAt ? { minutes: c.etaMinutes, at: c.etaAt.toISOString() } : null,
    quoteCentavos: c.quoteCentavos,
    excessAccepted: c.excessAcceptedAt !== null,
    finalCostCentavos: c.finalCostCentavos,
    unit:
      c.unitDriverName && c.unitVehicle && c.unitPlates
        ? { driverName: c.unitDriverName, vehicle: c.unitVehicle, plates: c.unitPlates }
        : null,
  };
}
