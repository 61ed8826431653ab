import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { testClocks } from '../../db/schema/index.ts';

/**
 * What other domains may read of test clocks: a clock's time, the "now" of the memberships on it
 * (sandbox, docs/test-clocks.md). Null: no such clock.
 */
export async function testClockTime(executor: Executor, testClockId: string): Promise<Date | null> {
  const [row] = await executor
    .select({ frozenTime: testClocks.frozenTime })
    .from(testClocks)
    .where(eq(testClocks.id, testClockId));
  return row?.frozenTime ?? null;
}
