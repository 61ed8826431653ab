import { formatDateTime } from '../../i18n/format.ts';

/** `14:00`: the Mexico City wall-clock hour of an instant. */
export function hourOf(iso: string, lang: 'es' | 'en'): string {
  return formatDateTime(iso, lang).split(', ')[1] ?? iso;
}

/** A 0–1 share as a whole percentage number (33 for 1/3). */
export function percentOf(share: number): number {
  return Math.round(share * 100);
}
