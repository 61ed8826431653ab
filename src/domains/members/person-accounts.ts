import type { Transaction } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { type Actor, SYSTEM_ACTOR } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import { ageOn } from './coverage.ts';
import './errors.ts';
import type { PersonAccountsRepository } from './person-accounts-repository.ts';
import type { MembershipRecords } from './records.ts';
import type { BeneficiaryRecord, MembershipWithPlan } from './repository.ts';

/** Of age in Mexico: a beneficiary from 18 may hold an account of their own. */
export const AGE_OF_MAJORITY = 18;

export interface AdultPerson {
  membershipId: string;
  beneficiaryId: string;
  fullName: string;
  titularName: string;
}

/**
 * Beneficiaries' own portal accounts, as members (the owner of people) sees them: who is of age,
 * linking an account to a person, and the titular's revoking it. Each change is a membership event
 * and an audit entry, in the caller's transaction.
 */
export class PersonAccounts {
  constructor(
    private readonly repository: PersonAccountsRepository,
    private readonly records: MembershipRecords,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * A current beneficiary of a membership the caller may reach (a customer: their own), of age by
   * the birth date on file at the Clock's today. A person without a birth date is not taken as of age.
   */
  async adultPerson(
    tx: Transaction,
    actor: Actor,
    membershipId: string,
    beneficiaryId: string,
  ): Promise<AdultPerson> {
    const { membership } = await this.records.load(tx, actor, membershipId, true);
    const person = await this.repository.person(tx, membershipId, beneficiaryId);
    if (!person) throw new AppError('BENEFICIARY_NOT_FOUND');
    if (!person.birthDate || ageOn(person.birthDate, this.clock.now()) < AGE_OF_MAJORITY) {
      throw new AppError('BENEFICIARY_NOT_OF_AGE');
    }
    return { membershipId, beneficiaryId, fullName: person.fullName, titularName: membership.titularName };
  }

  /**
   * The person a customer account stands for and the membership they are on: null for an account
   * that never stood for one (a titular's); BENEFICIARY_ACCESS_REVOKED once the titular revoked it
   * or the person left the membership, so the portal can say so rather than "not found".
   */
  async ownPerson(
    tx: Transaction,
    userId: string,
  ): Promise<{ membership: MembershipWithPlan; person: BeneficiaryRecord } | null> {
    const account = await this.repository.accountOf(tx, userId);
    if (!account) return null;
    if (account.revokedAt || account.removedAt) throw new AppError('BENEFICIARY_ACCESS_REVOKED');
    const membership = await this.records.load(tx, SYSTEM_ACTOR, account.membershipId);
    const person = await this.repository.person(tx, account.membershipId, account.beneficiaryId);
    if (!person) throw new AppError('BENEFICIARY_ACCESS_REVOKED');
    return { membership, person };
  }

  /** Only for whoever may reach the membership (a customer: the titular); MEMBERSHIP_NOT_FOUND otherwise. */
  async reach(tx: Transaction, actor: Actor, membershipId: string): Promise<void> {
    await this.records.load(tx, actor, membershipId);
  }

  async liveAccounts(
    tx: Transaction,
    membershipId: string,
  ): Promise<{ beneficiaryId: string; userId: string; createdAt: Date }[]> {
    return this.repository.liveOf(tx, membershipId);
  }

  /** Whether this account is the person's own from before, its access revoked (a returning person). */
  wasAccountOf(tx: Transaction, userId: string, beneficiaryId: string): Promise<boolean> {
    return this.repository.wasRevokedAccountOf(tx, userId, beneficiaryId);
  }

  /**
   * The account stands for the person: a new one, or the person's own from before given its access
   * back (`returning`). One live account per person (BENEFICIARY_HAS_ACCOUNT).
   */
  async link(
    tx: Transaction,
    actor: Actor,
    person: AdultPerson,
    userId: string,
    returning = false,
  ): Promise<void> {
    const live = await this.repository.liveOf(tx, person.membershipId);
    if (live.some((a) => a.beneficiaryId === person.beneficiaryId))
      throw new AppError('BENEFICIARY_HAS_ACCOUNT');
    if (returning) await this.repository.restore(tx, userId, this.clock.now());
    else
      await this.repository.insert(tx, {
        userId,
        membershipId: person.membershipId,
        beneficiaryId: person.beneficiaryId,
        createdAt: this.clock.now(),
      });
    await this.records.event(tx, actor, person.membershipId, {
      type: 'beneficiary_account_linked',
      reason: 'Un beneficiario aceptó la invitación del titular',
      details: { beneficiaryId: person.beneficiaryId, userId },
    });
  }

  /** The titular takes the person's access away; the account stays and reaches nothing. */
  async revoke(
    tx: Transaction,
    actor: Actor,
    membershipId: string,
    beneficiaryId: string,
  ): Promise<string | null> {
    const userId = await this.repository.revoke(tx, membershipId, beneficiaryId, this.clock.now());
    if (userId) {
      await this.records.event(tx, actor, membershipId, {
        type: 'beneficiary_account_revoked',
        reason: 'El titular retiró el acceso del beneficiario',
        details: { beneficiaryId, userId },
      });
    }
    await this.audit.record(tx, actor, {
      action: 'beneficiary_access.revoke',
      recordType: 'membership',
      recordId: membershipId,
      details: { beneficiaryId, userId },
    });
    return userId;
  }
}
