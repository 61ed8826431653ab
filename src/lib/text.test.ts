import { describe, expect, it } from 'vitest';
import { isStorableText, unstorableTextAt } from './text.ts';

describe('isStorableText', () => {
  it('refuses U+0000, the other C0 controls, DEL and half surrogate pairs', () => {
    for (const text of [
      '\u0000',
      'a\u0000b',
      '\u0001',
      '\u0008',
      '\u000b',
      '\u000c',
      '\u001b[31m',
      '\u001f',
      '\u007f',
    ])
      expect(isStorableText(text), JSON.stringify(text)).toBe(false);
    for (const text of ['\ud800', 'a\ud83d', '\udc00', 'x\udfffy', '\ude00\ud83d'])
      expect(isStorableText(text), JSON.stringify(text)).toBe(false);
  });

  it('keeps tab, newline, carriage return, accents, emoji and C1 controls', () => {
    for (const text of ['', 'Línea\n\tdos\r\n', 'Ñandú 🚗 👩‍👩‍👧', '\u0085', 'a\u009fb', '\u2028', '\ufeff'])
      expect(isStorableText(text), JSON.stringify(text)).toBe(true);
  });
});

describe('unstorableTextAt', () => {
  it('names the first field at fault, through arrays and objects', () => {
    expect(unstorableTextAt({ a: 'ok', b: [{ c: 'x' }, { d: 'bad\u0000' }] })).toBe('/b/1/d');
    expect(unstorableTextAt({ place: { address: '\u0000' }, description: '\u0000' })).toBe('/place/address');
    expect(unstorableTextAt('\u0007')).toBe('');
    expect(unstorableTextAt({ a: 1, b: true, c: null, d: ['fine'] })).toBeNull();
  });

  it('checks keys, and names a bad one printably', () => {
    expect(unstorableTextAt({ details: { 'k\u0000ey': 1 } })).toBe('/details/k?ey');
    expect(unstorableTextAt({ ['x'.repeat(500)]: 'a\u0000' })).toBe(`/${'x'.repeat(64)}`);
  });

  it('walks any depth without recursion, and skips raw files', () => {
    let deep: unknown = 'bad\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unstorableTextAt(deep)).toMatch(/^(\/0)+$/);
    expect(unstorableTextAt({ file: Buffer.from([0, 1, 2]) })).toBeNull();
  });
});
