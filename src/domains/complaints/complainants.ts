import type { Executor } from '../../db/client.ts';
import { AppError } from '../../lib/errors.ts';
import { type Actor, isStaff } from '../../platform/principal.ts';
import './errors.ts';
import type { ComplaintFilter, ComplaintRecord, ComplaintsRepository } from './repository.ts';
import type { Audience } from './views.ts';

/** Who did something, as a complaint's timeline and filing record name them. */
export function eventActor(actor: Actor): { actorType: string; actorId: string | null; actorName: string } {
  const p = actor.principal;
  if (!p) return { actorType: 'system', actorId: null, actorName: 'Libra' };
  if (p.kind === 'user') return { actorType: p.role, actorId: p.userId, actorName: p.name };
  return { actorType: `api_key:${p.role}`, actorId: p.apiKeyId, actorName: p.name };
}

/** Customers file online and partners through the API; staff say how it came in (phone by default). */
export function channelOf(actor: Actor, requested: 'phone' | 'email' | 'in_person' | undefined): string {
  const p = actor.principal;
  if (p?.kind === 'api_key') return 'api';
  if (p?.kind === 'user' && p.role === 'customer') return 'online';
  return requested ?? 'phone';
}

export function audienceOf(actor: Actor): Audience {
  return isStaff(actor.principal) ? 'staff' : 'member';
}

/** Where a message about the complaint goes instead of the titular's contact. */
export type Recipient = { channel: 'email'; address: string } | undefined;

/**
 * Who may complain, as a customer: the titular about anything of their memberships; a
 * beneficiary's own account only about a case of theirs, and it reads only the complaints it filed.
 * Messages about a beneficiary's complaint go to that account's email, not the titular's: the
 * complaint is the beneficiary's and so is the answer.
 */
export class Complainants {
  constructor(private readonly repository: ComplaintsRepository) {}

  /**
   * A customer filing on a membership they stand on as a beneficiary: the case must be theirs
   * (CASE_NOT_FOUND for anyone else's), and a complaint without a case or about a charge is not
   * theirs to file (COMPLAINT_CASE_REQUIRED). Null for everyone else, who goes through the
   * membership's own check.
   */
  async beneficiaryFiling(
    executor: Executor,
    actor: Actor,
    input: { membershipId: string; caseId?: string | undefined; chargeId?: string | undefined },
  ): Promise<{ recipient: Recipient } | null> {
    const p = actor.principal;
    if (p?.kind !== 'user' || p.role !== 'customer') return null;
    const grant = await this.repository.personGrantOf(executor, p.userId);
    if (!grant || grant.membershipId !== input.membershipId) return null;
    if (!input.caseId || input.chargeId)
      throw new AppError('COMPLAINT_CASE_REQUIRED', {
        errors: [{ field: 'body/caseId', message: 'a beneficiary complains about a case of theirs' }],
      });
    const subject = await this.repository.caseSubject(executor, input.caseId);
    if (subject?.membershipId !== grant.membershipId || subject.personId !== grant.personId)
      throw new AppError('CASE_NOT_FOUND');
    return { recipient: { channel: 'email', address: p.email } };
  }

  /** A customer reaches the complaints of their memberships, or, as a beneficiary, those they filed. */
  async mayRead(executor: Executor, actor: Actor, record: ComplaintRecord): Promise<boolean> {
    const p = actor.principal;
    if (p?.kind !== 'user' || p.role !== 'customer') return true;
    if (record.titularUserId === p.userId) return true;
    if (record.complaint.filedById !== p.userId) return false;
    const grant = await this.repository.personGrantOf(executor, p.userId);
    return grant?.membershipId === record.complaint.membershipId;
  }

  /** A customer's list: their memberships' complaints, or a beneficiary's own. */
  async listScope(executor: Executor, userId: string): Promise<Partial<ComplaintFilter>> {
    const grant = await this.repository.personGrantOf(executor, userId);
    if (!grant) return { titularUserId: userId };
    return { membershipId: grant.membershipId, filedById: userId };
  }

  /** Where the resolution goes: the beneficiary's account email when they filed it; else the titular. */
  async recipientOf(executor: Executor, record: ComplaintRecord): Promise<Recipient> {
    const c = record.complaint;
    if (c.filedByType !== 'customer' || !c.filedById || c.filedById === record.titularUserId)
      return undefined;
    const address = await this.repository.userEmailOf(executor, c.filedById);
    return address ? { channel: 'email', address } : undefined;
  }
}
