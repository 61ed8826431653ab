import type { Database } from '../../db/client.ts';
import type { BillingMessages } from './messages.ts';
import type { RunPace } from './pace.ts';
import type { BillingRepository, TestClockScope } from './repository.ts';
import { NOTICE_LEAD_DAYS, NOTICE_LOOK_AHEAD_DAYS } from './run-options.ts';

/**
 * The notices of the charges coming within the look-ahead (LFPC art. 76 Bis), batch by batch, each
 * to go out `NOTICE_LEAD_DAYS` before its charge. A run that is late writes them anyway, to go out at
 * once; a notice already written is never written again. Each batch starts where the last ended
 * (`upcomingWithoutNotice`'s cursor). The daily run paces it; a test clock's steps do not.
 */
export async function writeUpcomingNotices(
  deps: { db: Database; repository: BillingRepository; messages: BillingMessages },
  p: { at: Date; batchSize: number; now: () => Date; scope?: TestClockScope; pace?: RunPace },
): Promise<number> {
  const limit = p.pace ? p.pace.batch(p.batchSize) : p.batchSize;
  let written = 0;
  let after: { chargeAt: Date; membershipId: string } | undefined;
  for (;;) {
    await p.pace?.wait();
    const batch = await deps.db.transaction(async (tx) => {
      const upcoming = await deps.repository.upcomingWithoutNotice(tx, {
        at: p.at,
        lookAheadDays: NOTICE_LOOK_AHEAD_DAYS,
        limit,
        ...(p.scope !== undefined ? { scope: p.scope } : {}),
        ...(after ? { after } : {}),
      });
      written += await deps.messages.notices(tx, upcoming, NOTICE_LEAD_DAYS, p.now());
      return upcoming;
    });
    p.pace?.count(batch.length);
    const last = batch.at(-1);
    if (!last || batch.length < limit) return written;
    after = { chargeAt: last.chargeAt, membershipId: last.membershipId };
  }
}
