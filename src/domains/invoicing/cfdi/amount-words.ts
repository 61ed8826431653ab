/**
 * An amount in words as Mexican invoices print it: "DOSCIENTOS DIECIOCHO PESOS 00/100 M.N.".
 * Numbers before "PESOS" take the apocopated form (UN, VEINTIÚN, CIENTO UN); exact millions take
 * "DE" ("UN MILLÓN DE PESOS").
 */
import { assertCentavos } from '../../../lib/money.ts';

const UNITS = [
  '',
  'UNO',
  'DOS',
  'TRES',
  'CUATRO',
  'CINCO',
  'SEIS',
  'SIETE',
  'OCHO',
  'NUEVE',
  'DIEZ',
  'ONCE',
  'DOCE',
  'TRECE',
  'CATORCE',
  'QUINCE',
  'DIECISÉIS',
  'DIECISIETE',
  'DIECIOCHO',
  'DIECINUEVE',
  'VEINTE',
  'VEINTIUNO',
  'VEINTIDÓS',
  'VEINTITRÉS',
  'VEINTICUATRO',
  'VEINTICINCO',
  'VEINTISÉIS',
  'VEINTISIETE',
  'VEINTIOCHO',
  'VEINTINUEVE',
];
const TENS = ['', '', '', 'TREINTA', 'CUARENTA', 'CINCUENTA', 'SESENTA', 'SETENTA', 'OCHENTA', 'NOVENTA'];
const HUNDREDS = [
  '',
  'CIENTO',
  'DOSCIENTOS',
  'TRESCIENTOS',
  'CUATROCIENTOS',
  'QUINIENTOS',
  'SEISCIENTOS',
  'SETECIENTOS',
  'OCHOCIENTOS',
  'NOVECIENTOS',
];

/** 1…999 in words, full form ("UNO", "VEINTIUNO"). */
function upTo999(n: number): string {
  if (n === 100) return 'CIEN';
  const h = Math.floor(n / 100);
  const rest = n % 100;
  const parts: string[] = [];
  if (h > 0) parts.push(HUNDREDS[h] ?? '');
  if (rest > 0 && rest < 30) parts.push(UNITS[rest] ?? '');
  else if (rest >= 30) {
    const t = TENS[Math.floor(rest / 10)] ?? '';
    const u = rest % 10;
    parts.push(u === 0 ? t : `${t} Y ${UNITS[u]}`);
  }
  return parts.join(' ');
}

/** "UNO" → "UN", "VEINTIUNO" → "VEINTIÚN", "… Y UNO" → "… Y UN": the form used before a noun. */
function apocope(words: string): string {
  return words.replace(/VEINTIUNO$/, 'VEINTIÚN').replace(/UNO$/, 'UN');
}

/** A whole number in words, in the form used before a noun (as in "… PESOS", "… MIL"). */
export function integerInWords(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a whole amount: ${n}`);
  if (n === 0) return 'CERO';
  const parts: string[] = [];
  const millions = Math.floor(n / 1_000_000);
  const thousands = Math.floor((n % 1_000_000) / 1000);
  const rest = n % 1000;
  if (millions > 0) {
    parts.push(millions === 1 ? 'UN MILLÓN' : `${integerInWords(millions)} MILLONES`);
  }
  if (thousands > 0) parts.push(thousands === 1 ? 'MIL' : `${apocope(upTo999(thousands))} MIL`);
  if (rest > 0) parts.push(apocope(upTo999(rest)));
  return parts.join(' ');
}

export function amountInWords(centavos: number): string {
  assertCentavos(centavos);
  const pesos = Math.floor(centavos / 100);
  const cents = String(centavos % 100).padStart(2, '0');
  const words = integerInWords(pesos);
  const exactMillions = pesos > 0 && pesos % 1_000_000 === 0;
  const unit = pesos === 1 ? 'PESO' : 'PESOS';
  return `${words}${exactMillions ? ' DE' : ''} ${unit} ${cents}/100 M.N.`;
}
