import type { Executor } from '../../db/client.ts';
import { AppError } from '../../lib/errors.ts';
import type { Actor } from '../../platform/principal.ts';
import './errors.ts';
import { VerificationRepository } from './verification-repository.ts';
import { MUST_VERIFY, noteOf, staffUserOf, type VerificationNote } from './verifications.ts';

const verifications = new VerificationRepository();

/**
 * The identity gate of every agent route that reads or changes a member's personal data — the
 * membership and its people, its charges, invoices and fiscal data, its cases and complaints as a
 * list, its messages and preferences, its cancellation, a case's answers given for the member
 * (docs/decisions-pending/words.md lists them and the routes left out, with why). Called inside the
 * caller's transaction once the membership is known to be reachable: the check that clears this
 * staff member (to note on the audit entry), null for callers who need none, or 428
 * VERIFICATION_REQUIRED for an agent without one in force.
 */
export async function clearanceFor(
  executor: Executor,
  actor: Actor,
  membershipId: string,
  now: Date,
): Promise<VerificationNote | null> {
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
