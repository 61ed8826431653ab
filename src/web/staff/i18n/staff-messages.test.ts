import { describe, expect, it } from 'vitest';
import { messageArguments } from '../../../lib/words.ts';
import { en as customerEn } from '../../i18n/messages.ts';
import { en, es } from './messages.ts';

describe('staff message catalogue', () => {
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

  it('shares no key with the customer catalogue (a key means one thing)', () => {
    const shared = Object.keys(es).filter((key) => Object.hasOwn(customerEn, key));
    expect(shared).toEqual([]);
  });
});
