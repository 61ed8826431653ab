/**
 * Builds the bundled Mexican postal-code data, `src/domains/places/mx-postal-codes.tsv.gz`, from
 * GeoNames' postal-code dump for Mexico. Re-runnable: the same inputs give the same file.
 *
 *   npx tsx scripts/build-places-data.ts --geonames MX.txt [--points later-points.csv]
 *     [--settlements colonias.tsv] [--out FILE]
 *
 * Inputs (sources, licences and how to get them: docs/places-data.md):
 * - `--geonames`: GeoNames' `MX.txt` (unzipped from `MX.zip`, download.geonames.org/export/zip/):
 *   tab-separated country, postal code, place name (the settlement: colonia, pueblo…), state name,
 *   state code, municipality name, municipality code, admin3 name, admin3 code, lat, lng, accuracy.
 * - `--points` (optional): `postalCode,lat,lng` lines with a later GeoNames release's point per
 *   postal code. Where both exist the later point is tried first.
 * - `--settlements` (optional): colonia points (`scripts/places-settlements-from-shapefile.ts` makes
 *   them from CONAPO's colonia polygons). In the municipalities it covers, a code whose settlements
 *   are found by name gets the median of their points as its first candidate (still checked like
 *   any other), and each found settlement keeps its own point.
 *
 * What it writes (UTF-8 text, gzip): comment lines starting with `#`, then
 *   `M\t<municipality id>\t<state code>\t<name>\t<lat>\t<lng>` — every municipality, its point being
 *     the median of its postal codes' accepted points (where its codes are dense: its town);
 *   `P\t<postal code>\t<municipality id>\t<lat>\t<lng>\t<p|m>\t<settlement>|<settlement>…[\t<lat>,<lng>|…]`
 *     — `p`: the point is the postal code's own; `m`: no trustworthy point was found for the code, so
 *     the point is its municipality's and its precision only 'municipality'. The optional last field
 *     gives, settlement by settlement, its own point or nothing (only where colonia points were used).
 *
 * Why a check at all: GeoNames estimates many Mexican points (accuracy 1) and some land in another
 * state — in the 2016 dump 03940 (Benito Juárez, Mexico City) sat in Acapulco. A code's candidate
 * point is accepted only when it lies near its municipality's median point (within four times the
 * municipality's median spread, at least 10 km) and near its state's (same rule, at least 60 km);
 * otherwise the next candidate is tried, and with none left the code falls back to its
 * municipality (precision 'municipality'), which is honest about what is known. A point that four or
 * more codes share is GeoNames' estimate for an area, not any code's: those codes fall back too.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { MEXICAN_STATES } from '../src/domains/dispatch/geo.ts';
import { covers, matchCode, readSettlementPoints } from './places-settlement-points.ts';

interface Point {
  lat: number;
  lng: number;
}

/** GeoNames' state codes are ISO 3166-2:MX's but for Mexico City, still `DIF` in older dumps. */
const STATE_CODE_FIX: Record<string, string> = { DIF: 'CMX' };
const STATES = new Set<string>(MEXICAN_STATES);

function km(a: Point, b: Point): number {
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

function medianPoint(points: Point[]): Point {
  return { lat: median(points.map((p) => p.lat)), lng: median(points.map((p) => p.lng)) };
}

/** A group's centre and the distance within which a member's point is believable. */
function centreOf(points: Point[], floorKm: number): { centre: Point; reachKm: number } {
  const centre = medianPoint(points);
  const spread = median(points.map((p) => km(centre, p)));
  return { centre, reachKm: Math.max(floorKm, 4 * spread) };
}

const round4 = (n: number) => Math.round(n * 1e4) / 1e4;

/** Codes sharing one point from this many on: the point is an area's estimate, not theirs. */
const SHARED_POINT_LIMIT = 4;
/**
 * A municipality with at least this many codes, this share of them on shared estimates, is one
 * GeoNames placed by estimate: none of its GeoNames points is trusted at postal-code precision.
 */
const ESTIMATED_MUNICIPALITY_MIN_CODES = 20;
const ESTIMATED_MUNICIPALITY_SHARE = 0.5;
const samePoint = (a: Point, b: Point) => Math.abs(a.lat - b.lat) < 5e-5 && Math.abs(a.lng - b.lng) < 5e-5;

interface Code {
  cp: string;
  state: string;
  municipality: string;
  settlements: string[];
  /** In the order they are tried: the later release's point first. */
  candidates: Point[];
  point?: Point;
  precision?: 'p' | 'm';
  /** From `--settlements`: the point the code's colonias give, and each colonia's own. */
  coloniaPoint?: Point;
  settlementPoints?: (Point | undefined)[];
}

interface Options {
  geonames: string;
  points: string | undefined;
  settlements: string | undefined;
  out: string;
}

function args(argv: string[]): Options {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const geonames = get('geonames');
  if (!geonames) {
    console.error(
      'usage: tsx scripts/build-places-data.ts --geonames MX.txt [--points points.csv] [--settlements colonias.tsv] [--out FILE]',
    );
    process.exit(2);
  }
  return {
    geonames,
    points: get('points'),
    settlements: get('settlements'),
    out: get('out') ?? path.resolve('src/domains/places/mx-postal-codes.tsv.gz'),
  };
}

function main(): void {
  const options = args(process.argv.slice(2));
  const codes = new Map<string, Code>();
  let rows = 0;
  for (const line of readFileSync(options.geonames, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const f = line.split('\t');
    if (f[0] !== 'MX' || f.length < 12) continue;
    rows++;
    // Older dumps lost the leading zero of Mexico City's codes (01000 → 1000).
    const cp = (f[1] as string).trim().padStart(5, '0');
    const state = STATE_CODE_FIX[f[4] as string] ?? (f[4] as string);
    if (!STATES.has(state)) throw new Error(`unknown state code ${f[4]} for ${cp}`);
    const settlement = (f[2] as string).trim();
    const municipality = (f[5] as string).trim();
    const point = { lat: Number(f[9]), lng: Number(f[10]) };
    let code = codes.get(cp);
    if (!code) {
      code = { cp, state, municipality, settlements: [], candidates: [] };
      codes.set(cp, code);
    }
    if (settlement && !code.settlements.includes(settlement)) code.settlements.push(settlement);
    if (
      Number.isFinite(point.lat) &&
      Number.isFinite(point.lng) &&
      !code.candidates.some((c) => samePoint(c, point))
    )
      code.candidates.push(point);
  }

  let laterPoints = 0;
  let laterWithoutNames = 0;
  if (options.points) {
    for (const line of readFileSync(options.points, 'utf8').split('\n')) {
      const [rawCp, lat, lng] = line.trim().split(',');
      if (!rawCp || !/^\d{4,5}$/.test(rawCp)) continue;
      const code = codes.get(rawCp.padStart(5, '0'));
      if (!code) {
        laterWithoutNames++;
        continue;
      }
      const point = { lat: Number(lat), lng: Number(lng) };
      if (!Number.isFinite(point.lat) || !Number.isFinite(point.lng)) continue;
      code.candidates = [point, ...code.candidates.filter((c) => !samePoint(c, point))];
      laterPoints++;
    }
  }

  // Colonia points, where a layer covers the code's municipality. They are applied after GeoNames'
  // points are checked and the shared ones found (below), so that everywhere else the result is
  // exactly what GeoNames alone gives, and a GeoNames estimate stays an estimate even when the
  // other codes on it have moved to their colonias.
  let coloniaLayer = 0;
  let coloniaCodes = 0;
  if (options.settlements) {
    const layer = readSettlementPoints(options.settlements);
    coloniaLayer = layer.colonias;
    for (const code of codes.values()) {
      if (!covers(layer, code.state, code.municipality)) continue;
      const match = matchCode(layer, code);
      if (!match?.point) continue;
      const point = { lat: round4(match.point.lat), lng: round4(match.point.lng) };
      code.coloniaPoint = point;
      code.settlementPoints = match.settlements;
      coloniaCodes++;
    }
  }

  // Municipalities are keyed by state and name: GeoNames' municipality codes repeat across states.
  const municipalityKey = (c: Code) => `${c.state}\t${c.municipality}`;
  const byMunicipality = new Map<string, Code[]>();
  const byState = new Map<string, Code[]>();
  for (const code of codes.values()) {
    const key = municipalityKey(code);
    byMunicipality.set(key, [...(byMunicipality.get(key) ?? []), code]);
    byState.set(code.state, [...(byState.get(code.state) ?? []), code]);
  }

  // Two passes: the first centres use every code's first candidate; the second, only accepted points.
  const firstPoint = (c: Code) => c.candidates[0];
  const acceptedPoint = (c: Code) => (c.precision === 'p' ? c.point : undefined);
  let believable: (code: Code, p: Point) => boolean = () => true;
  for (const pick of [firstPoint, acceptedPoint]) {
    const stateCentres = new Map<string, { centre: Point; reachKm: number }>();
    for (const [state, list] of byState) {
      const points = list.map(pick).filter((p): p is Point => !!p);
      if (points.length > 0) stateCentres.set(state, centreOf(points, 60));
    }
    const municipalityCentres = new Map<string, { centre: Point; reachKm: number }>();
    for (const [key, list] of byMunicipality) {
      const points = list.map(pick).filter((p): p is Point => !!p);
      if (points.length > 0) municipalityCentres.set(key, centreOf(points, 10));
    }
    believable = (code: Code, p: Point) => {
      const state = stateCentres.get(code.state);
      const municipality = municipalityCentres.get(municipalityKey(code));
      return (
        (!state || km(state.centre, p) <= state.reachKm) &&
        (!municipality || km(municipality.centre, p) <= municipality.reachKm)
      );
    };
    for (const code of codes.values()) {
      const chosen = code.candidates.find((p) => believable(code, p));
      code.point = chosen;
      code.precision = chosen ? 'p' : 'm';
    }
  }

  // A point many codes share is GeoNames' estimate for an area ("an average of neighbouring postal
  // codes"), not any one code's: those codes keep only municipality precision.
  const sharing = new Map<string, number>();
  const pointKey = (p: Point) => `${round4(p.lat)},${round4(p.lng)}`;
  for (const code of codes.values()) {
    if (code.precision === 'p' && code.point)
      sharing.set(pointKey(code.point), (sharing.get(pointKey(code.point)) ?? 0) + 1);
  }
  let shared = 0;
  const estimatedPoints = new Map<Code, Point>();
  for (const code of codes.values()) {
    if (
      code.precision === 'p' &&
      code.point &&
      (sharing.get(pointKey(code.point)) ?? 0) >= SHARED_POINT_LIMIT
    ) {
      estimatedPoints.set(code, code.point);
      code.precision = 'm';
      shared++;
    }
  }

  // Where most of a municipality's codes sit on shared estimates (Guadalajara, Zapopan), GeoNames
  // placed that municipality by estimate: its few codes with a point of their own passed the checks
  // but are not to be trusted either (45116, Puerta de Hierro, Zapopan, sits 22 km off in Tonalá).
  // They fall back to municipality precision too, unless a colonia layer places them below.
  let estimatedMunicipalityCodes = 0;
  const estimatedMunicipalities: string[] = [];
  for (const [key, list] of byMunicipality) {
    const onEstimates = list.filter((c) => estimatedPoints.has(c)).length;
    if (
      list.length < ESTIMATED_MUNICIPALITY_MIN_CODES ||
      onEstimates / list.length < ESTIMATED_MUNICIPALITY_SHARE
    )
      continue;
    estimatedMunicipalities.push(`${key.replace('\t', ' ')} (${onEstimates}/${list.length})`);
    for (const code of list) {
      if (code.precision !== 'p' || !code.point) continue;
      estimatedPoints.set(code, code.point);
      code.precision = 'm';
      estimatedMunicipalityCodes++;
    }
  }

  // A colonia point replaces whatever GeoNames gave the code when it passes the same check.
  for (const code of codes.values()) {
    if (!code.coloniaPoint || !believable(code, code.coloniaPoint)) continue;
    code.point = code.coloniaPoint;
    code.precision = 'p';
    estimatedPoints.delete(code);
  }

  // Municipality points: the median of every accepted point of their codes, shared ones included
  // (each code counts once: where codes are dense, the town is); with none, their state's.
  const municipalityIds = new Map<string, number>();
  const municipalityLines: string[] = [];
  const stateMedian = new Map<string, Point>();
  for (const [state, list] of byState) {
    const points = list.map(acceptedPoint).filter((p): p is Point => !!p);
    stateMedian.set(state, medianPoint(points.length > 0 ? points : list.flatMap((c) => c.candidates)));
  }
  const municipalityKeys = [...byMunicipality.keys()].sort();
  for (const key of municipalityKeys) {
    const list = byMunicipality.get(key) as Code[];
    const own = list.map(acceptedPoint).filter((p): p is Point => !!p);
    const estimated = list.map((c) => estimatedPoints.get(c)).filter((p): p is Point => !!p);
    const points = [...own, ...estimated];
    const [state, name] = key.split('\t') as [string, string];
    const centre = points.length > 0 ? medianPoint(points) : (stateMedian.get(state) as Point);
    const id = municipalityIds.size + 1;
    municipalityIds.set(key, id);
    municipalityLines.push(['M', id, state, name, round4(centre.lat), round4(centre.lng)].join('\t'));
    for (const code of list) if (code.precision === 'm') code.point = centre;
  }

  // A colonia's own point is written only where its code kept the colonias' point: then it has
  // passed the same checks, and the colonias agree with one another (places-settlement-points.ts).
  const ownPoints = (c: Code) =>
    c.precision === 'p' && c.coloniaPoint && c.point === c.coloniaPoint && c.settlementPoints
      ? c.settlementPoints.map((p) => (p ? `${round4(p.lat)},${round4(p.lng)}` : '')).join('|')
      : '';
  let settlementPointsWritten = 0;
  const codeLines = [...codes.values()]
    .sort((a, b) => a.cp.localeCompare(b.cp))
    .map((c) => {
      const own = ownPoints(c);
      if (own) settlementPointsWritten += (c.settlementPoints ?? []).filter(Boolean).length;
      return [
        'P',
        c.cp,
        municipalityIds.get(municipalityKey(c)),
        round4((c.point as Point).lat),
        round4((c.point as Point).lng),
        c.precision,
        c.settlements.map((s) => s.replaceAll('|', '/').replaceAll('\t', ' ')).join('|'),
        ...(own ? [own] : []),
      ].join('\t');
    });
  const fromColonias = [...codes.values()].filter(
    (c) => c.precision === 'p' && c.point === c.coloniaPoint,
  ).length;

  const coarse = [...codes.values()].filter((c) => c.precision === 'm').length;
  const fromLater = [...codes.values()].filter(
    (c) => c.precision === 'p' && options.points && c.point === c.candidates[0] && c.candidates.length > 0,
  ).length;
  const header = [
    '# Libra places: Mexican postal codes, v2 (docs/places-data.md; scripts/build-places-data.ts)',
    '# Postal codes, settlements, municipalities and points: GeoNames (www.geonames.org), CC BY 4.0,',
    '# changed by Libra: points checked against their municipality and state; rejected points and',
    `# points shared by ${SHARED_POINT_LIMIT} or more codes replaced by the municipality point (precision m).`,
    ...(options.settlements
      ? [
          '# Colonia points (Monterrey metropolitan area): CONAPO, Índice de marginación urbana por colonia 2020',
          '# (colonia polygons, datos.gob.mx, Libre Uso MX), polygons reduced to centroids and matched by name.',
        ]
      : []),
    `# codes=${codes.size} municipalities=${municipalityLines.length} coarse=${coarse}`,
  ];
  const text = `${[...header, ...municipalityLines, ...codeLines].join('\n')}\n`;
  const gz = gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
  writeFileSync(options.out, gz);
  const settlements = [...codes.values()].reduce((n, c) => n + c.settlements.length, 0);
  console.log(
    JSON.stringify(
      {
        geonamesRows: rows,
        postalCodes: codes.size,
        settlements,
        municipalities: municipalityLines.length,
        laterPointsUsed: laterPoints,
        laterPointsWithoutNames: laterWithoutNames,
        coloniaLayer,
        codesWithColoniaPoint: coloniaCodes,
        codesAnsweredAtColoniaPoint: fromColonias,
        settlementPointsWritten,
        acceptedFirstCandidate: fromLater,
        sharedPointCodes: shared,
        estimatedMunicipalities,
        estimatedMunicipalityCodes,
        precisionPostalCode: codes.size - coarse,
        precisionMunicipality: coarse,
        textBytes: Buffer.byteLength(text),
        gzipBytes: gz.length,
        out: path.relative(process.cwd(), options.out),
      },
      null,
      2,
    ),
  );
}

main();
