import { describe, expect, it } from 'vitest';
import { formatEta } from './duration.ts';

describe('formatEta', () => {
  it.each([
    [0, '1 min'],
    [0.4, '1 min'],
    [25, '25 min'],
    [90, '90 min'],
    [91, '1 h 31 min'],
    [100, '1 h 40 min'],
    [120, '2 h'],
    [665, '11 h 5 min'],
  ])('%s minutes read "%s" in Spanish and in English', (minutes, text) => {
    expect(formatEta(minutes, 'es')).toBe(text);
    expect(formatEta(minutes, 'en')).toBe(text);
  });
});
