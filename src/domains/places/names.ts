/**
 * Names compared as people type them: without accents, case, punctuation or repeated spaces, so
 * "Benito Juarez" is "Benito Juárez" and "Cd. Granja" is "cd granja". Pure.
 */
export function normaliseName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9ñ]+/g, ' ')
    .trim();
}

/** Whitespace collapsed and trimmed; `null` for nothing. What a person typed, kept as typed. */
export function tidy(text: string | undefined | null): string | null {
  const value = text?.replace(/\s+/g, ' ').trim();
  return value ? value : null;
}

/**
 * Short names people say for municipalities whose official name is longer ("Tlaquepaque" for San
 * Pedro Tlaquepaque), by the short name as `normaliseName` gives it. Only names that point to one
 * municipality: "San Pedro" or "Juárez" alone name many and are not here. The geocoder tries a
 * name as the data spells it first and an alias only when that finds nothing (in the state given),
 * so "Escobedo" in Coahuila stays Coahuila's Escobedo, and without a state an alias never beats a
 * municipality really called so (Morelos' Tlalnepantla).
 */
const MUNICIPALITY_ALIASES: Readonly<Record<string, { stateCode: string; name: string }>> = {
  tlaquepaque: { stateCode: 'JAL', name: 'San Pedro Tlaquepaque' },
  tlajomulco: { stateCode: 'JAL', name: 'Tlajomulco de Zúñiga' },
  'garza garcia': { stateCode: 'NLE', name: 'San Pedro Garza García' },
  'san pedro garza garcia': { stateCode: 'NLE', name: 'San Pedro Garza García' },
  'san nicolas de los garza': { stateCode: 'NLE', name: 'San Nicolás de los Garza' },
  'san nicolas': { stateCode: 'NLE', name: 'San Nicolás de los Garza' },
  escobedo: { stateCode: 'NLE', name: 'General Escobedo' },
  neza: { stateCode: 'MEX', name: 'Nezahualcóyotl' },
  'ciudad nezahualcoyotl': { stateCode: 'MEX', name: 'Nezahualcóyotl' },
  'cd nezahualcoyotl': { stateCode: 'MEX', name: 'Nezahualcóyotl' },
  ecatepec: { stateCode: 'MEX', name: 'Ecatepec de Morelos' },
  naucalpan: { stateCode: 'MEX', name: 'Naucalpan de Juárez' },
  tlalnepantla: { stateCode: 'MEX', name: 'Tlalnepantla de Baz' },
  gam: { stateCode: 'CMX', name: 'Gustavo A. Madero' },
  'gustavo madero': { stateCode: 'CMX', name: 'Gustavo A. Madero' },
  cuajimalpa: { stateCode: 'CMX', name: 'Cuajimalpa de Morelos' },
  'magdalena contreras': { stateCode: 'CMX', name: 'La Magdalena Contreras' },
  'ciudad juarez': { stateCode: 'CHH', name: 'Juárez' },
  'cd juarez': { stateCode: 'CHH', name: 'Juárez' },
};

/** The municipality a short name stands for (its state and official name), if it is a known alias. */
export function municipalityAlias(typed: string): { stateCode: string; name: string } | undefined {
  return MUNICIPALITY_ALIASES[normaliseName(typed)];
}

/** Every alias, for the test that checks each still names a municipality of the bundled data. */
export function municipalityAliases(): readonly [string, { stateCode: string; name: string }][] {
  return Object.entries(MUNICIPALITY_ALIASES);
}
