import { IntlMessageFormat } from 'intl-messageformat';

/**
 * The one way every catalogue (the customer web's, the staff apps', the server's messages and
 * reasons) turns a template into a sentence: ICU MessageFormat (FormatJS `intl-messageformat`),
 * so a count picks its own words — `{count, plural, one {# resultado} other {# resultados}}` —
 * instead of "resultado(s)". A plain `{name}` placeholder works as before. Shared with the web.
 */

export type WordsLanguage = 'es' | 'en';
export type MessageValues = Record<string, string | number | Date>;

const LOCALE: Record<WordsLanguage, string> = { es: 'es-MX', en: 'en' };
const compiled = new Map<string, IntlMessageFormat | null>();

const MEXICO_CITY = 'America/Mexico_City';
/**
 * The date and time styles a template may name, always in Mexico City: `{at, date, long}` is
 * `13 de marzo de 2037` / `March 13, 2037` (what `formatLongDate` says), `{at, date, dayMonth}`
 * `13 de marzo` / `March 13`, `{at, time, clock}` `14:35` / `14:35` (the 24-hour clock both
 * languages use on every screen).
 */
const FORMATS = {
  date: {
    long: { timeZone: MEXICO_CITY, day: 'numeric', month: 'long', year: 'numeric' },
    dayMonth: { timeZone: MEXICO_CITY, day: 'numeric', month: 'long' },
  },
  time: { clock: { timeZone: MEXICO_CITY, hour: 'numeric', minute: '2-digit', hourCycle: 'h23' } },
} as const;

function compile(template: string, language: WordsLanguage): IntlMessageFormat | null {
  const key = `${language}\u0000${template}`;
  let format = compiled.get(key);
  if (format === undefined) {
    try {
      // ignoreTag: a `<` in a sentence is text, not markup.
      format = new IntlMessageFormat(template, LOCALE[language], FORMATS, { ignoreTag: true });
    } catch {
      format = null; // Not ICU (a stray brace): filled by plain placeholders below.
    }
    compiled.set(key, format);
  }
  return format;
}

/** Fills `{name}` placeholders only; an unknown one stays visible rather than breaking the page. */
export function fillPlaceholders(text: string, values: MessageValues = {}): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/**
 * A catalogue template as a sentence in `language`: placeholders, plurals (`plural`, with `#` for
 * the number), choices (`select`) and dates and times (`{at, date, long}`, `FORMATS`). A value the template needs but was not given leaves its
 * placeholder visible (as `fillPlaceholders` does) instead of throwing.
 */
export function formatMessage(
  template: string,
  values: MessageValues = {},
  language: WordsLanguage = 'es',
): string {
  if (!template.includes('{')) return template;
  const format = compile(template, language);
  if (!format) return fillPlaceholders(template, values);
  try {
    const out = format.format(values);
    return typeof out === 'string' ? out : String(out);
  } catch {
    return fillPlaceholders(template, values);
  }
}

type AstNode = { type: number; value?: unknown; options?: Record<string, { value: AstNode[] }> };

/**
 * The names a template needs (`{name}`, `{count, plural, …}`), sorted, or null when it is not valid
 * ICU. The catalogues' tests hold both languages of every key to the same names.
 */
export function messageArguments(template: string, language: WordsLanguage = 'es'): string[] | null {
  const format = compile(template, language);
  if (!format) return null;
  const names = new Set<string>();
  const walk = (nodes: AstNode[]) => {
    for (const node of nodes) {
      // 0 is literal text and 7 the `#` of a plural; every other element names an argument.
      if (node.type !== 0 && node.type !== 7 && typeof node.value === 'string') names.add(node.value);
      for (const option of Object.values(node.options ?? {})) walk(option.value);
    }
  };
  walk(format.getAst() as unknown as AstNode[]);
  return [...names].sort();
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const longDate: Record<WordsLanguage, { zoned: Intl.DateTimeFormat; calendar: Intl.DateTimeFormat }> = {
  es: {
    zoned: new Intl.DateTimeFormat('es-MX', {
      timeZone: 'America/Mexico_City',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    }),
    calendar: new Intl.DateTimeFormat('es-MX', {
      timeZone: 'UTC',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    }),
  },
  en: {
    zoned: new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/Mexico_City',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    }),
    calendar: new Intl.DateTimeFormat('en-US', {
      timeZone: 'UTC',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    }),
  },
};

/**
 * A day inside a sentence: `13 de marzo de 2037` / `March 13, 2037`. From a calendar date
 * (`2037-03-13`, as it is) or an instant (its Mexico City day) — never an ISO date in a sentence.
 */
export function formatLongDate(value: Date | string, language: WordsLanguage): string {
  const calendar = typeof value === 'string' ? CALENDAR_DATE.exec(value) : null;
  if (calendar) {
    const noon = new Date(Date.UTC(Number(calendar[1]), Number(calendar[2]) - 1, Number(calendar[3]), 12));
    return longDate[language].calendar.format(noon);
  }
  return longDate[language].zoned.format(typeof value === 'string' ? new Date(value) : value);
}

/**
 * The last moment still covered by a period that ends (exclusively) at `exclusiveEnd`: the free
 * months, a paid period or a cancelled membership's cover end at 00:00 of the next day, and people
 * are told the last day they are covered. One rule for every screen and message (issue 23).
 */
export function lastCoveredInstant(exclusiveEnd: Date | string): Date {
  return new Date(new Date(exclusiveEnd).getTime() - 1);
}
