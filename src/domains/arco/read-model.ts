import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { arcoOppositions } from '../../db/schema/index.ts';

/**
 * What other domains may read of ARCO's tables. Any new use of a titular's data beyond giving the
 * service (a survey, an offer) asks first whether the titular opposed that purpose.
 */
export async function opposedPurposes(executor: Executor, membershipId: string): Promise<string[]> {
  const found = await executor
    .select({ purpose: arcoOppositions.purpose })
    .from(arcoOppositions)
    .where(eq(arcoOppositions.membershipId, membershipId));
  return found.map((r) => r.purpose);
}
