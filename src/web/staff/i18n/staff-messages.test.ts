import { describe, expect, it } from 'vitest';
import { en as customerEn } from '../../i18n/messages.ts';
import { en, es } from './messages.ts';

describe('staff message catalogue', () => {
  it('has the same keys in English as in Spanish, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(es).sort());
    for (const [key, text] of [...Object.entries(es), ...Object.entries(en)]) expect(text, key).not.toBe('');
  });

  it('uses the same placeholders in both languages', () => {
    const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(es) as (keyof typeof es)[])
      expect(names(en[key]), key).toEqual(names(es[key]));
  });

  it('shares no key with the customer catalogue (a key means one thing)', () => {
    const shared = Object.keys(es).filter((key) => Object.hasOwn(customerEn, key));
    expect(shared).toEqual([]);
  });
});
