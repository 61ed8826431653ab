import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The places build run as the operator runs it (a child process), on a small made-up GeoNames
 * extract and colonia layer: colonia points are matched by name inside the code's municipality
 * only, same-named polygons far apart are not trusted, and the same inputs give the same bytes.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'libra-places-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// GeoNames columns: country, code, place, state, state code, municipality, municipality code,
// admin3, admin3 code, lat, lng, accuracy. All four Monterrey codes share one estimated point.
const row = (cp: string, place: string, municipality: string, lat: number, lng: number) =>
  ['MX', cp, place, 'Nuevo León', 'NLE', municipality, '039', '', '', lat, lng, '1'].join('\t');
const geonames = [
  row('64000', 'Monterrey Centro', 'Monterrey', 25.7, -100.33),
  row('64000', 'La Finca', 'Monterrey', 25.7, -100.33),
  row('64060', 'Obispado', 'Monterrey', 25.7, -100.33),
  row('64700', 'Roma', 'Monterrey', 25.7, -100.33),
  row('64700', 'Tecnológico', 'Monterrey', 25.7, -100.33),
  row('64800', 'Independencia', 'Monterrey', 25.7, -100.33),
  row('64580', 'Modelo', 'Monterrey', 25.7, -100.33),
  row('66220', 'Del Valle', 'San Pedro Garza García', 25.66, -100.37),
  row('66230', 'Obispado', 'San Pedro Garza García', 25.65, -100.4),
].join('\n');
const colonias = [
  '# postal code\tstate\tmunicipality\tcolonia\tlat\tlng',
  '64000\tNLE\tMonterrey\tCentro de Monterrey\t25.67556\t-100.31611',
  '64060\tNLE\tMonterrey\tObispado\t25.67221\t-100.34322',
  '64700\tNLE\tMonterrey\tRoma\t25.65442\t-100.29722',
  '64700\tNLE\tMonterrey\tTecnologico\t25.65075\t-100.29124',
  // Two polygons of one name 6 km apart, neither of the code: which one it means cannot be told.
  '64999\tNLE\tMonterrey\tIndependencia\t25.65241\t-100.30959',
  '\tNLE\tMonterrey\tIndependencia\t25.70000\t-100.33000',
  // Two of one name apart, one of them the code's own: that one.
  '64580\tNLE\tMonterrey\tModelo\t25.69000\t-100.29000',
  '64000\tNLE\tMonterrey\tModelo\t25.75000\t-100.33000',
].join('\n');
writeFileSync(path.join(dir, 'MX.txt'), `${geonames}\n`);
writeFileSync(path.join(dir, 'colonias.tsv'), `${colonias}\n`);

function build(out: string): Map<string, string[]> {
  execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/build-places-data.ts',
      '--geonames',
      path.join(dir, 'MX.txt'),
      '--settlements',
      path.join(dir, 'colonias.tsv'),
      '--out',
      path.join(dir, out),
    ],
    { stdio: 'pipe' },
  );
  const text = gunzipSync(readFileSync(path.join(dir, out))).toString('utf8');
  return new Map(
    text
      .split('\n')
      .filter((line) => line.startsWith('P\t'))
      .map((line) => line.split('\t'))
      .map((f) => [f[1] as string, f]),
  );
}

describe('the places build with colonia points (--settlements)', () => {
  const codes = build('a.tsv.gz');

  it('gives a code the median of its colonias found by name, words in any order, and each its own point', () => {
    const centro = codes.get('64000') as string[];
    expect(centro.slice(3, 6)).toEqual(['25.6756', '-100.3161', 'p']);
    expect(centro[6]).toBe('Monterrey Centro|La Finca');
    expect(centro[7]).toBe('25.6756,-100.3161|');
    const roma = codes.get('64700') as string[];
    expect(roma[5]).toBe('p');
    expect(roma[7]).toBe('25.6544,-100.2972|25.6508,-100.2912');
  });

  it('matches only inside the code’s own municipality, and trusts no name found twice far apart', () => {
    // San Pedro's "Obispado" is not Monterrey's; the layer has no San Pedro colonias at all.
    expect(codes.get('66230')?.[7]).toBeUndefined();
    expect(codes.get('64800')?.[7]).toBeUndefined();
    // Its GeoNames point is an estimate four codes shared: it stays one.
    expect(codes.get('64800')?.[5]).toBe('m');
    // Of two "Modelo" polygons far apart, the one the layer files under the code's own postal code.
    expect(codes.get('64580')?.slice(3, 6)).toEqual(['25.69', '-100.29', 'p']);
  });

  it('writes the same bytes from the same inputs', () => {
    build('b.tsv.gz');
    expect(readFileSync(path.join(dir, 'b.tsv.gz')).equals(readFileSync(path.join(dir, 'a.tsv.gz')))).toBe(
      true,
    );
  });
});
