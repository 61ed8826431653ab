import { describe, expect, it } from 'vitest';
import { municipalityAlias, municipalityAliases, normaliseName } from './names.ts';
import { OfflineGeocoder } from './offline-geocoder.ts';
import { municipalityKey, postalData } from './postal-data.ts';

/**
 * Short municipality names people say ("Tlaquepaque", "Neza", "GAM") reach the municipality the
 * bundled data names in full, and only where the short name means one place.
 */
const geocoder = new OfflineGeocoder();

async function municipalityOf(query: Parameters<OfflineGeocoder['geocode']>[0]) {
  const result = await geocoder.geocode(query);
  return result.found
    ? {
        precision: result.precision,
        municipality: result.normalised.municipality,
        state: result.normalised.stateCode,
      }
    : { refused: result.reason.code };
}

describe('municipality aliases', () => {
  it('match as names are typed: accents, case and punctuation aside', () => {
    expect(municipalityAlias('Tlaquepaque')).toEqual({ stateCode: 'JAL', name: 'San Pedro Tlaquepaque' });
    expect(municipalityAlias('  GARZA GARCÍA ')).toEqual({
      stateCode: 'NLE',
      name: 'San Pedro Garza García',
    });
    expect(municipalityAlias('Cd. Nezahualcóyotl')).toEqual({ stateCode: 'MEX', name: 'Nezahualcóyotl' });
    expect(municipalityAlias('San Pedro')).toBeUndefined();
    expect(municipalityAlias('Juárez')).toBeUndefined();
  });

  it('each names a municipality of the bundled data, in its state', () => {
    const data = postalData();
    for (const [alias, target] of municipalityAliases()) {
      expect(alias, 'aliases are kept normalised').toBe(normaliseName(alias));
      expect(data.municipalityByKey.get(municipalityKey(target.stateCode, target.name)), alias).toBeDefined();
    }
  });

  it('"Tlaquepaque" is San Pedro Tlaquepaque, with its state, without it and in free text', async () => {
    const expected = { precision: 'municipality', municipality: 'San Pedro Tlaquepaque', state: 'JAL' };
    expect(await municipalityOf({ municipality: 'Tlaquepaque', state: 'JAL' })).toEqual(expected);
    expect(await municipalityOf({ municipality: 'tlaquepaque' })).toEqual(expected);
    expect(await municipalityOf({ text: 'Tlaquepaque, Jalisco' })).toEqual(expected);
  });

  it('places the other common short names', async () => {
    const cases: [Parameters<OfflineGeocoder['geocode']>[0], string, string][] = [
      [{ municipality: 'Tlajomulco', state: 'Jalisco' }, 'Tlajomulco de Zúñiga', 'JAL'],
      [{ municipality: 'Garza García', state: 'NL' }, 'San Pedro Garza García', 'NLE'],
      [{ municipality: 'San Pedro Garza Garcia' }, 'San Pedro Garza García', 'NLE'],
      [{ municipality: 'Neza', state: 'Estado de México' }, 'Nezahualcóyotl', 'MEX'],
      [{ municipality: 'GAM', state: 'CDMX' }, 'Gustavo A. Madero', 'CMX'],
      [{ municipality: 'Ecatepec' }, 'Ecatepec de Morelos', 'MEX'],
      [{ municipality: 'Escobedo', state: 'Nuevo León' }, 'General Escobedo', 'NLE'],
    ];
    for (const [query, municipality, state] of cases) {
      expect(await municipalityOf(query), JSON.stringify(query)).toEqual({
        precision: 'municipality',
        municipality,
        state,
      });
    }
  });

  it('never overrides a municipality really called so, nor places an alias in another state', async () => {
    // Coahuila has an Escobedo of its own; Morelos a Tlalnepantla (Mexico State's is "de Baz").
    expect(await municipalityOf({ municipality: 'Escobedo', state: 'Coahuila' })).toMatchObject({
      municipality: 'Escobedo',
      state: 'COA',
    });
    expect(await municipalityOf({ municipality: 'Tlalnepantla' })).toMatchObject({
      municipality: 'Tlalnepantla',
      state: 'MOR',
    });
    expect(await municipalityOf({ municipality: 'Tlalnepantla', state: 'MEX' })).toMatchObject({
      municipality: 'Tlalnepantla de Baz',
      state: 'MEX',
    });
    // An alias of Jalisco's asked for in Nuevo León is not moved across the country: the state only.
    expect(await municipalityOf({ municipality: 'Tlaquepaque', state: 'NLE' })).toEqual({
      precision: 'state',
      municipality: null,
      state: 'NLE',
    });
    // "San Nicolás" names municipalities in Oaxaca and Tamaulipas too: without a state, none.
    expect(await municipalityOf({ municipality: 'San Nicolás' })).toEqual({ refused: 'NOT_FOUND' });
  });
});
