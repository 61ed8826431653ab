import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { caseLocationLinks } from '../../db/schema/index.ts';
import { titularPhones } from '../members/read-model.ts';

export type LocationLinkRow = typeof caseLocationLinks.$inferSelect;

/** The one-time location links of cases ("Comparte tu ubicación"): found by their token's hash only. */
export class LocationLinksRepository {
  async insert(executor: Executor, row: LocationLinkRow): Promise<void> {
    await executor.insert(caseLocationLinks).values(row);
  }

  /** The link whose token hashes to this, locked for the change when asked. */
  async byTokenHash(
    executor: Executor,
    tokenHash: string,
    forUpdate = false,
  ): Promise<LocationLinkRow | undefined> {
    const query = executor.select().from(caseLocationLinks).where(eq(caseLocationLinks.tokenHash, tokenHash));
    const [row] = forUpdate ? await query.for('update') : await query;
    return row;
  }

  /** The case's links neither used nor voided (expired ones among them) are voided; returns their ids. */
  async voidOpen(executor: Executor, caseId: string, at: Date): Promise<string[]> {
    const voided = await executor
      .update(caseLocationLinks)
      .set({ voidedAt: at })
      .where(
        and(
          eq(caseLocationLinks.caseId, caseId),
          isNull(caseLocationLinks.usedAt),
          isNull(caseLocationLinks.voidedAt),
        ),
      )
      .returning({ id: caseLocationLinks.id });
    return voided.map((v) => v.id);
  }

  async markUsed(executor: Executor, id: string, at: Date): Promise<void> {
    await executor.update(caseLocationLinks).set({ usedAt: at }).where(eq(caseLocationLinks.id, id));
  }

  /** The titular's phone of the membership (members' read model): where a link goes by default. */
  async titularPhone(executor: Executor, membershipId: string): Promise<string | undefined> {
    return (await titularPhones(executor, [membershipId])).get(membershipId);
  }
}
