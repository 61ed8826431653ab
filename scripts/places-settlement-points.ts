/**
 * Colonia points for the places build (`scripts/build-places-data.ts --settlements FILE`): reads the
 * file `scripts/places-settlements-from-shapefile.ts` writes and matches its colonias to the
 * settlements GeoNames lists for each postal code. Sources and licences: docs/places-data.md.
 *
 * Matching is by name within the code's own state and municipality — never across municipalities —
 * with word order, accents, articles and the words "colonia"/"fraccionamiento" aside, because the
 * two catalogues spell the same colonia differently ("Monterrey Centro" / "Centro de Monterrey").
 * The colonia layer's own postal-code field is used only to choose between same-named polygons:
 * it is unreliable on its own (CONAPO gives dozens of Monterrey colonias 64000 as a default).
 */
import { readFileSync } from 'node:fs';
import { normaliseName } from '../src/domains/places/names.ts';

export interface Point {
  lat: number;
  lng: number;
}

interface ColoniaPoint {
  postalCode: string;
  point: Point;
}

export interface SettlementPoints {
  /** Colonias by `state|municipality` and then by name key. */
  byMunicipality: Map<string, Map<string, ColoniaPoint[]>>;
  colonias: number;
}

export interface CodeMatch {
  /** The point of each of the code's settlements that was found, in the code's settlement order. */
  settlements: (Point | undefined)[];
  /** The median of the found settlements, when they lie together; undefined when they do not. */
  point: Point | undefined;
}

/** Same-named polygons of one municipality are one place only if they lie this close together. */
const SAME_PLACE_KM = 1.5;
/** A postal code's colonias lie together; one further than this from the others is a wrong match. */
const CODE_SPREAD_KM = 4;

const IGNORED_WORDS = new Set([
  'de',
  'del',
  'la',
  'las',
  'los',
  'el',
  'y',
  'colonia',
  'col',
  'fraccionamiento',
  'fracc',
]);

/** A colonia name as a set of words: "Centro de Monterrey" and "Monterrey Centro" are the same key. */
export function nameKey(name: string): string {
  return normaliseName(name)
    .split(' ')
    .filter((word) => word && !IGNORED_WORDS.has(word))
    .sort()
    .join(' ');
}

const municipalityKey = (state: string, municipality: string) => `${state}|${normaliseName(municipality)}`;

export function km(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function medianPoint(points: Point[]): Point {
  return { lat: median(points.map((p) => p.lat)), lng: median(points.map((p) => p.lng)) };
}

export function readSettlementPoints(path: string): SettlementPoints {
  const byMunicipality = new Map<string, Map<string, ColoniaPoint[]>>();
  let colonias = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [postalCode = '', state = '', municipality = '', name = '', lat, lng] = line.split('\t');
    const key = nameKey(name);
    const point = { lat: Number(lat), lng: Number(lng) };
    if (!key || key === 'sin nombre' || !Number.isFinite(point.lat) || !Number.isFinite(point.lng)) continue;
    const mKey = municipalityKey(state, municipality);
    let names = byMunicipality.get(mKey);
    if (!names) {
      names = new Map();
      byMunicipality.set(mKey, names);
    }
    names.set(key, [...(names.get(key) ?? []), { postalCode, point }]);
    colonias++;
  }
  return { byMunicipality, colonias };
}

/** Whether the layer covers the municipality at all (only then are its colonias looked for). */
export function covers(points: SettlementPoints, state: string, municipality: string): boolean {
  return points.byMunicipality.has(municipalityKey(state, municipality));
}

/** One place for a name: its polygons (those of the code first) when they lie together, else none. */
function placeOf(polygons: ColoniaPoint[], postalCode: string): Point | undefined {
  const ofCode = polygons.filter((p) => p.postalCode === postalCode);
  for (const group of [ofCode, polygons]) {
    if (group.length === 0) continue;
    const centre = medianPoint(group.map((p) => p.point));
    if (group.every((p) => km(centre, p.point) <= SAME_PLACE_KM)) return centre;
  }
  return undefined;
}

/**
 * The one colonia whose name holds all the words of the other ("Ciudad Guadalupe Centro" /
 * "Centro de Guadalupe"), when exactly one does and the shorter name has two words or more — one
 * word ("Centro") would find half the city.
 */
function containing(names: Map<string, ColoniaPoint[]>, key: string): ColoniaPoint[] | undefined {
  const words = key.split(' ');
  const within = (small: string[], big: Set<string>) => small.length >= 2 && small.every((w) => big.has(w));
  const hits = [...names.entries()].filter(([other]) => {
    const otherWords = other.split(' ');
    return within(otherWords, new Set(words)) || within(words, new Set(otherWords));
  });
  return hits.length === 1 ? hits[0]?.[1] : undefined;
}

export function matchCode(
  points: SettlementPoints,
  code: { cp: string; state: string; municipality: string; settlements: readonly string[] },
): CodeMatch | undefined {
  const names = points.byMunicipality.get(municipalityKey(code.state, code.municipality));
  if (!names) return undefined;
  const found = code.settlements.map((settlement) => {
    const key = nameKey(settlement);
    const polygons = names.get(key) ?? containing(names, key);
    return polygons ? placeOf(polygons, code.cp) : undefined;
  });
  let together = found.filter((p): p is Point => !!p);
  if (together.length === 0) return undefined;
  // A wrong match (a same-named colonia elsewhere in the municipality) sits apart from the rest.
  if (together.length >= 3) {
    const centre = medianPoint(together);
    together = together.filter((p) => km(centre, p) <= CODE_SPREAD_KM);
  }
  const centre = together.length > 0 ? medianPoint(together) : undefined;
  const point = centre && together.every((p) => km(centre, p) <= CODE_SPREAD_KM) ? centre : undefined;
  const settlements = found.map((p) => (p && point && km(point, p) <= CODE_SPREAD_KM ? p : undefined));
  return { settlements, point };
}
