import type { Executor } from '../../db/client.ts';
import { AppError } from '../../lib/errors.ts';
import type { Actor } from '../../platform/principal.ts';
import './errors.ts';
import { blockedMemberships } from './read-model.ts';
import { VerificationRepository } from './verification-repository.ts';
import { MUST_VERIFY, noteOf, staffUserOf, type VerificationNote } from './verifications.ts';

const verifications = new VerificationRepository();

/**
 * What of a member's file a route reaches: their personal data (the membership and its people,
 * usage, messages, cancellation, their cases and complaints as a list), or the billing records
 * the law requires kept (charges, invoices and the fiscal data invoices are issued to).
 */
export type FilePart = 'personal' | 'billing';

/**
 * Who still reaches blocked personal data: the titular themself, the privacy office that answers
 * them, and Libra's own jobs (keeping the records is the legal obligation itself).
 */
export function mayReachBlocked(actor: Actor): boolean {
  const p = actor.principal;
  return !p || (p.kind === 'user' && (p.role === 'customer' || p.role === 'privacy'));
}

/**
 * The gate of every route of a member's file, called by each owning domain in its own transaction
 * once the membership is known to be reachable (docs/decisions-pending/words.md lists the routes).
 * Personal data blocked by an ARCO cancellation answers 451 PERSONAL_DATA_BLOCKED to staff and
 * the bank; billing records stay reachable. Then the identity check: the check that clears this
 * staff member (to note on the audit entry), null for callers who need none, or 428
 * VERIFICATION_REQUIRED for an agent without one in force.
 */
export async function clearanceFor(
  executor: Executor,
  actor: Actor,
  membershipId: string,
  now: Date,
  part: FilePart = 'personal',
): Promise<VerificationNote | null> {
  if (
    part === 'personal' &&
    !mayReachBlocked(actor) &&
    (await blockedMemberships(executor, [membershipId])).size > 0
  )
    throw new AppError('PERSONAL_DATA_BLOCKED');
  const staff = staffUserOf(actor);
  if (!staff) return null;
  const current = await verifications.current(executor, membershipId, staff.userId, now);
  if (current) return noteOf(current);
  if (MUST_VERIFY.has(staff.role)) throw new AppError('VERIFICATION_REQUIRED');
  return null;
}

/** An audit entry's details with the check that cleared the read or change, when there was one. */
export function withVerification(
  details: Record<string, unknown> | undefined,
  verification: VerificationNote | null,
): Record<string, unknown> | undefined {
  return verification ? { ...(details ?? {}), verification } : details;
}
