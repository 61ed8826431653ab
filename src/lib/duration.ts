import type { Language } from './errors.ts';

/**
 * Minutes as people say them, the same in both languages: `25 min` up to 90 minutes, then hours
 * and minutes (`1 h 40 min`, `11 h 5 min`, `2 h`). At least `1 min`: an arrival is never "0 min".
 */
export function formatEta(minutes: number, _language: Language = 'es'): string {
  const m = Math.max(1, Math.round(minutes));
  if (m <= 90) return `${m} min`;
  const rest = m % 60;
  const hours = Math.floor(m / 60);
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
