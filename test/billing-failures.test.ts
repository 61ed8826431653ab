import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillingMessages } from '../src/domains/billing/messages.ts';
import { BillingRepository } from '../src/domains/billing/repository.ts';
import { BillingService } from '../src/domains/billing/service.ts';
import { type ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, signIn } from './support/auth.ts';
import { buildMembership } from './support/factories.ts';

/** Writing answers fails on the first batch; taking batches is slow, so the failure lands meanwhile. */
class FailingRepository extends BillingRepository {
  override async settle(
    ...args: Parameters<BillingRepository['settle']>
  ): ReturnType<BillingRepository['settle']> {
    throw new Error(`the database went away (${args[1].length} answers unwritten)`);
  }
  override async createDue(...args: Parameters<BillingRepository['createDue']>) {
    const due = await super.createDue(...args);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return due;
  }
}

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  (t.clock as ManualClock).set(mexicoCityTime('2026-11-25T14:05'));
  const agent = await signIn(t, await createUser(t, 'agent'));
  for (let i = 0; i < 4; i++) await buildMembership(t, { by: agent.write });
});
afterAll(async () => t.close());

describe('a billing run whose writes fail', () => {
  it('fails the run and records it, with no unhandled rejection left behind to stop the process', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const billing = new BillingService(
        t.database.handle.db,
        new FailingRepository(),
        t.services.members,
        t.services.payments,
        t.services.audit,
        t.clock,
        new BillingMessages(t.services.notifier),
        t.services.eventLog,
        { retryDays: [1, 3, 7], batchSize: 1, concurrency: 4, claimSeconds: 300, heartbeatSeconds: 5 },
      );
      await expect(billing.run({ at: t.clock.now(), trigger: 'test' })).rejects.toThrow(
        'the database went away',
      );
      // Let every pending rejection surface.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(unhandled).toEqual([]);
      const [latest] = await billing.runs(1);
      expect(latest).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('the database went away'),
      });
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});
