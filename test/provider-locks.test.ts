import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { onPostgres } from './support/database.ts';
import { contractByPhone, signedInProvider } from './support/dispatch.ts';
import { buildCase } from './support/factories.ts';

/**
 * Found by the operating-day benchmark (npm run bench -- day): a provider's location update locks
 * the provider, then each of its jobs; a status report locks its job, updates it, then updates it
 * again (the event's sequence number), and PostgreSQL checks that second update's foreign key to
 * the provider (the row version is the transaction's own). While the provider was locked FOR
 * UPDATE that check waited for the location update, which waited for the job: a deadlock, answered
 * 500. Only PostgreSQL runs two transactions at once (PGlite is one connection).
 */

let t: TestApp;
let agent: Session;
let provider: { id: string; session: Session };

beforeAll(async () => {
  t = await buildTestApp();
  agent = await signIn(t, await createUser(t, 'agent'));
  provider = await signedInProvider(t, { kmNorth: 1, capacity: 3 });
});
afterAll(async () => t?.close());

describe('a provider moving while one of its jobs is reported on', () => {
  it.skipIf(!onPostgres)(
    'lets the report finish and then moves the provider (no deadlock)',
    async () => {
      const membershipId = await contractByPhone(t, agent.write);
      const caseId = (await buildCase(t, { membershipId, by: agent.write })).id;
      const offers = (
        await t.app.inject({ method: 'GET', url: '/v1/provider/offers', headers: provider.session.read })
      ).json().data as { id: string; caseId: string }[];
      const offer = offers.find((o) => o.caseId === caseId);
      const accepted = await t.app.inject({
        method: 'POST',
        url: `/v1/offers/${offer?.id}/accept`,
        headers: provider.session.write,
        payload: { quoteCentavos: 80_000 },
      });
      expect(accepted.statusCode, accepted.body).toBe(200);

      const db = t.database.handle.db;
      let releaseReport: () => void = () => {};
      const reportMayFinish = new Promise<void>((r) => (releaseReport = r));
      let reportUpdatedOnce: () => void = () => {};
      const updatedOnce = new Promise<void>((r) => (reportUpdatedOnce = r));
      // The status report's statements, in its order, held open between its two updates.
      const report = db.transaction(async (tx) => {
        await tx.execute(sql`set local lock_timeout = '5s'`);
        await rows(tx, sql`select id from cases where id = ${caseId} for update`);
        await tx.execute(sql`update cases set state = 'en_route', updated_at = now() where id = ${caseId}`);
        reportUpdatedOnce();
        await reportMayFinish;
        await tx.execute(sql`update cases set last_seq = last_seq where id = ${caseId}`);
      });
      await updatedOnce;
      const moving = t.app.inject({
        method: 'PUT',
        url: '/v1/provider/location',
        headers: provider.session.write,
        payload: { lat: 19.45, lng: -99.14 },
      });
      // The location update holds the provider and waits for the job.
      await expect
        .poll(
          async () =>
            (
              await rows<{ n: number }>(
                db,
                sql`select count(*)::int as n from pg_stat_activity
                    where datname = current_database() and wait_event_type = 'Lock'`,
              )
            )[0]?.n,
          { timeout: 10_000, interval: 50 },
        )
        .toBe(1);
      releaseReport();
      await expect(report).resolves.toBeUndefined();
      const moved = await moving;
      expect(moved.statusCode, moved.body).toBe(200);
    },
    60_000,
  );
});
