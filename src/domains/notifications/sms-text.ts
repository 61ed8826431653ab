/**
 * The length rules of an SMS (3GPP TS 23.038 and 23.040). A text made only of the GSM 7-bit default
 * alphabet and its extension table goes as GSM-7: 160 septets alone, 153 a part when concatenated
 * (the 6-octet user data header takes 7 septets), an extension character (`^{}\[~]|€` and form
 * feed) costing two (escape + code). Any other character — `á í ó ú Á Í Ó Ú` among them: Spanish
 * keeps its accents, nothing is replaced — makes the whole text UCS-2: 70 UTF-16 code units alone,
 * 67 a part. A part never ends between an escape and its character, nor inside a surrogate pair.
 */

/**
 * The GSM 7-bit default alphabet, in code order 0x00–0x7F (TS 23.038 §6.2.1). 0x1B is the escape
 * to the extension table, never a character of its own (kept here as U+001B only to hold its place).
 */
export const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** The default extension table (TS 23.038 §6.2.1.1): each character is sent as 0x1B then its code. */
export const GSM7_EXTENSION: ReadonlyMap<string, number> = new Map([
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
]);

const ESCAPE = 0x1b;
const BASIC: ReadonlyMap<string, number> = new Map(
  [...GSM7_BASIC].map((c, code) => [c, code] as const).filter(([, code]) => code !== ESCAPE),
);

/** Septets in a single SMS, and in each part of a concatenated one. */
export const GSM7_SINGLE = 160;
export const GSM7_PART = 153;
/** UTF-16 code units (two octets each) in a single SMS, and in each part of a concatenated one. */
export const UCS2_SINGLE = 70;
export const UCS2_PART = 67;
/** An 8-bit reference numbers at most 255 parts. */
export const MAX_PARTS = 255;

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface SmsPlan {
  encoding: SmsEncoding;
  /** SMPP `data_coding`: 0x00 (the SMSC's default alphabet, GSM-7) or 0x08 (UCS-2). */
  dataCoding: 0x00 | 0x08;
  /** The text as sent: NFC-normalised, so a decomposed `ñ` stays one GSM-7 character. */
  text: string;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) of the whole text. */
  units: number;
  /** The text of each SMS: one when it fits alone, otherwise the concatenated parts in order. */
  parts: string[];
}

export class SmsTooLongError extends Error {
  constructor(readonly parts: number) {
    super(`the text needs ${parts} SMS parts; at most ${MAX_PARTS} can be concatenated`);
    this.name = 'SmsTooLongError';
  }
}

/** Septets a character takes in GSM-7: 1 (default alphabet), 2 (extension table), or undefined. */
export function gsm7Septets(char: string): 1 | 2 | undefined {
  if (BASIC.has(char)) return 1;
  if (GSM7_EXTENSION.has(char)) return 2;
  return undefined;
}

/** Every character is in the GSM 7-bit default alphabet or its extension table. */
export function isGsm7(text: string): boolean {
  for (const char of text) if (gsm7Septets(char) === undefined) return false;
  return true;
}

/**
 * Chooses the encoding and cuts the text into parts. Each part is a whole number of characters: a
 * GSM-7 extension character (two septets) or a UCS-2 surrogate pair (two code units) that would
 * straddle a part's end starts the next part instead.
 */
export function planSms(input: string): SmsPlan {
  const text = input.normalize('NFC');
  const encoding: SmsEncoding = isGsm7(text) ? 'gsm7' : 'ucs2';
  const cost = encoding === 'gsm7' ? (c: string) => gsm7Septets(c) ?? 1 : (c: string) => c.length;
  const [single, perPart] = encoding === 'gsm7' ? [GSM7_SINGLE, GSM7_PART] : [UCS2_SINGLE, UCS2_PART];
  const chars = [...text];
  const units = chars.reduce((sum, c) => sum + cost(c), 0);
  const parts: string[] = [];
  if (units <= single) parts.push(text);
  else {
    let current = '';
    let used = 0;
    for (const char of chars) {
      const size = cost(char);
      if (used + size > perPart) {
        parts.push(current);
        current = '';
        used = 0;
      }
      current += char;
      used += size;
    }
    parts.push(current);
  }
  if (parts.length > MAX_PARTS) throw new SmsTooLongError(parts.length);
  return { encoding, dataCoding: encoding === 'gsm7' ? 0x00 : 0x08, text, units, parts };
}

/**
 * GSM-7 as SMPP carries it with `data_coding` 0x00: one septet per octet, unpacked (the SMSC packs
 * it for the air), an extension character as 0x1B and its code. The same octets as the `smpp`
 * package's own encoder (`gsmCoder`), which would instead turn an unknown character into a space
 * silently: ours refuses it.
 */
export function encodeGsm7(text: string): Buffer {
  const octets: number[] = [];
  for (const char of text) {
    const basic = BASIC.get(char);
    if (basic !== undefined) octets.push(basic);
    else {
      const extension = GSM7_EXTENSION.get(char);
      if (extension === undefined)
        throw new RangeError(`"${char}" (U+${char.codePointAt(0)?.toString(16)}) is not in GSM-7`);
      octets.push(ESCAPE, extension);
    }
  }
  return Buffer.from(octets);
}

/** Unpacked GSM-7 octets back to text (an unknown code becomes `?`). */
export function decodeGsm7(octets: Uint8Array): string {
  const extension = new Map([...GSM7_EXTENSION].map(([c, code]) => [code, c] as const));
  let text = '';
  for (let i = 0; i < octets.length; i++) {
    const code = octets[i] ?? 0;
    if (code === ESCAPE) {
      i++;
      text += extension.get(octets[i] ?? -1) ?? '?';
    } else text += GSM7_BASIC[code & 0x7f] ?? '?';
  }
  return text;
}

/** UCS-2 as SMPP carries it with `data_coding` 0x08: UTF-16 big-endian (surrogate pairs kept). */
export function encodeUcs2(text: string): Buffer {
  const octets = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i++) octets.writeUInt16BE(text.charCodeAt(i), i * 2);
  return octets;
}

export function decodeUcs2(octets: Uint8Array): string {
  let text = '';
  for (let i = 0; i + 1 < octets.length; i += 2)
    text += String.fromCharCode(((octets[i] ?? 0) << 8) | (octets[i + 1] ?? 0));
  return text;
}

/** The octets of a part in the plan's encoding. */
export function encodePart(plan: Pick<SmsPlan, 'encoding'>, part: string): Buffer {
  return plan.encoding === 'gsm7' ? encodeGsm7(part) : encodeUcs2(part);
}

/**
 * The user data header of a concatenated part (TS 23.040 §9.2.3.24.1): length 5, IEI 0x00
 * (concatenated short messages, 8-bit reference), IE length 3, reference, total parts, this part (1…).
 */
export function concatenationHeader(reference: number, total: number, sequence: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, reference & 0xff, total, sequence]);
}
