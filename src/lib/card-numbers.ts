/**
 * Finding card numbers (PANs) in text, so that Libra can refuse and never log them. A card number
 * is a Luhn-valid run of 13–19 digits, written either in one piece or in groups separated by
 * single spaces or dashes, as people type them (`4242 4242 4242 4242`, `3782-822463-10005`).
 *
 * The rules are shaped so that the identifiers Libra itself handles are never mistaken for one:
 * - one unseparated run counts only when it is exactly 13–19 digits long, and not when it is the
 *   fractional part of a decimal (`19.432607812345678`, a coordinate as a browser reports it);
 * - grouped digits count when every group but the last has 3–6 digits and the last 1–6 (how cards
 *   are grouped), and the first and last groups are not glued to a letter or digit. That keeps a
 *   UUID (`…-8901-234567890123`, groups of 8 and 12), a date (`2026-11-25`), a phone
 *   (`55 5480 0900`) and a human number (`LP-26-004211`) out, whatever digits they happen to hold;
 * - digits inside an email address are part of the address (`ana.1796422847279@example.com`): a
 *   person whose address holds a Luhn-valid run could neither contract nor sign in.
 */

export const CARD_NUMBER_REMOVED = '[card number removed]';

const MIN_DIGITS = 13;
const MAX_DIGITS = 19;

/** The Luhn (mod 10) check every card number passes; `digits` must be ASCII digits only. */
export function luhnValid(digits: string): boolean {
  if (!/^[0-9]+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

interface Run {
  start: number;
  end: number;
  digits: string;
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** Characters of an address's local part (RFC 5322 atext and the dot) and of its domain. */
const LOCAL_CHAR = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]/;
const DOMAIN_CHAR = /[A-Za-z0-9.-]/;

/**
 * [start, end) spans of the email addresses in `text`: a local part, `@`, and a domain of dotted
 * labels ending in a TLD of letters. Grown outwards from each `@` by hand rather than with one
 * regular expression, which would take quadratic time on a megabyte of letters.
 */
function emailSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && LOCAL_CHAR.test(text[start - 1] as string)) start--;
    let end = at + 1;
    while (end < text.length && DOMAIN_CHAR.test(text[end] as string)) end++;
    while (end > at + 1 && !/[A-Za-z]/.test(text[end - 1] as string)) end--;
    const domain = text.slice(at + 1, end);
    if (start < at && /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/.test(domain))
      spans.push([start, end]);
  }
  return spans;
}

function gluedAt(text: string, index: number): boolean {
  const char = text[index];
  return char !== undefined && WORD_CHAR.test(char);
}

/** [start, end) spans of every card number in `text`, merged where they overlap, in order. */
export function findCardNumbers(text: string): [number, number][] {
  const runs: Run[] = [];
  const emails = emailSpans(text);
  // Both in order: one pointer walks the addresses as the runs advance.
  let email = 0;
  for (const match of text.matchAll(/[0-9]+/g)) {
    const fractional = text[match.index - 1] === '.' && /[0-9]/.test(text[match.index - 2] ?? '');
    if (fractional) continue;
    while (email < emails.length && (emails[email] as [number, number])[1] <= match.index) email++;
    const inEmail = emails[email];
    if (inEmail && inEmail[0] <= match.index) continue;
    runs.push({ start: match.index, end: match.index + match[0].length, digits: match[0] });
  }
  const found: [number, number][] = [];

  for (const run of runs) {
    const length = run.digits.length;
    if (length >= MIN_DIGITS && length <= MAX_DIGITS && luhnValid(run.digits))
      found.push([run.start, run.end]);
  }

  // Chains of runs joined by exactly one space or dash; any stretch of their groups may be a card.
  let chainStart = 0;
  for (let i = 1; i <= runs.length; i++) {
    const previous = runs[i - 1] as Run;
    const current = runs[i];
    const joined =
      current !== undefined &&
      current.start === previous.end + 1 &&
      (text[previous.end] === ' ' || text[previous.end] === '-');
    if (joined) continue;
    const chain = runs.slice(chainStart, i);
    chainStart = i;
    if (chain.length < 2) continue;
    for (let first = 0; first < chain.length; first++) {
      const head = chain[first] as Run;
      if (gluedAt(text, head.start - 1)) continue;
      let digits = head.digits;
      for (let last = first + 1; last < chain.length; last++) {
        const before = chain[last - 1] as Run;
        if (before.digits.length < 3 || before.digits.length > 6) break;
        const tail = chain[last] as Run;
        digits += tail.digits;
        if (digits.length > MAX_DIGITS) break;
        if (
          digits.length >= MIN_DIGITS &&
          tail.digits.length <= 6 &&
          !gluedAt(text, tail.end) &&
          luhnValid(digits)
        ) {
          found.push([head.start, tail.end]);
        }
      }
    }
  }

  found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const span of found) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}

/** `text` with every card number replaced by `[card number removed]`. */
export function redactCardNumbers(text: string): string {
  const spans = findCardNumbers(text);
  if (spans.length === 0) return text;
  let result = '';
  let position = 0;
  for (const [start, end] of spans) {
    result += text.slice(position, start) + CARD_NUMBER_REMOVED;
    position = end;
  }
  return result + text.slice(position);
}

/**
 * A URL with card numbers removed, including ones hidden by URL encoding (`4242%204242…`,
 * `4242+4242…`): when decoding reveals one, the decoded URL is returned, redacted.
 */
export function redactCardNumbersInUrl(url: string): string {
  // Only ASCII escapes: digits, spaces and dashes are ASCII, and this can never throw on bad UTF-8.
  const decoded = url
    .replace(/\+/g, ' ')
    .replace(/%([0-7][0-9A-Fa-f])/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  if (decoded !== url && findCardNumbers(decoded).length > 0) return redactCardNumbers(decoded);
  return redactCardNumbers(url);
}

/**
 * True when any string or number in `value` — searched through arrays and objects, keys included —
 * holds a card number. Only integers can be one; integers too large to be exact (past 2^53) with
 * 13–19 digits count as one: their digits cannot be checked, and no Libra field holds such a number.
 * Iterative: a body nested thousands deep once overflowed the stack here (a 500 on every route).
 */
export function containsCardNumber(value: unknown): boolean {
  const seen = new WeakSet<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'object' && item !== null) {
      if (seen.has(item)) continue;
      seen.add(item);
      // One at a time: spreading a body's array of a million items would overflow the stack itself.
      if (Array.isArray(item)) for (const child of item) stack.push(child);
      else {
        for (const [key, child] of Object.entries(item)) {
          if (scalarIsCardNumber(key)) return true;
          stack.push(child);
        }
      }
    } else if (scalarIsCardNumber(item)) {
      return true;
    }
  }
  return false;
}

function scalarIsCardNumber(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return findCardNumbers(value).length > 0;
    case 'bigint':
      return findCardNumbers(value.toString()).length > 0;
    case 'number': {
      if (!Number.isInteger(value)) return false;
      if (!Number.isSafeInteger(value)) {
        const magnitude = Math.abs(value);
        return magnitude >= 10 ** (MIN_DIGITS - 1) && magnitude < 10 ** MAX_DIGITS;
      }
      return findCardNumbers(String(value)).length > 0;
    }
    default:
      return false;
  }
}
