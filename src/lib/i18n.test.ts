import { describe, expect, it } from 'vitest';
import { preferredLanguage } from './i18n.ts';

describe('preferredLanguage', () => {
  it('defaults to Spanish', () => {
    expect(preferredLanguage(undefined)).toBe('es');
    expect(preferredLanguage('fr-FR')).toBe('es');
  });
  it('follows the client when it prefers English', () => {
    expect(preferredLanguage('en-US,en;q=0.9,es;q=0.8')).toBe('en');
    expect(preferredLanguage('es-MX,es;q=0.9,en;q=0.8')).toBe('es');
    expect(preferredLanguage('fr;q=1, en;q=0.5, es;q=0.4')).toBe('en');
  });
});
