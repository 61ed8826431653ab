/**
 * A separate process that races for uses: opens its own PostgreSQL pool and fires `count`
 * reservations at once on one membership, at the test's instant. Prints one JSON line with each
 * attempt's outcome. The concurrency test runs several of these to show the ledger holds across
 * processes, not only across connections of one process.
 */
import { buildServices } from '../../src/app.ts';
import { openDatabase } from '../../src/db/client.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { SYSTEM_ACTOR } from '../../src/platform/principal.ts';

const [url, membershipId, serviceCode, countText, now] = process.argv.slice(2);
if (!url || !membershipId || !serviceCode || !countText || !now) {
  throw new Error('usage: reserve.ts URL MEMBERSHIP SERVICE COUNT NOW');
}
const count = Number(countText);
const database = await openDatabase({ url, maxConnections: count });
const services = buildServices(database, new ManualClock(now));
const results = await Promise.all(
  Array.from({ length: count }, () =>
    database.db
      .transaction((tx) =>
        services.entitlements.reserve(tx, SYSTEM_ACTOR, {
          membershipId,
          personId: 'titular',
          serviceCode,
          request: {},
        }),
      )
      .then(
        () => 'reserved',
        (error: { code?: string; message: string }) => error.code ?? error.message,
      ),
  ),
);
await database.close();
process.stdout.write(`${JSON.stringify(results)}\n`);
