import { describe, expect, it } from 'vitest';
import { amountInWords, integerInWords } from './amount-words.ts';

describe('amount in words', () => {
  it.each([
    [21_800, 'DOSCIENTOS DIECIOCHO PESOS 00/100 M.N.'],
    [18_793, 'CIENTO OCHENTA Y SIETE PESOS 93/100 M.N.'],
    [0, 'CERO PESOS 00/100 M.N.'],
    [5, 'CERO PESOS 05/100 M.N.'],
    [100, 'UN PESO 00/100 M.N.'],
    [2_100, 'VEINTIÚN PESOS 00/100 M.N.'],
    [2_200, 'VEINTIDÓS PESOS 00/100 M.N.'],
    [10_000, 'CIEN PESOS 00/100 M.N.'],
    [10_100, 'CIENTO UN PESOS 00/100 M.N.'],
    [3_100, 'TREINTA Y UN PESOS 00/100 M.N.'],
    [100_000, 'MIL PESOS 00/100 M.N.'],
    [150_000, 'MIL QUINIENTOS PESOS 00/100 M.N.'],
    [2_100_000, 'VEINTIÚN MIL PESOS 00/100 M.N.'],
    [10_100_000, 'CIENTO UN MIL PESOS 00/100 M.N.'],
    [100_000_000, 'UN MILLÓN DE PESOS 00/100 M.N.'],
    [150_000_000, 'UN MILLÓN QUINIENTOS MIL PESOS 00/100 M.N.'],
    [200_000_099, 'DOS MILLONES DE PESOS 99/100 M.N.'],
    [
      1_234_567_891,
      'DOCE MILLONES TRESCIENTOS CUARENTA Y CINCO MIL SEISCIENTOS SETENTA Y OCHO PESOS 91/100 M.N.',
    ],
  ])('%i centavos → %s', (centavos, words) => {
    expect(amountInWords(centavos)).toBe(words);
  });

  it('writes every number up to 2,000 without gaps or double spaces', () => {
    for (let n = 1; n <= 2_000; n++) {
      const w = integerInWords(n);
      expect(w).not.toMatch(/ {2}|^ | $/);
      expect(w.length).toBeGreaterThan(0);
    }
    expect(integerInWords(16)).toBe('DIECISÉIS');
    expect(integerInWords(1_001)).toBe('MIL UN');
  });

  it('refuses what is not whole centavos', () => {
    expect(() => amountInWords(-1)).toThrow();
    expect(() => amountInWords(1.5)).toThrow();
  });
});
