import { parseMexicanPhone } from '../../lib/phone.ts';
import type { PlanService } from '../api.ts';
import { parsePesos } from '../i18n/format.ts';

/**
 * What a request for assistance asks besides the person and the place, shared by the customer's
 * form (portal) and the agent's (console): which fields the service needs, how they are checked,
 * and the `details` the API takes. Each form words its own problems from its own catalogue.
 */
export interface RequestDetailsFields {
  description: string;
  specialty: string;
  callbackPhone: string;
  vehicleMake: string;
  vehicleModel: string;
  vehicleYear: string;
  vehiclePlates: string;
  vehicleColor: string;
  destination: string;
}

export const EMPTY_DETAILS: RequestDetailsFields = {
  description: '',
  specialty: '',
  callbackPhone: '',
  vehicleMake: '',
  vehicleModel: '',
  vehicleYear: '',
  vehiclePlates: '',
  vehicleColor: '',
  destination: '',
};

/** What the chosen service needs besides the place and the description. */
export function needsOf(service: PlanService | undefined) {
  return {
    specialty: service?.rules.limit.kind === 'per_year_per_key' && service.rules.limit.key === 'specialty',
    vehicle: service?.category === 'roadside',
    callback: service?.fulfilment === 'remote',
    claim: service?.fulfilment === 'reimbursement',
    /** A capped service (the tow): the provider's quote decides the excess. */
    quote: service?.rules.perEvent.kind === 'amount_cap',
  };
}
export type Needs = ReturnType<typeof needsOf>;

export type DetailsProblem = 'description' | 'specialty' | 'callbackPhone' | 'vehicleYear';

/** The fields' problems, and the vehicle's year when one was typed. */
export function checkDetails(
  form: RequestDetailsFields,
  needs: Needs,
): { problems: DetailsProblem[]; year: number | undefined } {
  const problems: DetailsProblem[] = [];
  if (form.description.trim().length < 3) problems.push('description');
  if (needs.specialty && form.specialty.trim().length < 2) problems.push('specialty');
  if (form.callbackPhone.trim() && !parseMexicanPhone(form.callbackPhone)) problems.push('callbackPhone');
  const year = form.vehicleYear.trim() ? Number(form.vehicleYear) : undefined;
  if (year !== undefined && !(Number.isInteger(year) && year >= 1950 && year <= 2100))
    problems.push('vehicleYear');
  return { problems, year };
}

/** The request's `details` as the API takes them (only what the service needs and was given). */
export function detailsOf(
  form: RequestDetailsFields & { quote?: string },
  needs: Needs,
  year: number | undefined,
): Record<string, unknown> {
  const vehicle = {
    ...(form.vehicleMake.trim() ? { make: form.vehicleMake.trim() } : {}),
    ...(form.vehicleModel.trim() ? { model: form.vehicleModel.trim() } : {}),
    ...(year !== undefined ? { year } : {}),
    ...(form.vehiclePlates.trim() ? { plates: form.vehiclePlates.trim() } : {}),
    ...(form.vehicleColor.trim() ? { color: form.vehicleColor.trim() } : {}),
  };
  const quote = needs.quote && form.quote ? parsePesos(form.quote) : undefined;
  return {
    ...(needs.specialty ? { specialty: form.specialty.trim() } : {}),
    ...(needs.callback && form.callbackPhone.trim() ? { callbackPhone: form.callbackPhone.trim() } : {}),
    ...(quote !== undefined ? { estimatedCostCentavos: quote } : {}),
    ...(needs.vehicle && Object.keys(vehicle).length > 0 ? { vehicle } : {}),
    ...(needs.vehicle && form.destination.trim().length >= 3
      ? { destination: { address: form.destination.trim() } }
      : {}),
  };
}

/** The body of `POST /v1/cases`. */
/** A point as the API takes it (6 decimals: about 10 cm), with its address and state. */
export function pointPlace(address: string, point: { lat: number; lng: number }, stateCode: string) {
  return {
    address,
    lat: Number(point.lat.toFixed(6)),
    lng: Number(point.lng.toFixed(6)),
    ...(stateCode ? { stateCode } : {}),
  };
}

export function caseRequestBody(request: {
  membershipId: string;
  personId: string;
  serviceCode: string;
  /** A point with its address, or the address alone (its parts) for the server to place. */
  place: Record<string, unknown>;
  description: string;
  details: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    membershipId: request.membershipId,
    personId: request.personId,
    serviceCode: request.serviceCode,
    place: request.place,
    description: request.description.trim(),
    ...(Object.keys(request.details).length > 0 ? { details: request.details } : {}),
  };
}
