import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7, validate, version } from 'uuid';

// Random bytes drawn from the system 4 KiB at a time: uuid asks for 16 per id, and a request makes
// two or three ids (request, audit entry…), so one system call per id was 3–4 % of a busy server's
// CPU (eligibility bench profile, docs/performance.md).
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let used = POOL_BYTES;

function randomBytes16(): Uint8Array {
  if (used + 16 > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  used += 16;
  // A copy: uuid keeps nothing, but the pool's bytes must never serve two ids.
  return Uint8Array.prototype.slice.call(pool, used - 16, used);
}

// uuid keeps ids made in one millisecond in order only when it draws its own bytes; handing it ours,
// the process keeps that order here the way uuid does (RFC 9562 §6.2, method 1: a counter seeded
// at random each millisecond, carried into the next when it wraps).
let lastMsecs = Number.NEGATIVE_INFINITY;
let sequence = 0;

/** Time-ordered ids (UUIDv7): index-friendly, and sortable by creation time. */
export function newId(): string {
  const random = randomBytes16();
  const now = Date.now();
  if (now > lastMsecs) {
    sequence =
      (((random[6] as number) & 0x7f) << 24) |
      ((random[7] as number) << 16) |
      ((random[8] as number) << 8) |
      (random[9] as number);
    lastMsecs = now;
  } else {
    sequence = (sequence + 1) | 0;
    if (sequence === 0) lastMsecs += 1;
  }
  return uuidv7({ random, msecs: lastMsecs, seq: sequence });
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
