import { v7 as uuidv7, validate, version } from 'uuid';

/** Time-ordered ids (UUIDv7): index-friendly, and sortable by creation time. */
export function newId(): string {
  return uuidv7();
}

export function isUuid(value: string): boolean {
  return validate(value) && version(value) >= 1;
}

/**
 * Numbers people read aloud over the phone: `LP-26-004211` — a prefix naming the kind of record,
 * the two-digit year it was created in (Mexico City) and a sequence that restarts every year.
 * Only digits and a two-letter prefix, so nothing can be misheard as another character.
 */
export interface HumanNumber {
  prefix: string;
  year: number;
  sequence: number;
}

const HUMAN_NUMBER = /^([A-Z]{2})-(\d{2})-(\d{6,})$/;

export function formatHumanNumber({ prefix, year, sequence }: HumanNumber): string {
  if (!/^[A-Z]{2}$/.test(prefix)) throw new RangeError(`prefix must be two capital letters, got "${prefix}"`);
  if (!Number.isInteger(year) || year < 2000 || year > 2099)
    throw new RangeError(`year out of range: ${year}`);
  if (!Number.isSafeInteger(sequence) || sequence < 1)
    throw new RangeError(`sequence must be ≥ 1: ${sequence}`);
  return `${prefix}-${String(year % 100).padStart(2, '0')}-${String(sequence).padStart(6, '0')}`;
}

/** Accepts what an agent types: any case, spaces or no dashes (`lp 26 4211`, `LP26004211`). */
export function parseHumanNumber(text: string): HumanNumber | null {
  const compact = text.toUpperCase().replace(/[\s-]/g, '');
  const loose = /^([A-Z]{2})(\d{2})(\d{1,})$/.exec(compact);
  if (!loose) return null;
  const normalised = `${loose[1]}-${loose[2]}-${(loose[3] as string).padStart(6, '0')}`;
  const match = HUMAN_NUMBER.exec(normalised);
  if (!match) return null;
  const sequence = Number(match[3]);
  if (sequence < 1) return null;
  return { prefix: match[1] as string, year: 2000 + Number(match[2]), sequence };
}
