import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Point } from '../../lib/geo.ts';
import { normaliseName } from './names.ts';

/**
 * The bundled postal-code data (`mx-postal-codes.tsv.gz`, built by scripts/build-places-data.ts
 * from GeoNames; sources and licence: docs/places-data.md), read once, on first use, into maps.
 * Loading takes a fraction of a second (figures in docs/places-data.md); it is lazy so that a
 * process that never places an address never pays for it.
 */

export const POSTAL_DATA_FILE = new URL('./mx-postal-codes.tsv.gz', import.meta.url);

export interface Municipality {
  id: number;
  stateCode: string;
  name: string;
  /** The median of its postal codes' points: where its codes are dense, its town. */
  point: Point;
  key: string;
}

export interface PostalCodeEntry {
  postalCode: string;
  municipality: Municipality;
  point: Point;
  /** false: the data has no trustworthy point for the code; `point` is its municipality's. */
  precise: boolean;
  /** The settlements (colonias, pueblos, barrios…) the code serves, as the source names them. */
  settlements: readonly string[];
  /**
   * Each settlement's own point, in the same order, where the data has one (colonia polygons, so
   * far in the Monterrey metropolitan area; docs/places-data.md); empty when it has none.
   */
  settlementPoints: readonly (Point | null)[];
}

export interface PostalData {
  codes: ReadonlyMap<string, PostalCodeEntry>;
  municipalities: readonly Municipality[];
  /** By `stateCode|normalised name`. */
  municipalityByKey: ReadonlyMap<string, Municipality>;
  /** By normalised name alone: several where the name repeats across states (Benito Juárez…). */
  municipalitiesByName: ReadonlyMap<string, readonly Municipality[]>;
  /** The postal codes of each municipality, by its id. */
  codesOfMunicipality: ReadonlyMap<number, readonly PostalCodeEntry[]>;
}

function pointOf(text: string): Point | null {
  if (!text) return null;
  const [lat, lng] = text.split(',').map(Number);
  return Number.isFinite(lat) && Number.isFinite(lng) ? { lat: lat as number, lng: lng as number } : null;
}

export const municipalityKey = (stateCode: string, name: string) => `${stateCode}|${normaliseName(name)}`;

export function parsePostalData(text: string): PostalData {
  const municipalitiesById = new Map<number, Municipality>();
  const municipalityByKey = new Map<string, Municipality>();
  const municipalitiesByName = new Map<string, Municipality[]>();
  const codes = new Map<string, PostalCodeEntry>();
  const codesOfMunicipality = new Map<number, PostalCodeEntry[]>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split('\t');
    if (f[0] === 'M') {
      const name = f[3] as string;
      const municipality: Municipality = {
        id: Number(f[1]),
        stateCode: f[2] as string,
        name,
        point: { lat: Number(f[4]), lng: Number(f[5]) },
        key: municipalityKey(f[2] as string, name),
      };
      municipalitiesById.set(municipality.id, municipality);
      municipalityByKey.set(municipality.key, municipality);
      const byName = normaliseName(name);
      municipalitiesByName.set(byName, [...(municipalitiesByName.get(byName) ?? []), municipality]);
    } else if (f[0] === 'P') {
      const municipality = municipalitiesById.get(Number(f[2]));
      if (!municipality) throw new Error(`postal code ${f[1]} names an unknown municipality ${f[2]}`);
      const entry: PostalCodeEntry = {
        postalCode: f[1] as string,
        municipality,
        point: { lat: Number(f[3]), lng: Number(f[4]) },
        precise: f[5] === 'p',
        settlements: f[6] ? f[6].split('|') : [],
        settlementPoints: f[7] ? f[7].split('|').map(pointOf) : [],
      };
      codes.set(entry.postalCode, entry);
      const list = codesOfMunicipality.get(municipality.id);
      if (list) list.push(entry);
      else codesOfMunicipality.set(municipality.id, [entry]);
    }
  }
  return {
    codes,
    municipalities: [...municipalitiesById.values()],
    municipalityByKey,
    municipalitiesByName,
    codesOfMunicipality,
  };
}

let loaded: PostalData | undefined;

/** The bundled data, read and indexed on the first call; the same object afterwards. */
export function postalData(): PostalData {
  loaded ??= parsePostalData(gunzipSync(readFileSync(POSTAL_DATA_FILE)).toString('utf8'));
  return loaded;
}
