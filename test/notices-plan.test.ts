import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import { upcomingWithoutNoticeStatement } from '../src/domains/billing/repository.ts';
import { freshDatabase, type TestDatabase } from './support/database.ts';

// A billing run reads the notices it owes a batch at a time, from where the last batch ended. At a
// million memberships that is only cheap if each batch walks the schedule's index in its own order
// and stops at its limit: sorting the week ahead for every batch made the paced run fall behind its
// pace (docs/performance.md, "The notices in the schedule's order").
describe('the billing run’s notices statement', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    // One connection, so the planner settings below hold for the statements after them.
    database = await freshDatabase({ maxConnections: 1 });
    // The tables are empty here, where any plan is cheap: make scanning a whole table or sorting
    // dear, as they are at a million rows. A sort is then left in the plan only if no index gives
    // the statement's order (a penalty, not a ban) — which is what this asks.
    for (const setting of ['enable_seqscan', 'enable_bitmapscan', 'enable_sort'])
      await database.handle.db.execute(sql.raw(`set ${setting} = off`));
  });
  afterAll(() => database?.drop());

  async function planOf(statement: SQL): Promise<string> {
    const plan = await rows<{ 'QUERY PLAN': string }>(database.handle.db, sql`explain ${statement}`);
    return plan.map((line) => line['QUERY PLAN']).join('\n');
  }

  const at = new Date('2027-01-10T06:05:00Z');
  for (const [batch, after] of [
    ['a run’s first batch', undefined],
    [
      'a later batch (after the last one’s end)',
      { chargeAt: new Date('2027-01-12T06:00:00Z'), membershipId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' },
    ],
  ] as const) {
    it(`${batch} reads the schedule’s index in its order, with no sort`, async () => {
      const plan = await planOf(
        upcomingWithoutNoticeStatement({ at, lookAheadDays: 7, limit: 100, ...(after ? { after } : {}) }),
      );
      expect(plan).toContain('billing_schedule_due_idx');
      expect(plan).not.toMatch(/Sort/);
      expect(plan).toMatch(/^Limit/);
    });
  }
});
