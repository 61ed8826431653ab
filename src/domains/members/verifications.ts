import type { Database } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { MINUTE_MS } from '../../lib/clock.ts';
import { AppError, validationFailed } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import './errors.ts';
import type { MembershipRecords } from './records.ts';
import type { MembersRepository } from './repository.ts';
import type { VerificationRecord, VerificationRepository } from './verification-repository.ts';

/** How long a passed or skipped check clears the agent for the membership: a long call. */
export const VERIFICATION_MINUTES = 30;
/** Wrong answers for one membership within the window before facts are refused. */
export const VERIFICATION_ATTEMPTS = 3;

/** Roles that must check who is calling before a membership's details: the agents on the phone. */
export const MUST_VERIFY = new Set(['agent']);

export type VerificationFact = 'birthDate' | 'cardLast4' | 'membershipNumber';

export interface VerificationInput {
  birthDate?: string | undefined;
  cardLast4?: string | undefined;
  membershipNumber?: string | undefined;
  skipReason?: string | undefined;
}

export interface VerificationView {
  id: string;
  membershipId: string;
  outcome: 'verified' | 'skipped';
  facts: VerificationFact[];
  person: string | null;
  skipReason: string | null;
  at: string;
  expiresAt: string;
}

/** What an audit entry of a detail read or change says about the check that cleared it. */
export type VerificationNote =
  | { id: string; by: 'facts'; facts: string[]; person: string | null }
  | { id: string; by: 'skipped'; reason: string };

export function noteOf(v: VerificationRecord): VerificationNote {
  return v.outcome === 'skipped'
    ? { id: v.id, by: 'skipped', reason: v.skipReason ?? '' }
    : { id: v.id, by: 'facts', facts: v.facts, person: v.person };
}

export function present(v: VerificationRecord): VerificationView {
  return {
    id: v.id,
    membershipId: v.membershipId,
    outcome: v.outcome === 'skipped' ? 'skipped' : 'verified',
    facts: v.facts as VerificationFact[],
    person: v.person,
    skipReason: v.skipReason,
    at: v.at.toISOString(),
    expiresAt: (v.expiresAt ?? v.at).toISOString(),
  };
}

/** The staff member of a session, or undefined for anyone else (customers, keys, the system). */
export function staffUserOf(actor: Actor): { userId: string; role: string } | undefined {
  const p = actor.principal;
  return p?.kind === 'user' && p.role !== 'customer' && p.role !== 'provider'
    ? { userId: p.userId, role: p.role }
    : undefined;
}

/**
 * The agent's identity check on a call: two facts of the membership (birth date of the titular or
 * a beneficiary, the card's last 4, the membership number), or a written reason to skip it. A
 * passed or skipped check clears that agent for that membership for 30 minutes; three wrong
 * answers within 30 minutes lock facts for the membership (a skip, with its reason, still works,
 * so an emergency is never blocked — and it stays on the audit log for review).
 */
export class VerificationsService {
  constructor(
    private readonly db: Database,
    private readonly repository: VerificationRepository,
    private readonly members: MembersRepository,
    private readonly records: MembershipRecords,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Whether this caller must check, the check in force if any, and the attempts left. */
  async status(actor: Actor, membershipId: string) {
    return this.db.transaction(async (tx) => {
      const found = await this.records.load(tx, actor, membershipId);
      // Nothing to verify a caller for: the file is blocked (the console says so instead of asking).
      if (found.membership.personalDataBlockedAt) throw new AppError('PERSONAL_DATA_BLOCKED');
      const staff = staffUserOf(actor);
      const now = this.clock.now();
      const current = staff ? await this.repository.current(tx, membershipId, staff.userId, now) : undefined;
      const failures = await this.repository.failuresSince(tx, membershipId, this.windowStart(now));
      return {
        number: found.membership.number,
        required: !!staff && MUST_VERIFY.has(staff.role),
        current: current ? present(current) : null,
        attemptsLeft: Math.max(0, VERIFICATION_ATTEMPTS - failures),
      };
    });
  }

  async verify(actor: Actor, membershipId: string, input: VerificationInput): Promise<VerificationView> {
    const staff = staffUserOf(actor);
    if (!staff) throw new AppError('FORBIDDEN');
    const skipReason = input.skipReason?.trim();
    const facts = factsOf(input);
    if (skipReason !== undefined && facts.length > 0)
      throw validationFailed('body', 'give two facts or a reason to skip, not both');
    if (skipReason === undefined && facts.length !== 2)
      throw validationFailed('body', 'give exactly two facts, or a reason to skip');
    if (skipReason !== undefined && skipReason.length < 5)
      throw validationFailed('body/skipReason', 'say why the check is skipped (5 characters at least)');

    const now = this.clock.now();
    const outcome = await this.db.transaction(async (tx) => {
      const found = await this.records.load(tx, actor, membershipId, true);
      if (found.membership.personalDataBlockedAt) throw new AppError('PERSONAL_DATA_BLOCKED');
      const row = {
        id: newId(),
        membershipId,
        userId: staff.userId,
        at: now,
        facts: facts.map(([name]) => name),
        expiresAt: new Date(now.getTime() + VERIFICATION_MINUTES * MINUTE_MS),
      };
      if (skipReason !== undefined) {
        const failures = await this.repository.failuresSince(tx, membershipId, this.windowStart(now));
        const record = { ...row, outcome: 'skipped', person: null, skipReason };
        await this.repository.insert(tx, record);
        await this.audit.record(tx, actor, {
          action: 'membership.verification_skip',
          recordType: 'membership',
          recordId: membershipId,
          details: { verificationId: row.id, reason: skipReason, failedAttempts: failures },
        });
        return { ok: true as const, record: { ...record, facts: [] } };
      }
      const failures = await this.repository.failuresSince(tx, membershipId, this.windowStart(now));
      if (failures >= VERIFICATION_ATTEMPTS) {
        await this.audit.record(tx, actor, {
          action: 'membership.verification_locked',
          recordType: 'membership',
          recordId: membershipId,
          details: { facts: row.facts, failedAttempts: failures },
        });
        return { ok: false as const, locked: true, attemptsLeft: 0 };
      }
      const people = await this.members.beneficiariesOf(tx, [membershipId], false);
      const m = found.membership;
      let person: string | null = null;
      const matches = facts.every(([name, value]) => {
        if (name === 'membershipNumber') return value.toUpperCase() === m.number;
        if (name === 'cardLast4') return value === m.cardLast4 || people.some((p) => p.cardLast4 === value);
        if (value === m.titularBirthDate) person = 'titular';
        else person = people.find((p) => p.birthDate === value)?.kind ?? null;
        return person !== null;
      });
      const record = {
        ...row,
        outcome: matches ? 'verified' : 'failed',
        person: matches ? person : null,
        skipReason: null,
        expiresAt: matches ? row.expiresAt : null,
      };
      await this.repository.insert(tx, record);
      // The names of the facts asked, never the values the caller gave.
      await this.audit.record(tx, actor, {
        action: matches ? 'membership.verification' : 'membership.verification_failed',
        recordType: 'membership',
        recordId: membershipId,
        details: { verificationId: row.id, facts: row.facts, ...(matches ? { person } : {}) },
      });
      if (matches) return { ok: true as const, record };
      return { ok: false as const, locked: false, attemptsLeft: VERIFICATION_ATTEMPTS - failures - 1 };
    });
    // A failure is refused only after its attempt and audit entry are committed.
    if (!outcome.ok) {
      if (outcome.locked)
        throw new AppError('VERIFICATION_LOCKED', {
          headers: { 'retry-after': String(VERIFICATION_MINUTES * 60) },
        });
      throw new AppError('VERIFICATION_FAILED', { extensions: { attemptsLeft: outcome.attemptsLeft } });
    }
    return present(outcome.record);
  }

  private windowStart(now: Date): Date {
    return new Date(now.getTime() - VERIFICATION_MINUTES * MINUTE_MS);
  }
}

/** The facts given, trimmed, as [name, value] pairs (empty ones left out). */
function factsOf(input: VerificationInput): [VerificationFact, string][] {
  const given: [VerificationFact, string | undefined][] = [
    ['birthDate', input.birthDate?.trim()],
    ['cardLast4', input.cardLast4?.trim()],
    ['membershipNumber', input.membershipNumber?.trim()],
  ];
  return given.filter((f): f is [VerificationFact, string] => !!f[1]);
}
