import { and, count, eq, gte, lt, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { chargeAttempts, charges } from '../../db/schema/index.ts';

/**
 * What other domains may read of billing's tables, named by billing (their owner). Other
 * repositories call these with their own executor instead of selecting from the tables.
 */

/** The membership a charge belongs to, if the charge exists. */
export async function membershipOfCharge(executor: Executor, chargeId: string): Promise<string | undefined> {
  const [row] = await executor
    .select({ membershipId: charges.membershipId })
    .from(charges)
    .where(eq(charges.id, chargeId));
  return row?.membershipId;
}

/** Charges with an attempt in the window, by their status now. */
export async function chargesAttemptedByStatus(
  executor: Executor,
  window: { from: Date; to: Date },
): Promise<{ status: string; charges: number }[]> {
  const attempted = executor
    .select({ one: sql`1` })
    .from(chargeAttempts)
    .where(
      and(
        eq(chargeAttempts.chargeId, charges.id),
        gte(chargeAttempts.at, window.from),
        lt(chargeAttempts.at, window.to),
      ),
    );
  return executor
    .select({ status: charges.status, charges: count().mapWith(Number) })
    .from(charges)
    .where(sql`exists (${attempted})`)
    .groupBy(charges.status);
}
