import { describe, expect, it } from 'vitest';
import { messageArguments } from '../../lib/words.ts';
import { formatDate, formatDateTime, formatMoney, interpolate, parsePesos } from './format.ts';
import { en, es } from './messages.ts';

describe('message catalogue', () => {
  it('has the same keys in English as in Spanish, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(es).sort());
    for (const [key, text] of [...Object.entries(es), ...Object.entries(en)]) expect(text, key).not.toBe('');
  });

  it('uses the same placeholders in both languages', () => {
    // ICU arguments, plurals included; null (a failure) if a text is not valid ICU.
    const names = (text: string) => messageArguments(text);
    for (const key of Object.keys(es) as (keyof typeof es)[]) {
      expect(names(es[key]), key).not.toBeNull();
      expect(names(en[key]), key).toEqual(names(es[key]));
    }
  });
});

describe('formats', () => {
  it('writes money as $1,000.00 from centavos', () => {
    expect(formatMoney(21800)).toBe('$218.00');
    expect(formatMoney(100000)).toBe('$1,000.00');
    expect(formatMoney(3007)).toBe('$30.07');
    expect(formatMoney(0)).toBe('$0.00');
  });

  it('reads pesos as people type them into centavos, or says it cannot', () => {
    expect(parsePesos('1,250.50')).toBe(125050);
    expect(parsePesos('$1 250,5')).toBe(125050);
    expect(parsePesos('800')).toBe(80000);
    expect(parsePesos('0.29')).toBe(29);
    expect(parsePesos('1,000')).toBe(100000);
    for (const bad of ['mil', '', '-5', '1.234', '12e3']) expect(parsePesos(bad), bad).toBeUndefined();
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(interpolate('Llámanos al {phone}', { phone: '55 5480 0900' })).toBe('Llámanos al 55 5480 0900');
    expect(interpolate('{a} y {b}', { a: 1 })).toBe('1 y {b}');
  });
});

describe('dates in Mexico City time', () => {
  it('writes an instant as 25 nov 2026, 14:05 whatever the zone it comes in', () => {
    expect(formatDateTime('2026-11-25T20:05:00Z', 'es')).toBe('25 nov 2026, 14:05');
    expect(formatDateTime('2026-11-25T20:05:00Z', 'en')).toBe('25 Nov 2026, 14:05');
    // 03:30 UTC on the 1st is still the evening of the 31st in Mexico City.
    expect(formatDateTime('2027-01-01T03:30:00Z', 'es')).toBe('31 dic 2026, 21:30');
  });

  it('writes a calendar date as it is, and an instant as its Mexico City day', () => {
    expect(formatDate('2027-01-30', 'es')).toBe('30 ene 2027');
    expect(formatDate('2027-01-01T03:30:00Z', 'es')).toBe('31 dic 2026');
  });
});
