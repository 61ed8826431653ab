import { describe, expect, it } from 'vitest';
import {
  fillPlaceholders,
  formatLongDate,
  formatMessage,
  lastCoveredInstant,
  messageArguments,
} from '../../lib/words.ts';
import { en as staffEn, es as staffEs } from '../staff/i18n/messages.ts';
import { en as customerEn, es as customerEs } from './messages.ts';

describe('plural-aware messages (ICU)', () => {
  const results = '{count, plural, one {# resultado} other {# resultados}}';

  it('says one and many in their own words, never "resultado(s)"', () => {
    expect(formatMessage(results, { count: 1 }, 'es')).toBe('1 resultado');
    expect(formatMessage(results, { count: 0 }, 'es')).toBe('0 resultados');
    expect(formatMessage(results, { count: 12 }, 'es')).toBe('12 resultados');
    expect(formatMessage(results, { count: 1500 }, 'es')).toBe('1,500 resultados');
    const left = '{remaining, plural, =0 {Ya no le quedan} one {Le queda #} other {Le quedan #}}';
    expect(formatMessage(left, { remaining: 0 }, 'es')).toBe('Ya no le quedan');
    expect(formatMessage(left, { remaining: 1 }, 'es')).toBe('Le queda 1');
    expect(formatMessage(left, { remaining: 2 }, 'es')).toBe('Le quedan 2');
  });

  it('uses English plural rules in English', () => {
    const en = '{count, plural, one {# result} other {# results}}';
    expect(formatMessage(en, { count: 1 }, 'en')).toBe('1 result');
    expect(formatMessage(en, { count: 2 }, 'en')).toBe('2 results');
  });

  it('fills plain placeholders and leaves a missing one visible instead of failing', () => {
    expect(formatMessage('Llámanos al {phone}', { phone: '55 5480 0900' })).toBe('Llámanos al 55 5480 0900');
    expect(formatMessage('{a} y {b}', { a: 1 })).toBe('1 y {b}');
    expect(formatMessage(results, {})).toBe(results);
  });

  it("reads every catalogue text as before where it has no plural (apostrophes and '<' stay text)", () => {
    const catalogues = [
      ['es', customerEs],
      ['en', customerEn],
      ['es', staffEs],
      ['en', staffEn],
    ] as const;
    for (const [language, catalogue] of catalogues)
      for (const [key, text] of Object.entries(catalogue)) {
        const names = messageArguments(text, language);
        expect(names, key).not.toBeNull();
        if (/, (plural|select)/.test(text)) continue;
        const values = Object.fromEntries((names ?? []).map((n) => [n, `<${n}>`]));
        expect(formatMessage(text, values, language), key).toBe(fillPlaceholders(text, values));
      }
  });

  it('finds no "(s)" / "(es)" plural shortcut in any catalogue', () => {
    for (const catalogue of [customerEs, customerEn, staffEs, staffEn])
      for (const [key, text] of Object.entries(catalogue)) expect(text, key).not.toMatch(/\w\((s|es)\)/);
  });

  it('names the arguments a template needs, plurals included', () => {
    expect(messageArguments('{used} de {total, plural, one {# usado} other {# usados}}')).toEqual([
      'total',
      'used',
    ]);
    expect(messageArguments('no {braces')).toBeNull();
  });
});

describe('dates inside sentences', () => {
  it('writes a calendar date as it is, in words', () => {
    expect(formatLongDate('2037-03-13', 'es')).toBe('13 de marzo de 2037');
    expect(formatLongDate('2037-03-13', 'en')).toBe('March 13, 2037');
  });

  it('writes an instant as its Mexico City day', () => {
    // 05:30 UTC on 4 Feb is still the evening of 3 Feb in Mexico City.
    expect(formatLongDate(new Date('2027-02-04T05:30:00Z'), 'es')).toBe('3 de febrero de 2027');
    expect(formatLongDate('2027-02-04T06:00:00Z', 'es')).toBe('4 de febrero de 2027');
  });

  it('says the last covered day of a period that ends at midnight', () => {
    const end = '2027-02-04T06:00:00.000Z'; // 00:00 on 4 Feb, Mexico City
    expect(formatLongDate(lastCoveredInstant(end), 'es')).toBe('3 de febrero de 2027');
  });
});
