import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { beneficiaryInvitations } from '../../db/schema/activation.ts';

export type InvitationRecord = typeof beneficiaryInvitations.$inferSelect;

/** The beneficiary invitations' table: its only SQL. */
export class InvitationsRepository {
  async insert(executor: Executor, row: typeof beneficiaryInvitations.$inferInsert): Promise<void> {
    await executor.insert(beneficiaryInvitations).values(row);
  }

  async byTokenHash(executor: Executor, tokenHash: string): Promise<InvitationRecord | undefined> {
    const [found] = await executor
      .select()
      .from(beneficiaryInvitations)
      .where(eq(beneficiaryInvitations.tokenHash, tokenHash))
      .for('update');
    return found;
  }

  async ofMembership(executor: Executor, membershipId: string): Promise<InvitationRecord[]> {
    return executor
      .select()
      .from(beneficiaryInvitations)
      .where(eq(beneficiaryInvitations.membershipId, membershipId))
      .orderBy(desc(beneficiaryInvitations.createdAt));
  }

  /** Closes the person's open invitations (a newer one supersedes them; revoking closes them). */
  async closeOpen(
    executor: Executor,
    beneficiaryId: string,
    reason: 'superseded' | 'revoked',
    now: Date,
  ): Promise<void> {
    await executor
      .update(beneficiaryInvitations)
      .set({ closedAt: now, closedReason: reason })
      .where(
        and(eq(beneficiaryInvitations.beneficiaryId, beneficiaryId), isNull(beneficiaryInvitations.closedAt)),
      );
  }

  async markUsed(executor: Executor, id: string, userId: string, now: Date): Promise<void> {
    await executor
      .update(beneficiaryInvitations)
      .set({ closedAt: now, closedReason: 'used', userId })
      .where(eq(beneficiaryInvitations.id, id));
  }
}
