import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { apiKeys, users } from '../../db/schema/index.ts';

/**
 * What other domains may read of identity's tables, named by identity (their owner). Other
 * repositories call these with their own executor instead of selecting from the tables.
 */

/** The sign-in email of an account (where a beneficiary's own complaint is answered), if it exists. */
export async function userEmailOf(executor: Executor, userId: string): Promise<string | undefined> {
  const [row] = await executor.select({ email: users.email }).from(users).where(eq(users.id, userId));
  return row?.email;
}

/** Which of these API keys are live (not revoked): a revoked partner key's webhooks get nothing. */
export async function liveApiKeyIds(executor: Executor, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const found = await executor
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(inArray(apiKeys.id, [...new Set(ids)]), isNull(apiKeys.revokedAt)));
  return new Set(found.map((r) => r.id));
}
