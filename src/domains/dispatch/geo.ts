/**
 * Coverage and arrival estimates. Pure: the dispatch service and its tests share them. Travel
 * times come from the routing port (`TravelTimes`), never from a straight line at a city speed.
 */

import { distanceKm, type Point } from '../../lib/geo.ts';

/** Minutes a unit needs to set out once it accepts. */
export const SETUP_MINUTES = 5;

/** A unit's trip to a place: road kilometres and minutes on the road (setting out not included). */
export interface Trip {
  km: number;
  minutes: number;
}

/**
 * The travel-time port dispatch ranks with: one trip per origin, in the origins' order, to the
 * same place. The app hands it the routing port (src/domains/places/routing.ts: a self-hosted
 * router, or the road estimate), which dispatch never imports.
 */
export interface TravelTimes {
  /** May ask a router over the network: never call it inside a database transaction. */
  table(from: readonly Point[], to: Point): Promise<Trip[]>;
  /** The road estimate, at once and without the network (safe inside a transaction). */
  estimate(from: Point, to: Point): Trip;
}

/** Minutes from acceptance to arrival for a unit whose trip takes `travel` minutes on the road. */
export function etaMinutes(travel: number): number {
  return SETUP_MINUTES + Math.max(0, Math.ceil(travel));
}

export type Coverage =
  | { kind: 'radius'; center: Point; radiusKm: number }
  | { kind: 'states'; states: string[] };

/**
 * Whether a provider's coverage includes the place. A provider that covers by state needs the
 * place's state code; without one only circles can match.
 */
export function covers(coverage: Coverage, place: Point & { stateCode: string | null }): boolean {
  if (coverage.kind === 'radius') return distanceKm(coverage.center, place) <= coverage.radiusKm;
  return place.stateCode !== null && coverage.states.includes(place.stateCode);
}

/** Mexico's 32 states (ISO 3166-2:MX without the `MX-`). */
export const MEXICAN_STATES = [
  'AGU',
  'BCN',
  'BCS',
  'CAM',
  'CHP',
  'CHH',
  'CMX',
  'COA',
  'COL',
  'DUR',
  'GUA',
  'GRO',
  'HID',
  'JAL',
  'MEX',
  'MIC',
  'MOR',
  'NAY',
  'NLE',
  'OAX',
  'PUE',
  'QUE',
  'ROO',
  'SLP',
  'SIN',
  'SON',
  'TAB',
  'TAM',
  'TLA',
  'VER',
  'YUC',
  'ZAC',
] as const;

/** Each state's name as people in Mexico write it (a provider's offer names the state). */
export const MEXICAN_STATE_NAMES: Record<(typeof MEXICAN_STATES)[number], string> = {
  AGU: 'Aguascalientes',
  BCN: 'Baja California',
  BCS: 'Baja California Sur',
  CAM: 'Campeche',
  CHP: 'Chiapas',
  CHH: 'Chihuahua',
  CMX: 'Ciudad de México',
  COA: 'Coahuila',
  COL: 'Colima',
  DUR: 'Durango',
  GUA: 'Guanajuato',
  GRO: 'Guerrero',
  HID: 'Hidalgo',
  JAL: 'Jalisco',
  MEX: 'Estado de México',
  MIC: 'Michoacán',
  MOR: 'Morelos',
  NAY: 'Nayarit',
  NLE: 'Nuevo León',
  OAX: 'Oaxaca',
  PUE: 'Puebla',
  QUE: 'Querétaro',
  ROO: 'Quintana Roo',
  SLP: 'San Luis Potosí',
  SIN: 'Sinaloa',
  SON: 'Sonora',
  TAB: 'Tabasco',
  TAM: 'Tamaulipas',
  TLA: 'Tlaxcala',
  VER: 'Veracruz',
  YUC: 'Yucatán',
  ZAC: 'Zacatecas',
};
