/**
 * Turns polygon shapefiles of colonias (CONAPO's "Índice de marginación urbana por colonia 2020"
 * layer, or any layer with the same attributes) into the settlement-points file that
 * `scripts/build-places-data.ts --settlements` reads. Re-runnable: the same inputs give the same
 * bytes. Sources, licence and how to get the files: docs/places-data.md.
 *
 *   npx tsx scripts/places-settlements-from-shapefile.ts --out settlements.tsv a.shp [b.shp …]
 *
 * Each `.shp` needs its `.dbf` beside it. Coordinates are read in the layer's projection — INEGI's
 * and CONAPO's Lambert conformal conic for Mexico (ITRF2008/GRS80, parallels 17.5° and 29.5°, origin
 * 12° N 102° W, false easting 2,500,000 m) — and written as WGS84 degrees (ITRF2008 and WGS84
 * differ by centimetres). A colonia's point is its polygon's area centroid.
 *
 * Output, UTF-8, sorted, one colonia a line (lines starting with `#` are comments):
 *   `<postal code or empty>\t<state code>\t<municipality>\t<colonia>\t<lat>\t<lng>`
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** INEGI's numeric state keys (CVE_ENT) → the ISO 3166-2:MX codes the places data uses. */
const STATE_BY_INEGI: Record<string, string> = {
  '01': 'AGU',
  '02': 'BCN',
  '03': 'BCS',
  '04': 'CAM',
  '05': 'COA',
  '06': 'COL',
  '07': 'CHP',
  '08': 'CHH',
  '09': 'CMX',
  '10': 'DUR',
  '11': 'GUA',
  '12': 'GRO',
  '13': 'HID',
  '14': 'JAL',
  '15': 'MEX',
  '16': 'MIC',
  '17': 'MOR',
  '18': 'NAY',
  '19': 'NLE',
  '20': 'OAX',
  '21': 'PUE',
  '22': 'QUE',
  '23': 'ROO',
  '24': 'SLP',
  '25': 'SIN',
  '26': 'SON',
  '27': 'TAB',
  '28': 'TAM',
  '29': 'TLA',
  '30': 'VER',
  '31': 'YUC',
  '32': 'ZAC',
};

/** Inverse Lambert conformal conic, two standard parallels (EPSG method 9802), GRS80. */
function lccInverse(x: number, y: number): { lat: number; lng: number } {
  const a = 6378137;
  const f = 1 / 298.257222101;
  const e = Math.sqrt(2 * f - f * f);
  const rad = Math.PI / 180;
  const [phi1, phi2, phi0, lambda0] = [17.5 * rad, 29.5 * rad, 12 * rad, -102 * rad];
  const m = (phi: number) => Math.cos(phi) / Math.sqrt(1 - e * e * Math.sin(phi) ** 2);
  const t = (phi: number) =>
    Math.tan(Math.PI / 4 - phi / 2) / ((1 - e * Math.sin(phi)) / (1 + e * Math.sin(phi))) ** (e / 2);
  const n = (Math.log(m(phi1)) - Math.log(m(phi2))) / (Math.log(t(phi1)) - Math.log(t(phi2)));
  const F = m(phi1) / (n * t(phi1) ** n);
  const rho0 = a * F * t(phi0) ** n;
  const dx = x - 2_500_000;
  const dy = rho0 - y;
  const rho = Math.sign(n) * Math.sqrt(dx * dx + dy * dy);
  const tt = (rho / (a * F)) ** (1 / n);
  const theta = Math.atan2(dx, dy);
  let phi = Math.PI / 2 - 2 * Math.atan(tt);
  for (let i = 0; i < 10; i++) {
    const s = e * Math.sin(phi);
    phi = Math.PI / 2 - 2 * Math.atan(tt * ((1 - s) / (1 + s)) ** (e / 2));
  }
  return { lat: phi / rad, lng: (theta / n + lambda0) / rad };
}

/** The area centroid of a polygon's rings (holes, wound the other way, subtract themselves). */
function centroid(rings: [number, number][][]): [number, number] | null {
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (const ring of rings) {
    for (let i = 0; i < ring.length - 1; i++) {
      const [x0, y0] = ring[i] as [number, number];
      const [x1, y1] = ring[i + 1] as [number, number];
      const cross = x0 * y1 - x1 * y0;
      area += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
  }
  if (Math.abs(area) < 1e-6) return null;
  return [cx / (3 * area), cy / (3 * area)];
}

function readPolygons(shp: Buffer): ([number, number][][] | null)[] {
  const shapes: ([number, number][][] | null)[] = [];
  let offset = 100;
  while (offset + 8 <= shp.length) {
    const length = shp.readInt32BE(offset + 4) * 2;
    const content = offset + 8;
    const type = shp.readInt32LE(content);
    if (type === 5 || type === 15 || type === 25) {
      const parts = shp.readInt32LE(content + 36);
      const points = shp.readInt32LE(content + 40);
      const starts = Array.from({ length: parts }, (_, i) => shp.readInt32LE(content + 44 + 4 * i));
      const base = content + 44 + 4 * parts;
      const rings = starts.map((start, i) => {
        const end = i + 1 < parts ? (starts[i + 1] as number) : points;
        const ring: [number, number][] = [];
        for (let p = start; p < end; p++)
          ring.push([shp.readDoubleLE(base + 16 * p), shp.readDoubleLE(base + 16 * p + 8)]);
        return ring;
      });
      shapes.push(rings);
    } else shapes.push(null);
    offset = content + length;
  }
  return shapes;
}

function readDbf(dbf: Buffer): Record<string, string>[] {
  const decoder = new TextDecoder('windows-1252');
  const count = dbf.readUInt32LE(4);
  const headerLength = dbf.readUInt16LE(8);
  const recordLength = dbf.readUInt16LE(10);
  const fields: { name: string; length: number }[] = [];
  for (let at = 32; dbf[at] !== 0x0d; at += 32)
    fields.push({
      name: dbf
        .subarray(at, at + 11)
        .toString('latin1')
        .replace(/\0.*$/, ''),
      length: dbf[at + 16] as number,
    });
  const rows: Record<string, string>[] = [];
  for (let r = 0; r < count; r++) {
    let at = headerLength + r * recordLength + 1;
    const row: Record<string, string> = {};
    for (const field of fields) {
      row[field.name] = decoder
        .decode(dbf.subarray(at, at + field.length))
        .replace(/\s+/g, ' ')
        .trim();
      at += field.length;
    }
    rows.push(row);
  }
  return rows;
}

function main(): void {
  const argv = process.argv.slice(2);
  const outAt = argv.indexOf('--out');
  const out = outAt >= 0 ? argv[outAt + 1] : undefined;
  const inputs = argv.filter((a, i) => a.endsWith('.shp') && i !== outAt + 1);
  if (!out || inputs.length === 0) {
    console.error('usage: tsx scripts/places-settlements-from-shapefile.ts --out FILE a.shp [b.shp …]');
    process.exit(2);
  }
  const lines = new Set<string>();
  let skipped = 0;
  for (const input of inputs) {
    const shapes = readPolygons(readFileSync(input));
    const rows = readDbf(readFileSync(input.replace(/\.shp$/, '.dbf')));
    if (shapes.length !== rows.length)
      throw new Error(`${input}: ${shapes.length} shapes, ${rows.length} rows`);
    rows.forEach((row, i) => {
      const shape = shapes[i];
      const centre = shape ? centroid(shape) : null;
      const state = STATE_BY_INEGI[row.CVE_ENT ?? ''];
      if (!centre || !state || !row.COLONIA || !row.NOM_MUN) {
        skipped++;
        return;
      }
      const { lat, lng } = lccInverse(centre[0], centre[1]);
      const cp = /^\d{5}$/.test(row.CP ?? '') ? (row.CP as string) : '';
      lines.add([cp, state, row.NOM_MUN, row.COLONIA, lat.toFixed(5), lng.toFixed(5)].join('\t'));
    });
  }
  const sorted = [...lines].sort();
  const header = [
    '# Colonia points (area centroids), from polygon shapefiles; scripts/places-settlements-from-shapefile.ts',
    '# postal code\tstate\tmunicipality\tcolonia\tlat\tlng',
  ];
  writeFileSync(out, `${[...header, ...sorted].join('\n')}\n`);
  console.log(JSON.stringify({ inputs: inputs.length, colonias: sorted.length, skipped, out }, null, 2));
}

main();
