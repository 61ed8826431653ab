import { describe, expect, it } from 'vitest';
import { formatMoney, interpolate } from './format.ts';
import { en, es } from './messages.ts';

describe('message catalogue', () => {
  it('has the same keys in English as in Spanish, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(es).sort());
    for (const [key, text] of [...Object.entries(es), ...Object.entries(en)]) expect(text, key).not.toBe('');
  });

  it('uses the same placeholders in both languages', () => {
    const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(es) as (keyof typeof es)[])
      expect(names(en[key]), key).toEqual(names(es[key]));
  });
});

describe('formats', () => {
  it('writes money as $1,000.00 from centavos', () => {
    expect(formatMoney(21800)).toBe('$218.00');
    expect(formatMoney(100000)).toBe('$1,000.00');
    expect(formatMoney(3007)).toBe('$30.07');
    expect(formatMoney(0)).toBe('$0.00');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(interpolate('Llámanos al {phone}', { phone: '55 5480 0900' })).toBe('Llámanos al 55 5480 0900');
    expect(interpolate('{a} y {b}', { a: 1 })).toBe('1 y {b}');
  });
});
