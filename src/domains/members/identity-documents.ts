/**
 * Mexican identity formats, validated as the authorities define them, so a typo is caught while
 * the customer is still on the line. Pure functions; each returns a normalised value or null.
 */
// Phones are src/lib/phone.ts's (libphonenumber-js, shared with the web), read at the door by
// src/lib/phone-input.ts.

function validDate(yy: string, mm: string, dd: string): boolean {
  const month = Number(mm);
  const day = Number(dd);
  if (month < 1 || month > 12 || day < 1) return false;
  // The century is ambiguous in both documents; 2000 is a leap year, so Feb 29 is accepted for "00".
  const daysInMonth = new Date(Date.UTC(2000 + Number(yy), month, 0)).getUTCDate();
  return day <= (month === 2 && Number(yy) % 4 === 0 ? 29 : daysInMonth);
}

/** RFC: 4 letters (persona física) or 3 (moral), a date YYMMDD and a 3-character homoclave. */
export function normaliseRfc(input: string): string | null {
  const rfc = input.trim().toUpperCase().replace(/[\s-]/g, '');
  const match = /^([A-ZÑ&]{3,4})(\d{2})(\d{2})(\d{2})([A-Z\d]{2})([A\d])$/.exec(rfc);
  if (!match) return null;
  return validDate(match[2] as string, match[3] as string, match[4] as string) ? rfc : null;
}

const CURP_STATES = new Set(
  'AS BC BS CC CL CM CS CH DF DG GT GR HG JC MC MN MS NT NL OC PL QT QR SP SL SR TC TS TL VZ YN ZS NE'.split(
    ' ',
  ),
);
const CURP_ALPHABET = '0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ';

/** The CURP's 18th character is a check digit over the first 17 (RENAPO's algorithm). */
function curpCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CURP_ALPHABET.indexOf(first17[i] as string) * (18 - i);
  return String((10 - (sum % 10)) % 10);
}

export function normaliseCurp(input: string): string | null {
  const curp = input.trim().toUpperCase();
  const match =
    /^([A-Z][AEIOUX][A-Z]{2})(\d{2})(\d{2})(\d{2})([HMX])([A-Z]{2})([B-DF-HJ-NP-TV-Z]{3})([A-Z\d])(\d)$/.exec(
      curp,
    );
  if (!match) return null;
  if (!validDate(match[2] as string, match[3] as string, match[4] as string)) return null;
  if (!CURP_STATES.has(match[6] as string)) return null;
  return curpCheckDigit(curp.slice(0, 17)) === match[9] ? curp : null;
}

/** Names as people write them: letters (any accent), spaces, apostrophes, dots and hyphens. */
export function normaliseFullName(input: string): string | null {
  const name = input.trim().replace(/\s+/g, ' ');
  if (name.length < 3 || name.length > 150) return null;
  return /^[\p{L}][\p{L}\p{M}' .-]*$/u.test(name) && /\s/.test(name) ? name : null;
}

/** Lower-case, accents removed: what member search compares. */
export function searchable(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}
