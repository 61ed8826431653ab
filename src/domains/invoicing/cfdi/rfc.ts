/**
 * RFC (Registro Federal de Contribuyentes) checks: shape, a real date of birth/incorporation and
 * the check digit (the SAT's modulo-11 algorithm over the character table below). A persona moral's
 * RFC has 12 characters, a persona física's 13. The generic RFCs have no valid check digit and are
 * recognised by name only.
 */
import { type PersonType, RFC_FOREIGN, RFC_PUBLIC } from './catalogues.ts';

const TABLE = '0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ';
const SHAPE = /^([A-ZÑ&]{3,4})(\d{2})(\d{2})(\d{2})([A-Z\d]{2})([A\d])$/;

export type RfcProblem = 'format' | 'date' | 'check-digit' | 'generic';

export interface RfcCheck {
  ok: boolean;
  rfc: string;
  personType?: PersonType;
  generic?: 'public' | 'foreign';
  problem?: RfcProblem;
}

export function normalizeRfc(rfc: string): string {
  return rfc.trim().toUpperCase();
}

/** The check digit the first 11 (moral) or 12 (física) characters call for. */
export function rfcCheckDigit(rfcWithoutDigit: string): string {
  const padded = rfcWithoutDigit.length === 11 ? ` ${rfcWithoutDigit}` : rfcWithoutDigit;
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const value = TABLE.indexOf(padded[i] ?? '');
    if (value < 0) return '?';
    sum += value * (13 - i);
  }
  const remainder = sum % 11;
  if (remainder === 0) return '0';
  const digit = 11 - remainder;
  return digit === 10 ? 'A' : String(digit);
}

function realDate(yy: string, mm: string, dd: string): boolean {
  const month = Number(mm);
  const day = Number(dd);
  if (month < 1 || month > 12 || day < 1) return false;
  // The century is unknown; 2000 is a leap year, so 29 February is accepted for "00".
  const year = 2000 + Number(yy);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}

export function checkRfc(input: string): RfcCheck {
  const rfc = normalizeRfc(input);
  if (rfc === RFC_PUBLIC) return { ok: true, rfc, personType: 'fisica', generic: 'public' };
  if (rfc === RFC_FOREIGN) return { ok: true, rfc, personType: 'fisica', generic: 'foreign' };
  const m = SHAPE.exec(rfc);
  if (!m) return { ok: false, rfc, problem: 'format' };
  const personType: PersonType = (m[1] ?? '').length === 3 ? 'moral' : 'fisica';
  if (!realDate(m[2] ?? '', m[3] ?? '', m[4] ?? '')) return { ok: false, rfc, personType, problem: 'date' };
  if (rfcCheckDigit(rfc.slice(0, -1)) !== rfc.slice(-1)) {
    return { ok: false, rfc, personType, problem: 'check-digit' };
  }
  return { ok: true, rfc, personType };
}
