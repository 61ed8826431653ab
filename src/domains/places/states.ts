import type { Point } from '../../lib/geo.ts';
import { normaliseName } from './names.ts';

/**
 * Mexico's 32 states: ISO 3166-2:MX code (without `MX-`), name, the names people and other systems
 * use for it, and the point a place known only by its state is put at — its capital (Mexico City:
 * the Zócalo), as the web's `cases/place.ts` does: providers cluster in capitals, so the capital is
 * a fairer guess for "somewhere in the state" than the state's geometric centre. Points: each
 * capital's coordinates as Wikipedia gives them (rounded to 4 decimals).
 */
export interface MexicanState {
  code: string;
  name: string;
  aliases: readonly string[];
  capital: Point;
}

export const STATES: readonly MexicanState[] = [
  { code: 'AGU', name: 'Aguascalientes', aliases: ['Ags'], capital: { lat: 21.8853, lng: -102.2916 } },
  { code: 'BCN', name: 'Baja California', aliases: ['BC'], capital: { lat: 32.6245, lng: -115.4523 } },
  { code: 'BCS', name: 'Baja California Sur', aliases: [], capital: { lat: 24.1426, lng: -110.3128 } },
  { code: 'CAM', name: 'Campeche', aliases: ['Camp'], capital: { lat: 19.8301, lng: -90.5349 } },
  { code: 'CHP', name: 'Chiapas', aliases: ['Chis'], capital: { lat: 16.7516, lng: -93.1161 } },
  { code: 'CHH', name: 'Chihuahua', aliases: ['Chih'], capital: { lat: 28.6353, lng: -106.0889 } },
  {
    code: 'CMX',
    name: 'Ciudad de México',
    aliases: ['CDMX', 'DF', 'D F', 'Distrito Federal', 'Mexico DF', 'Mexico City', 'Ciudad de Mexico'],
    capital: { lat: 19.4326, lng: -99.1332 },
  },
  {
    code: 'COA',
    name: 'Coahuila',
    aliases: ['Coahuila de Zaragoza', 'Coah'],
    capital: { lat: 25.4383, lng: -100.9737 },
  },
  { code: 'COL', name: 'Colima', aliases: ['Col'], capital: { lat: 19.2452, lng: -103.7241 } },
  { code: 'DUR', name: 'Durango', aliases: ['Dgo'], capital: { lat: 24.0277, lng: -104.6532 } },
  { code: 'GUA', name: 'Guanajuato', aliases: ['Gto'], capital: { lat: 21.019, lng: -101.2574 } },
  { code: 'GRO', name: 'Guerrero', aliases: ['Gro'], capital: { lat: 17.5515, lng: -99.5006 } },
  { code: 'HID', name: 'Hidalgo', aliases: ['Hgo'], capital: { lat: 20.1011, lng: -98.7591 } },
  { code: 'JAL', name: 'Jalisco', aliases: ['Jal'], capital: { lat: 20.6597, lng: -103.3496 } },
  {
    code: 'MEX',
    name: 'Estado de México',
    aliases: ['México', 'Edomex', 'Edo Mex', 'Edo de Mexico', 'Mex', 'State of Mexico'],
    capital: { lat: 19.2826, lng: -99.6557 },
  },
  {
    code: 'MIC',
    name: 'Michoacán',
    aliases: ['Michoacán de Ocampo', 'Mich'],
    capital: { lat: 19.706, lng: -101.195 },
  },
  { code: 'MOR', name: 'Morelos', aliases: ['Mor'], capital: { lat: 18.9242, lng: -99.2216 } },
  { code: 'NAY', name: 'Nayarit', aliases: ['Nay'], capital: { lat: 21.5042, lng: -104.8946 } },
  { code: 'NLE', name: 'Nuevo León', aliases: ['NL', 'N L'], capital: { lat: 25.6866, lng: -100.3161 } },
  { code: 'OAX', name: 'Oaxaca', aliases: ['Oax'], capital: { lat: 17.0732, lng: -96.7266 } },
  { code: 'PUE', name: 'Puebla', aliases: ['Pue'], capital: { lat: 19.0414, lng: -98.2063 } },
  {
    code: 'QUE',
    name: 'Querétaro',
    aliases: ['Querétaro de Arteaga', 'Qro'],
    capital: { lat: 20.5888, lng: -100.3899 },
  },
  { code: 'ROO', name: 'Quintana Roo', aliases: ['Q Roo', 'QRoo'], capital: { lat: 18.5001, lng: -88.2961 } },
  { code: 'SLP', name: 'San Luis Potosí', aliases: ['S L P'], capital: { lat: 22.1565, lng: -100.9855 } },
  { code: 'SIN', name: 'Sinaloa', aliases: ['Sin'], capital: { lat: 24.8091, lng: -107.394 } },
  { code: 'SON', name: 'Sonora', aliases: ['Son'], capital: { lat: 29.0729, lng: -110.9559 } },
  { code: 'TAB', name: 'Tabasco', aliases: ['Tab'], capital: { lat: 17.9892, lng: -92.9475 } },
  { code: 'TAM', name: 'Tamaulipas', aliases: ['Tamps'], capital: { lat: 23.7369, lng: -99.1411 } },
  { code: 'TLA', name: 'Tlaxcala', aliases: ['Tlax'], capital: { lat: 19.3182, lng: -98.2375 } },
  {
    code: 'VER',
    name: 'Veracruz',
    aliases: ['Veracruz de Ignacio de la Llave', 'Ver'],
    capital: { lat: 19.5438, lng: -96.9102 },
  },
  { code: 'YUC', name: 'Yucatán', aliases: ['Yuc'], capital: { lat: 20.9674, lng: -89.5926 } },
  { code: 'ZAC', name: 'Zacatecas', aliases: ['Zac'], capital: { lat: 22.7709, lng: -102.5832 } },
];

const BY_CODE = new Map(STATES.map((s) => [s.code, s]));
const BY_NAME = new Map<string, MexicanState>();
for (const state of STATES) {
  for (const name of [state.code, `MX-${state.code}`, state.name, ...state.aliases]) {
    BY_NAME.set(normaliseName(name), state);
  }
}

export function stateByCode(code: string): MexicanState | undefined {
  return BY_CODE.get(code);
}

/**
 * The state a person or a system means: its code (`CMX`, `MX-CMX`), its name or a common one
 * (`CDMX`, `Distrito Federal`, `Edomex`, `Nuevo Leon`), in any case and with or without accents.
 */
export function findState(text: string): MexicanState | undefined {
  return BY_NAME.get(normaliseName(text));
}
