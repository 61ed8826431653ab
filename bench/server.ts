/**
 * The server under measurement, in its own process (as in production) so that the load generator
 * does not share its event loop. Adds the floor route, listens on a free port and prints
 * `listening <port>`.
 */
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase, rows } from '../src/db/client.ts';
import { PUBLIC } from '../src/platform/principal.ts';

// Statements sent to PostgreSQL, each one round trip (a query ends with its Sync), and this process's
// CPU time, for the bench to report per request: GET /bench/counters before and after each run.
let queries = 0;
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: typeof query }).query = function (this: pg.Client, ...args) {
  queries++;
  return query.apply(this, args);
};

const url = process.argv[2];
if (!url) throw new Error('usage: server.ts DATABASE_URL');
const database = await openDatabase({ url, maxConnections: Number(process.env.BENCH_POOL ?? 20) });
const config = loadConfig({
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  PUBLIC_RATE_LIMIT_PER_MINUTE: '100000000',
  // The partner key's own limit would answer 429 long before the server is saturated.
  PARTNER_RATE_LIMIT_PER_MINUTE: '1000000',
});
const app = await buildApp({ config, database });
// The floor: one primary-key SELECT, no authentication, no transaction.
app.get<{ Params: { id: string } }>('/bench/pk/:id', { config: { policy: PUBLIC } }, async (request) => {
  const [row] = await rows<{ id: string; state: string }>(
    database.db,
    sql`select id, state from memberships where id = ${request.params.id}`,
  );
  return row ?? {};
});
app.get('/bench/counters', { config: { policy: PUBLIC } }, async () => {
  const cpu = process.cpuUsage();
  return { queries, cpuMicros: cpu.user + cpu.system };
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
process.on('SIGTERM', async () => {
  await app.close();
  await database.close();
  process.exit(0);
});
