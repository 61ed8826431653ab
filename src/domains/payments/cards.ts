import { luhnValid } from '../../lib/card-numbers.ts';
import { inMexicoCity } from '../../lib/clock.ts';
import type { CardBrand } from './gateway.ts';

/**
 * Card rules any processor applies before it asks the issuer: the number's shape and check digit,
 * the brand from its first digits, the expiry against the current month, the security code's length.
 */

/** The digits of a number as people type it (`4242 4242-4242 4242`), or null if it is not one. */
export function cardDigits(number: string): string | null {
  const digits = number.trim().replace(/[ -]/g, '');
  if (!/^[0-9]{13,19}$/.test(digits) || !luhnValid(digits)) return null;
  return digits;
}

/** The brand from the number's prefix (IIN ranges): 4 Visa, 51–55 and 2221–2720 Mastercard, 34/37 Amex. */
export function brandOf(digits: string): CardBrand {
  if (digits.startsWith('4')) return 'visa';
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'mastercard';
  if (two === 34 || two === 37) return 'amex';
  return 'unknown';
}

export function cvvValid(brand: CardBrand, cvv: string): boolean {
  return (brand === 'amex' ? /^[0-9]{4}$/ : /^[0-9]{3}$/).test(cvv);
}

/** Cards are issued for at most a few years; anything further out is a typo, not a card. */
const MAX_YEARS_AHEAD = 20;

/** Month 1–12 and a four-digit year no further than 20 years ahead of `now` (Mexico City). */
export function expiryPlausible(expMonth: number, expYear: number, now: Date): boolean {
  const today = inMexicoCity(now);
  return (
    Number.isInteger(expMonth) &&
    expMonth >= 1 &&
    expMonth <= 12 &&
    Number.isInteger(expYear) &&
    expYear >= 2000 &&
    expYear <= today.year + MAX_YEARS_AHEAD
  );
}

/** The earliest expiry still good at `now`: this month in Mexico City. */
export function firstValidExpiry(now: Date): { year: number; month: number } {
  const today = inMexicoCity(now);
  return { year: today.year, month: today.month };
}

/** A card is good through the last day of its expiry month, in Mexico City. */
export function expired(expMonth: number, expYear: number, now: Date): boolean {
  const first = firstValidExpiry(now);
  return expYear < first.year || (expYear === first.year && expMonth < first.month);
}
