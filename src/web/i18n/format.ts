import { formatPhone, toE164 } from '../../lib/phone.ts';
import { lastCoveredInstant } from '../../lib/words.ts';

/** Formats the program's way (UI.md "Formats"), the same in both languages. */

const amount = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Integer centavos to `$1,000.00` (add "MXN" beside it where currencies could be confused). */
export function formatMoney(centavos: number): string {
  const sign = centavos < 0 ? '-' : '';
  return `${sign}$${amount.format(Math.abs(centavos) / 100)}`;
}

/** The program's phone line, as people read it and as a `tel:` link dials it. */
export const PHONE = { display: '55 5480 0900', tel: '+525554800900' } as const;
export const PHONE_INTERNATIONAL = { display: '+52 55 5480 0900', tel: '+525554800900' } as const;

/** Any phone as people read it (`81 8765 4321`) and as a `tel:` link dials it (libphonenumber-js). */
export function phoneOf(raw: string): { display: string; tel: string } {
  return { display: formatPhone(raw), tel: toE164(raw) ?? raw.replace(/[^\d+]/g, '') };
}
export { formatPhone };

/** Fills `{name}` placeholders. */
export function interpolate(text: string, values: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

const ZONE = 'America/Mexico_City';
const MONTHS = {
  es: ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'],
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
} as const;

const wallClock = new Intl.DateTimeFormat('en-US', {
  timeZone: ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The Mexico City wall clock of an instant, whatever the browser's own zone. */
function inMexicoCity(instant: Date) {
  const part = (type: string) => Number(wallClock.formatToParts(instant).find((p) => p.type === type)?.value);
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
  };
}

const two = (n: number) => String(n).padStart(2, '0');

/** `25 nov 2026, 14:05` (Mexico City time), from an ISO instant. */
export function formatDateTime(iso: string, lang: 'es' | 'en'): string {
  const c = inMexicoCity(new Date(iso));
  return `${c.day} ${MONTHS[lang][c.month - 1]} ${c.year}, ${two(c.hour)}:${two(c.minute)}`;
}

/** `14:35` (Mexico City time), from an ISO instant. */
export function formatTime(iso: string): string {
  const c = inMexicoCity(new Date(iso));
  return `${two(c.hour)}:${two(c.minute)}`;
}

/** `25 nov 2026`, from a calendar date (`2026-11-25`) or an ISO instant (its Mexico City day). */
export function formatDate(value: string, lang: 'es' | 'en'): string {
  const calendar = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const c = calendar
    ? { year: Number(calendar[1]), month: Number(calendar[2]), day: Number(calendar[3]) }
    : inMexicoCity(new Date(value));
  return `${c.day} ${MONTHS[lang][c.month - 1]} ${c.year}`;
}

/**
 * The last day a period ending (exclusively) at `exclusiveEnd` covers — the free months, a paid
 * period, a cancelled membership's cover — as `3 feb 2027`. The one way every screen says it, so
 * the contract's done page, the portal, the cancel page and the console agree (issue 23).
 */
export function formatCoveredThrough(exclusiveEnd: string, lang: 'es' | 'en'): string {
  return formatDate(lastCoveredInstant(exclusiveEnd).toISOString(), lang);
}

/** Whole minutes from `from` to `to` (negative when `to` is earlier). */
export function minutesBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / 60_000);
}

/**
 * An amount typed in pesos ("1250", "1,250.50", "$1 250,5") as integer centavos, or undefined when
 * it is not one. A comma followed by one or two digits at the end is the decimal mark (a phone
 * keyboard may only have a comma); other commas, spaces and `$` are separators. Integer arithmetic:
 * "0.29" is 29 centavos, never 28.999….
 */
export function parsePesos(text: string): number | undefined {
  let s = text.trim().replace(/^\$/, '').replace(/\s/g, '');
  if (/,\d{1,2}$/.test(s) && !s.includes('.')) s = s.replace(/,(\d{1,2})$/, '.$1');
  s = s.replace(/,/g, '');
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(s)) return undefined;
  const [whole = '0', fraction = ''] = s.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}
