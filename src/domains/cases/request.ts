import { MINUTE_MS } from '../../lib/clock.ts';
import type { Actor } from '../../platform/principal.ts';
import type { Decision } from '../entitlements/decide.ts';
import type { Fulfilment } from './fulfilment.ts';
import type { CaseState } from './lifecycle.ts';
import type { PlacePrecision } from './place.ts';
import type { CaseRow } from './repository.ts';

/** What a request may say beyond the place and the need; each kind of help reads its own part. */
export interface CaseDetails {
  specialty?: string | undefined;
  estimatedCostCentavos?: number | undefined;
  callbackPhone?: string | undefined;
  vehicle?: { make?: string; model?: string; year?: number; plates?: string; color?: string } | undefined;
  destination?: { address: string; lat?: number; lng?: number } | undefined;
  /** Reimbursement claims (claims/details.ts). */
  withdrawal?: { amountCentavos?: number; at?: string; atm?: string } | undefined;
  cardDailyAtmMaximumCentavos?: number | undefined;
}

export interface CaseInput {
  membershipId: string;
  /** `titular` or a beneficiary id. */
  personId: string;
  serviceCode: string;
  place: {
    address?: string | undefined;
    street?: string | undefined;
    number?: string | undefined;
    colonia?: string | undefined;
    postalCode?: string | undefined;
    municipality?: string | undefined;
    lat?: number | undefined;
    lng?: number | undefined;
    stateCode?: string | undefined;
    country?: string | undefined;
  };
  description: string;
  details?: CaseDetails | undefined;
}

/**
 * Where the case is, once known: the request's own coordinates (precision null — a request's
 * coordinates say nothing of how they were found), or the geocoder's point with its precision and
 * the address as the data spells it.
 */
export interface ResolvedPlace {
  address: string;
  lat: number;
  lng: number;
  stateCode: string | null;
  precision: PlacePrecision | null;
}

/** Who did something, as the timeline shows it. */
export function eventActor(actor: Actor): { actorKind: string; actorId: string | null; actorName: string } {
  const p = actor.principal;
  if (!p) return { actorKind: 'system', actorId: null, actorName: 'Libra' };
  if (p.kind === 'user') return { actorKind: p.role, actorId: p.userId, actorName: p.name };
  return { actorKind: `api_key:${p.role}`, actorId: p.apiKeyId, actorName: p.name };
}

function channelOf(actor: Actor): 'phone' | 'online' | 'bank' {
  const p = actor.principal;
  if (p?.kind === 'api_key') return 'bank';
  if (p?.kind === 'user' && p.role === 'customer') return 'online';
  return 'phone';
}

/** Decisions are stored as JSON: dates as ISO text, exactly as the API shows them. */
export function stored(decision: Decision): Decision {
  return JSON.parse(JSON.stringify(decision));
}

/** The new case's row: allowed cases start `requested`, refused ones are closed with their first reason. */
export function newCaseRow(args: {
  id: string;
  number: string;
  actor: Actor;
  input: CaseInput;
  place: ResolvedPlace;
  fulfilment: Fulfilment;
  decision: Decision;
  personName: string | null;
  sla: { dispatchMinutes: number; arrivalMinutes: number | null } | undefined;
  now: Date;
}): CaseRow {
  const { input, decision, sla, now } = args;
  const state: CaseState = decision.allowed ? 'requested' : 'refused';
  return {
    id: args.id,
    number: args.number,
    membershipId: input.membershipId,
    personId: input.personId,
    personName: args.personName ?? '—',
    serviceCode: input.serviceCode,
    channel: channelOf(args.actor),
    fulfilment: args.fulfilment,
    slotId: null,
    appointmentAt: null,
    takenBy: null,
    approvedCentavos: null,
    payoutReference: null,
    state,
    addressText: args.place.address,
    lat: args.place.lat,
    lng: args.place.lng,
    placePrecision: args.place.precision,
    placeAccuracyM: null,
    stateCode: args.place.stateCode,
    country: (input.place.country ?? 'MX').toUpperCase(),
    description: input.description.trim(),
    details: input.details ?? {},
    decision: stored(decision),
    reservationId: null,
    providerId: null,
    etaMinutes: null,
    etaAt: null,
    quoteCentavos: null,
    coveredCentavos: null,
    excessCentavos: null,
    excessAcceptedAt: null,
    excessAcceptedBy: null,
    finalCostCentavos: null,
    needsManualDispatch: false,
    requestedAt: now,
    dispatchedAt: null,
    enRouteAt: null,
    onSiteAt: null,
    completedAt: null,
    closedAt: decision.allowed ? null : now,
    closeReason: decision.allowed ? null : (decision.reasons.find((r) => !r.ok)?.code ?? null),
    dispatchDueAt: sla ? new Date(now.getTime() + sla.dispatchMinutes * MINUTE_MS) : null,
    arrivalDueAt: sla?.arrivalMinutes ? new Date(now.getTime() + sla.arrivalMinutes * MINUTE_MS) : null,
    lastSeq: 0,
    openedBy: eventActor(args.actor).actorName,
    unitDriverName: null,
    unitVehicle: null,
    unitPlates: null,
    ratingScore: null,
    ratingComment: null,
    ratedAt: null,
    updatedAt: now,
  };
}
