import { inMexicoCity } from '../../lib/clock.ts';
import { formatMoney } from '../../lib/money.ts';
import type { MessageValues } from '../../lib/words.ts';
import type { ChannelKind } from './channels.ts';
import type { Bilingual, Language } from './message-params.ts';

/**
 * One message of the catalogue. Its words are ICU MessageFormat templates (`src/lib/words.ts`, the
 * one message library of every catalogue): a choice is a `select` in the sentence, a count a
 * `plural`, a day `{at, date, long}` in Mexico City — so nothing is glued from fragments and no
 * code, ISO date or "(s)" reaches a person. `values` turns the event's facts into the arguments.
 */
export interface Template<P> {
  /**
   * Who reads it: a member (the titular), a provider's dispatch phone, or a caller — whoever is on
   * the phone about a member's case, at a number the agent was given (no preferences apply to it,
   * and it carries nothing of the membership); or a person proving who they are with a one-time
   * code (`account`: to the contact on file, whatever the preferences, and no one chooses it off).
   */
  audience: 'member' | 'provider' | 'caller' | 'account';
  /** Channels used when the person has not chosen. */
  defaults: ChannelKind[];
  /** About a case under way: sent at once, night or day (quiet hours do not hold it). */
  live: boolean;
  subject: Bilingual;
  /** The text, es-MX and English, with the same arguments. */
  body: Bilingual;
  /** The arguments the body reads, in the language being written (a service's name, a reason). */
  values: (p: P, language: Language) => MessageValues;
}

/** A condition as a `select` reads it: `{free, select, yes {…} other {…}}`. */
export const yes = (condition: boolean): 'yes' | 'no' => (condition ? 'yes' : 'no');

/** `$1,000.00`, as every screen writes money. */
export const money = (centavos: number): string => formatMoney(centavos);

/**
 * A service's name inside a sentence: its first letter lower-cased, the rest as the catalog writes
 * it (`Envío de grúa` → `envío de grúa`; `Land ambulance in Mexico` keeps its `Mexico`).
 */
export const serviceInSentence = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

/**
 * The hour of an instant in Mexico City, for Spanish's article before a time: "a la 1:05", "a las
 * 14:35" (`{hour, plural, =1 {a la} other {a las}}`).
 */
export const hourOf = (instant: Date): number => inMexicoCity(instant).hour;

/** "a la"/"a las" (es) before `{<name>, time, clock}`, for the argument `<name>Hour`. */
export const AT_HOUR = (name: string): string => `{${name}Hour, plural, =1 {a la} other {a las}}`;
