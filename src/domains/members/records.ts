import type { Transaction } from '../../db/client.ts';
import { type Clock, MINUTE_MS } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { type Actor, isStaff } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import './errors.ts';
import { clearanceFor } from './clearance.ts';
import { searchable } from './identity-documents.ts';
import type { MembershipState } from './lifecycle.ts';
import type {
  BeneficiaryRecord,
  MembershipRecord,
  MembershipWithPlan,
  MembersRepository,
} from './repository.ts';
import type { VerificationRepository } from './verification-repository.ts';
import { staffUserOf, VERIFICATION_MINUTES, type VerificationNote } from './verifications.ts';

export type Executor = Parameters<MembersRepository['byId']>[0];

/**
 * Who may reach a membership at all (the route's policy already admitted the caller's role): a
 * customer only their own; providers none. Anyone else's answers as a missing one.
 */
export function assertMayReach(actor: Actor, titularUserId: string | null): void {
  const p = actor.principal;
  if (p?.kind === 'user' && p.role === 'customer' && titularUserId !== p.userId) {
    throw new AppError('MEMBERSHIP_NOT_FOUND');
  }
  if (p?.kind === 'user' && p.role === 'provider') throw new AppError('MEMBERSHIP_NOT_FOUND');
}

/** What staff search matches a membership by: the titular, number, card and the people on it now. */
export function searchTextOf(
  m: Pick<MembershipRecord, 'titularName' | 'titularEmail' | 'titularPhone' | 'number' | 'cardLast4'>,
  people: Pick<BeneficiaryRecord, 'fullName' | 'removedAt'>[],
): string {
  return searchable(
    [
      m.titularName,
      m.titularEmail,
      m.titularPhone,
      m.number,
      m.cardLast4,
      ...people.filter((p) => !p.removedAt).map((p) => p.fullName),
    ].join(' '),
  );
}

export interface MembershipEvent {
  type: string;
  fromState?: MembershipState;
  toState?: MembershipState;
  reason: string;
  details?: Record<string, unknown>;
}

/**
 * What every members service does around a membership it reads or changes: load it only for
 * those who may reach it, record its events, audit reads of personal data and keep its search
 * text current. Shared by the membership, contracting and beneficiary services.
 */
export class MembershipRecords {
  constructor(
    private readonly repository: MembersRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly verifications: VerificationRepository,
  ) {}

  /**
   * Loads a membership the caller may see, or answers MEMBERSHIP_NOT_FOUND — for a customer,
   * someone else's membership is indistinguishable from one that does not exist.
   */
  async load(tx: Executor, actor: Actor, id: string, forUpdate = false): Promise<MembershipWithPlan> {
    const found = await this.repository.byId(tx, id, forUpdate);
    if (!found) throw new AppError('MEMBERSHIP_NOT_FOUND');
    assertMayReach(actor, found.membership.titularUserId);
    return found;
  }

  /**
   * For reads and changes of a membership's details: the identity check that clears this staff
   * member (noted on the audit entry), null for callers who need none, VERIFICATION_REQUIRED for
   * an agent without one in force. Runs in the caller's transaction, after the membership loads.
   */
  async clearance(tx: Executor, actor: Actor, membershipId: string): Promise<VerificationNote | null> {
    return clearanceFor(tx, actor, membershipId, this.clock.now());
  }

  /**
   * A membership contracted by a staff member on a call clears them for it, as a check would:
   * they took every detail from the caller moments ago.
   */
  async clearByContracting(tx: Transaction, actor: Actor, membershipId: string): Promise<void> {
    const staff = staffUserOf(actor);
    if (!staff) return;
    const now = this.clock.now();
    await this.verifications.insert(tx, {
      id: newId(),
      membershipId,
      userId: staff.userId,
      outcome: 'verified',
      facts: ['contracting'],
      person: 'titular',
      at: now,
      expiresAt: new Date(now.getTime() + VERIFICATION_MINUTES * MINUTE_MS),
    });
  }

  /** `load` for a read or change of the details: the membership and the check that cleared it. */
  async loadDetail(
    tx: Executor,
    actor: Actor,
    id: string,
    forUpdate = false,
  ): Promise<{ found: MembershipWithPlan; verification: VerificationNote | null }> {
    const found = await this.load(tx, actor, id, forUpdate);
    return { found, verification: await this.clearance(tx, actor, id) };
  }

  async event(tx: Transaction, actor: Actor, membershipId: string, event: MembershipEvent): Promise<void> {
    const p = actor.principal;
    await this.repository.insertEvent(tx, {
      id: newId(),
      membershipId,
      at: this.clock.now(),
      type: event.type,
      fromState: event.fromState ?? null,
      toState: event.toState ?? null,
      reason: event.reason,
      actorType: p ? p.kind : 'system',
      actorId: p ? (p.kind === 'user' ? p.userId : p.apiKeyId) : null,
      details: event.details ?? {},
    });
  }

  /** Reads by anyone but the titular are reads of someone's personal data: audited. */
  async auditRead(
    tx: Transaction,
    actor: Actor,
    membershipId: string,
    action: string,
    verification: VerificationNote | null = null,
  ): Promise<void> {
    const p = actor.principal;
    const own = p?.kind === 'user' && p.role === 'customer';
    if (!own && (isStaff(p) || p?.kind === 'api_key')) {
      await this.audit.record(tx, actor, {
        action,
        recordType: 'membership',
        recordId: membershipId,
        ...(verification ? { details: { verification } } : {}),
      });
    }
  }

  async refreshSearchText(tx: Transaction, m: MembershipRecord): Promise<void> {
    const people = await this.repository.beneficiariesOf(tx, [m.id], false);
    await this.repository.update(tx, m.id, {
      searchText: searchTextOf(m, people),
      updatedAt: this.clock.now(),
    });
  }
}
