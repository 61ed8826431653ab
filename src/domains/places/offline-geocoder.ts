import type { Point } from '../../lib/geo.ts';
import {
  type AddressQuery,
  type GeocodeResult,
  type Geocoder,
  type NormalisedAddress,
  type PostalCodeInfo,
  type Precision,
  REFUSALS,
} from './geocoder.ts';
import { municipalityAlias, normaliseName, tidy } from './names.ts';
import {
  type Municipality,
  municipalityKey,
  type PostalCodeEntry,
  type PostalData,
  postalData,
} from './postal-data.ts';
import { stateAtPoint } from './state-at.ts';
import { findState, type MexicanState } from './states.ts';

/**
 * The default geocoder: the bundled postal-code data, no network. It knows postal codes, their
 * settlements, municipalities and states — no streets — so it never claims `street` or `exact`:
 * - a postal code → its point (`postal_code`; `municipality` where the data has no trustworthy point
 *   of the code's own). A colonia of that code is recognised and normalised; where the data has the
 *   colonia's own point (colonia polygons, so far in the Monterrey area) the answer is that point,
 *   still `postal_code` — no finer precision fits an area — else the code's. A colonia the code
 *   does not serve makes the answer coarser: the code's municipality, precision `municipality` —
 *   the two disagree and we cannot tell which is right.
 * - a postal code of another state than the one given → refused (`POSTAL_CODE_NOT_IN_STATE`).
 * - no postal code: a colonia that only one postal code of the municipality serves → that code; a
 *   municipality (with its state, or a name no other state has) → the municipality's point; the
 *   state alone → its capital, precision `state`.
 * Names match without accents or case ("Benito Juarez", "CDMX", "Distrito Federal").
 */
export class OfflineGeocoder implements Geocoder {
  constructor(private readonly data: () => PostalData = postalData) {}

  async stateAt(point: Point): Promise<string | null> {
    return stateAtPoint(this.data(), point);
  }

  async postalCode(postalCode: string): Promise<PostalCodeInfo | null> {
    const entry = this.data().codes.get(postalCode.trim());
    return entry ? infoOf(entry) : null;
  }

  async geocode(address: AddressQuery): Promise<GeocodeResult> {
    const data = this.data();
    const parsed = this.parse(address, data);
    if (parsed.stateText && !parsed.state) return { found: false, reason: REFUSALS.UNKNOWN_STATE };
    const base = {
      street: tidy(address.street),
      number: tidy(address.number),
      text: tidy(address.text),
    };

    if (parsed.postalCode) {
      const entry = data.codes.get(parsed.postalCode);
      if (!entry) return { found: false, reason: REFUSALS.UNKNOWN_POSTAL_CODE };
      if (parsed.state && parsed.state.code !== entry.municipality.stateCode) {
        return { found: false, reason: REFUSALS.POSTAL_CODE_NOT_IN_STATE };
      }
      const codeAddress = {
        ...base,
        postalCode: entry.postalCode,
        municipality: entry.municipality.name,
        stateCode: entry.municipality.stateCode,
      };
      if (parsed.colonia) {
        const settlement = matchSettlement(entry.settlements, parsed.colonia);
        if (!settlement) {
          return found(entry.municipality.point, 'municipality', { ...codeAddress, colonia: parsed.colonia });
        }
        const own = settlementPoint(entry, settlement);
        return found(own ?? entry.point, own || entry.precise ? 'postal_code' : 'municipality', {
          ...codeAddress,
          colonia: settlement,
        });
      }
      const only = entry.settlements.length === 1 ? (entry.settlements[0] as string) : null;
      return found(entry.point, entry.precise ? 'postal_code' : 'municipality', {
        ...codeAddress,
        colonia: only,
      });
    }

    const municipality = parsed.municipality;
    if (municipality) {
      const place = {
        ...base,
        municipality: municipality.name,
        stateCode: municipality.stateCode,
        postalCode: null,
      };
      if (parsed.colonia) {
        const serving = (data.codesOfMunicipality.get(municipality.id) ?? []).flatMap((entry) => {
          const settlement = matchSettlement(entry.settlements, parsed.colonia as string);
          return settlement ? [{ entry, settlement }] : [];
        });
        const [one] = serving;
        if (serving.length === 1 && one) {
          const own = settlementPoint(one.entry, one.settlement);
          return found(own ?? one.entry.point, own || one.entry.precise ? 'postal_code' : 'municipality', {
            ...place,
            postalCode: one.entry.postalCode,
            colonia: one.settlement,
          });
        }
        const colonia = serving[0]?.settlement ?? parsed.colonia;
        return found(municipality.point, 'municipality', { ...place, colonia });
      }
      return found(municipality.point, 'municipality', { ...place, colonia: null });
    }

    if (parsed.state) {
      return found(parsed.state.capital, 'state', {
        ...base,
        postalCode: null,
        municipality: null,
        colonia: parsed.colonia,
        stateCode: parsed.state.code,
      });
    }
    if (parsed.municipalityText || parsed.colonia || base.street || base.text) {
      return { found: false, reason: REFUSALS.NOT_FOUND };
    }
    return { found: false, reason: REFUSALS.NOTHING_TO_PLACE };
  }

  /**
   * The parts of the address the data can use. Given fields win; free text fills the gaps: a
   * postal code (`C.P. 03940` or five digits alone), then comma-separated parts naming the state,
   * the municipality or — with a postal code — one of its colonias.
   */
  private parse(address: AddressQuery, data: PostalData) {
    const stateText = tidy(address.state);
    let state: MexicanState | undefined = stateText ? findState(stateText) : undefined;
    let postalCode = tidy(address.postalCode);
    let municipalityText = tidy(address.municipality);
    let colonia = stripSettlementWord(tidy(address.colonia));
    const text = tidy(address.text);

    const parts = text ? text.split(',').map((p) => p.trim()) : [];
    if (!postalCode && text) {
      const match = /\bc\.?\s?p\.?\s*(\d{5})\b/i.exec(text) ?? /(?<![\d-])(\d{5})(?![\d-])/.exec(text);
      postalCode = match?.[1] ?? null;
    }
    const unused = parts.filter((part) => {
      const withoutCode = part
        .replace(/\bc\.?\s?p\.?\s*\d{5}\b/i, '')
        .replace(/(?<![\d-])\d{5}(?![\d-])/, '')
        .trim();
      if (!stateText && !state && withoutCode) {
        const named = findState(withoutCode);
        if (named) {
          state = named;
          return false;
        }
      }
      return withoutCode !== '';
    });

    let municipality = municipalityText ? findMunicipality(data, municipalityText, state) : undefined;
    if (!municipality && !municipalityText && !postalCode) {
      for (const part of unused) {
        const candidate = findMunicipality(data, part, state);
        if (candidate) {
          municipality = candidate;
          municipalityText = part;
          break;
        }
      }
    }
    if (!colonia && postalCode) {
      const entry = data.codes.get(postalCode);
      for (const part of entry ? unused : []) {
        if (matchSettlement(entry?.settlements ?? [], part)) {
          colonia = stripSettlementWord(part);
          break;
        }
      }
    }
    return { stateText, state, postalCode, municipalityText, municipality, colonia };
  }
}

function found(
  point: Point,
  precision: Precision,
  normalised: Omit<NormalisedAddress, 'colonia'> & { colonia: string | null },
): GeocodeResult {
  return { found: true, point: { ...point }, precision, normalised };
}

/** The settlement's own point, when the data has one. */
function settlementPoint(entry: PostalCodeEntry, settlement: string): Point | null {
  return entry.settlementPoints[entry.settlements.indexOf(settlement)] ?? null;
}

function infoOf(entry: PostalCodeEntry): PostalCodeInfo {
  return {
    postalCode: entry.postalCode,
    stateCode: entry.municipality.stateCode,
    municipality: entry.municipality.name,
    // GeoNames names the settlements but not their type (docs/places-data.md).
    colonias: entry.settlements.map((name) => ({ name, type: null })),
    point: { ...entry.point },
    precision: entry.precise ? 'postal_code' : 'municipality',
  };
}

/**
 * The municipality named, in the state when one is known; by name alone only when no other state
 * has it. A short name people use (`municipalityAlias`: "Tlaquepaque") is tried when the name as
 * spelled finds nothing — in the state given, or, without one, only when no municipality anywhere
 * is called so.
 */
function findMunicipality(
  data: PostalData,
  name: string,
  state: MexicanState | undefined,
): Municipality | undefined {
  const alias = municipalityAlias(name);
  const aliased = alias
    ? data.municipalityByKey.get(municipalityKey(alias.stateCode, alias.name))
    : undefined;
  if (state) {
    const named = data.municipalityByKey.get(municipalityKey(state.code, name));
    return named ?? (aliased?.stateCode === state.code ? aliased : undefined);
  }
  const all = data.municipalitiesByName.get(normaliseName(name)) ?? [];
  if (all.length === 0) return aliased;
  return all.length === 1 ? all[0] : undefined;
}

const SETTLEMENT_WORDS = /^(col|colonia|fracc|fraccionamiento|barrio|bo|pueblo|unidad habitacional|u hab)\s+/;

function stripSettlementWord(text: string | null): string | null {
  if (!text) return null;
  const stripped = text
    .replace(/^(col\.?|colonia|fracc\.?|fraccionamiento|barrio|bo\.?|pueblo)\s+/i, '')
    .trim();
  return stripped || text;
}

/**
 * The settlement a person means, as the data spells it: the same name (accents, case and the word
 * "colonia" aside), or one name the other contains whole ("Del Valle" → "Del Valle Centro" when it
 * is the only such settlement of the code).
 */
export function matchSettlement(settlements: readonly string[], typed: string): string | null {
  const wanted = normaliseName(typed).replace(SETTLEMENT_WORDS, '');
  if (!wanted) return null;
  const names = settlements.map((name) => ({ name, key: normaliseName(name).replace(SETTLEMENT_WORDS, '') }));
  const exact = names.find((n) => n.key === wanted);
  if (exact) return exact.name;
  const within = names.filter(
    (n) => ` ${n.key} `.includes(` ${wanted} `) || ` ${wanted} `.includes(` ${n.key} `),
  );
  return within.length === 1 ? (within[0]?.name ?? null) : null;
}
