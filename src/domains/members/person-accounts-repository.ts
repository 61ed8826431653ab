import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { beneficiaries, beneficiaryAccounts } from '../../db/schema/index.ts';

/** Beneficiaries' own accounts: the only SQL of them. */
export class PersonAccountsRepository {
  async person(executor: Executor, membershipId: string, beneficiaryId: string) {
    const [row] = await executor
      .select()
      .from(beneficiaries)
      .where(
        and(
          eq(beneficiaries.id, beneficiaryId),
          eq(beneficiaries.membershipId, membershipId),
          isNull(beneficiaries.removedAt),
        ),
      );
    return row;
  }

  async insert(executor: Executor, row: typeof beneficiaryAccounts.$inferInsert): Promise<void> {
    await executor.insert(beneficiaryAccounts).values(row);
  }

  async liveOf(executor: Executor, membershipId: string) {
    return executor
      .select()
      .from(beneficiaryAccounts)
      .where(and(eq(beneficiaryAccounts.membershipId, membershipId), isNull(beneficiaryAccounts.revokedAt)));
  }

  /** Whether this account once stood for this person (its access since revoked). */
  async wasRevokedAccountOf(executor: Executor, userId: string, beneficiaryId: string): Promise<boolean> {
    const [row] = await executor
      .select({ userId: beneficiaryAccounts.userId })
      .from(beneficiaryAccounts)
      .where(
        and(
          eq(beneficiaryAccounts.userId, userId),
          eq(beneficiaryAccounts.beneficiaryId, beneficiaryId),
          isNotNull(beneficiaryAccounts.revokedAt),
        ),
      );
    return !!row;
  }

  /** Gives a revoked account its access back (a new invitation accepted by the same person). */
  async restore(executor: Executor, userId: string, at: Date): Promise<void> {
    await executor
      .update(beneficiaryAccounts)
      .set({ revokedAt: null, createdAt: at })
      .where(and(eq(beneficiaryAccounts.userId, userId), isNotNull(beneficiaryAccounts.revokedAt)));
  }

  /** Revokes the person's live account; its user id, or null when there was none. */
  async revoke(
    executor: Executor,
    membershipId: string,
    beneficiaryId: string,
    at: Date,
  ): Promise<string | null> {
    const [row] = await executor
      .update(beneficiaryAccounts)
      .set({ revokedAt: at })
      .where(
        and(
          eq(beneficiaryAccounts.membershipId, membershipId),
          eq(beneficiaryAccounts.beneficiaryId, beneficiaryId),
          isNull(beneficiaryAccounts.revokedAt),
        ),
      )
      .returning({ userId: beneficiaryAccounts.userId });
    return row?.userId ?? null;
  }

  /** The account's own row (one per account), with whether its person is still on the membership. */
  async accountOf(executor: Executor, userId: string) {
    const [row] = await executor
      .select({
        membershipId: beneficiaryAccounts.membershipId,
        beneficiaryId: beneficiaryAccounts.beneficiaryId,
        revokedAt: beneficiaryAccounts.revokedAt,
        removedAt: beneficiaries.removedAt,
      })
      .from(beneficiaryAccounts)
      .innerJoin(beneficiaries, eq(beneficiaries.id, beneficiaryAccounts.beneficiaryId))
      .where(eq(beneficiaryAccounts.userId, userId));
    return row;
  }
}
