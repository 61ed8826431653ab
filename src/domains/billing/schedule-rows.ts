import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { billingSchedule } from '../../db/schema/index.ts';

/**
 * A membership's row in billing's schedule, written by members in the transaction that contracts
 * or cancels it: the schedule is billing's table, so billing names the writes.
 */

/** The membership's schedule row, made at contracting with period 1's due instant. */
export async function openSchedule(
  executor: Executor,
  membershipId: string,
  nextChargeAt: Date | null,
): Promise<void> {
  await executor.insert(billingSchedule).values({ membershipId, nextChargeAt });
}

/** Many memberships' schedule rows at once (a bank file's batch), each with its period 1's due instant. */
export async function openSchedules(
  executor: Executor,
  rows: readonly { membershipId: string; nextChargeAt: Date | null }[],
): Promise<void> {
  if (rows.length === 0) return;
  await executor.insert(billingSchedule).values([...rows]);
}

/** Nothing more falls due (a cancellation). */
export async function closeSchedule(executor: Executor, membershipId: string): Promise<void> {
  await executor
    .update(billingSchedule)
    .set({ nextChargeAt: null })
    .where(eq(billingSchedule.membershipId, membershipId));
}
