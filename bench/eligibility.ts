/**
 * Eligibility benchmark (issues 5 and 26). On a fresh PostgreSQL database with 100,000 memberships
 * and a year of usage, measure in one run:
 *   floor — a route that does one primary-key SELECT (the floor for a database-backed request);
 *   check — POST /v1/eligibility/checks with a partner key, on random memberships and services.
 * Throughput: both saturated by 50 connections; target check/floor ≥ 0.6.
 * Latency (restated in issue 26): both at one fixed offered rate, half the floor's measured
 * capacity, so that neither is queueing; target check p99 ≤ 2 × floor p99 at that rate. (A p99
 * under 20 ms at 50 busy connections needs > 2,500 req/s by Little's law, beyond the floor itself.)
 * The last line is one JSON object.
 */

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { buildServices } from '../src/app.ts';
import { openDatabase, rows } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { systemClock } from '../src/lib/clock.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { seed } from '../src/seed.ts';
import { addSpousesAndYearOfUsage, freshBenchDatabase, type Printer } from './support.ts';

const MEMBERSHIPS = Number(process.env.BENCH_MEMBERSHIPS ?? 100_000);
const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const TARGET_RATIO = 0.6;
/** At the fixed rate, the check's p99 may be at most this many times the floor's. */
const TARGET_P99_RATIO = 2;
/** The fixed offered rate as a share of the floor's measured capacity (BENCH_FIXED_RATE overrides). */
const FIXED_SHARE = 0.5;
const FIXED_SECONDS = Number(process.env.BENCH_FIXED_SECONDS ?? 10);

const SERVICES = [
  'online-doctor',
  'home-nurse',
  'tow-truck',
  'land-ambulance',
  'home-plumbing',
  'legal-advice',
];

export async function eligibilityBenchmark(say: Printer): Promise<Record<string, unknown>> {
  const bench = await freshBenchDatabase('eligibility');
  const database = await openDatabase({ url: bench.url, maxConnections: 20 });
  try {
    await migrateDatabase(database);
    const services = buildServices(database, systemClock);
    await seed(services, { demo: false });

    say(`loading ${MEMBERSHIPS.toLocaleString('en')} memberships and a year of usage…`);
    const started = Date.now();
    const db = database.db;
    // Set-based: a few statements, not a round trip per membership.
    await db.execute(sql`
      insert into memberships (id, number, plan_version_id, state, channel, titular_name, titular_email,
        titular_phone, titular_birth_date, card_token, card_brand, card_type, card_last4, card_exp_month,
        card_exp_year, contracted_at, billing_day, search_text, created_at, updated_at)
      select gen_random_uuid(), 'LM-25-' || lpad(g::text, 6, '0'),
        (select pv.id from plan_versions pv join plans p on p.id = pv.plan_id
          where p.code = case when g % 5 = 0 then 'libra-one' else 'libra-plus' end and pv.version = 1),
        case when g % 20 = 0 then 'past_due' else 'active' end, 'bank',
        'Titular ' || g || ' Pérez', 'titular' || g || '@bench.libra.mx', '55' || lpad(g::text, 8, '0'),
        date '1980-01-01' + (g % 9000), 'tok_bench_' || g, 'visa', 'credit', lpad((g % 10000)::text, 4, '0'), 12, 2030,
        now() - make_interval(days => 30 + g % 330), 1 + g % 28, 'titular ' || g || ' perez', now(), now()
      from generate_series(1, ${MEMBERSHIPS}) g`);
    // A year of usage: about 8 uses per membership over the services, in the current membership year.
    await addSpousesAndYearOfUsage(database, [
      'online-doctor',
      'online-doctor',
      'online-doctor',
      'tow-truck',
      'tow-truck',
      'land-ambulance',
      'specialist-consultation',
      'home-plumbing',
    ]);
    // A serving database is vacuumed (autovacuum): tuples carry their hint bits and pages are in
    // the visibility map. Right after a bulk load they are not, and the first reader of each page
    // pays for that (dirtying it); the checkpoint writes the load out before anything is measured.
    await db.execute(sql`vacuum (analyze)`);
    await db.execute(sql`checkpoint`);
    const [counts] = await rows<{ memberships: number; ledger: number }>(
      db,
      sql`select (select count(*) from memberships) as memberships, (select count(*) from usage_ledger) as ledger`,
    );
    say(
      `  ${counts?.memberships} memberships, ${counts?.ledger} ledger rows in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    const ids = (
      await rows<{ id: string }>(db, sql`select id from memberships order by random() limit 5000`)
    ).map((r) => r.id);
    const key = (
      await services.apiKeys.createApiKey(SYSTEM_ACTOR, {
        name: 'bench',
        kind: 'partner',
        scopes: ['eligibility:read'],
      })
    ).key;

    // BENCH_PROFILE=dir: the server writes a V8 CPU profile there on exit (where the check's time goes).
    const profile = process.env.BENCH_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
      : [];
    const server = spawn(process.execPath, [...profile, '--import', 'tsx', 'bench/server.ts', bench.url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (chunk) => {
        out += chunk;
        const match = /listening (\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      server.on('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    });
    const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)] as T;

    const counters = async () =>
      (await (await fetch(`http://127.0.0.1:${port}/bench/counters`)).json()) as {
        queries: number;
        cpuMicros: number;
      };
    // PostgreSQL's CPU for the same requests: its backends serving the bench database (the server's
    // pool), from /proc (Linux; clock ticks of 10 ms, fine over thousands of requests).
    const backendsCpuMicros = async () => {
      const pids = await rows<{ pid: number }>(
        db,
        sql`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
      );
      let ticks = 0;
      for (const { pid } of pids) {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          ticks += Number(fields[11]) + Number(fields[12]);
        } catch {
          // Not on this machine, or gone: PostgreSQL's share is then not reported.
        }
      }
      return ticks * 10_000;
    };
    const run = async (title: string, options: Omit<autocannon.Options, 'url'>) => {
      const before = await counters();
      const pgBefore = await backendsCpuMicros();
      const result = await new Promise<autocannon.Result>((resolve, reject) => {
        autocannon(
          { duration: DURATION_S, ...options, url: `http://127.0.0.1:${port}`, connections: CONNECTIONS },
          (err, result) => (err ? reject(err) : resolve(result)),
        );
      });
      // Per answered request: statements to PostgreSQL (the round trips it costs) and the server's
      // CPU time, which other work on the machine disturbs far less than the rates.
      const after = await counters();
      const pgCpuMicrosPerRequest =
        ((await backendsCpuMicros()) - pgBefore) / Math.max(1, result.requests.total);
      const answered = Math.max(1, result.requests.total);
      const queriesPerRequest = (after.queries - before.queries) / answered;
      const cpuMicrosPerRequest = (after.cpuMicros - before.cpuMicros) / answered;
      const failures = result.non2xx + result.errors + result.timeouts;
      say(
        `  ${title.padEnd(7)} ${result.requests.average.toFixed(0).padStart(7)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  ${queriesPerRequest.toFixed(2)} queries, ${cpuMicrosPerRequest.toFixed(0)} µs server CPU and ${pgCpuMicrosPerRequest.toFixed(0)} µs PostgreSQL CPU a request  (${result.requests.total} requests, ${failures} not 2xx/errors)`,
      );
      if (failures > 0) throw new Error(`${title}: ${failures} requests failed`);
      return { ...result, queriesPerRequest, cpuMicrosPerRequest, pgCpuMicrosPerRequest };
    };

    const floorRequests: autocannon.Request[] = [
      { method: 'GET', setupRequest: (r) => ({ ...r, path: `/bench/pk/${pick(ids)}` }) },
    ];
    const checkRequests: autocannon.Request[] = [
      {
        method: 'POST',
        path: '/v1/eligibility/checks',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        setupRequest: (r) => ({
          ...r,
          body: JSON.stringify({
            membershipId: pick(ids),
            personId: 'titular',
            serviceCode: pick(SERVICES),
            estimatedCostCentavos: 120_000,
          }),
        }),
      },
    ];

    say(`measuring, ${CONNECTIONS} connections, ${DURATION_S} s each…`);
    // A short warm-up of each route so that both are measured with JIT, caches and pools warm.
    await run('warmup', { requests: floorRequests, duration: 3 });
    await run('warmup', { requests: checkRequests, duration: 3 });
    const floor = await run('floor', { requests: floorRequests });
    const check = await run('check', { requests: checkRequests });
    // At a fixed offered rate the connections wait between requests, so the latency is the
    // request's own, not a queue's: half the floor's capacity keeps both routes out of saturation.
    const fixedRate = Number(
      process.env.BENCH_FIXED_RATE ?? Math.round(floor.requests.average * FIXED_SHARE),
    );
    say(`  at a fixed ${fixedRate} req/s (${FIXED_SHARE} × the floor's capacity), ${FIXED_SECONDS} s each:`);
    const floorAtRate = await run('floor@', {
      requests: floorRequests,
      overallRate: fixedRate,
      duration: FIXED_SECONDS,
    });
    const checkAtRate = await run('check@', {
      requests: checkRequests,
      overallRate: fixedRate,
      duration: FIXED_SECONDS,
    });
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;

    const ratio = check.requests.average / floor.requests.average;
    const p99Ratio = checkAtRate.latency.p99 / Math.max(1, floorAtRate.latency.p99);
    say(
      `  throughput ratio ${ratio.toFixed(3)} (target ≥ ${TARGET_RATIO}); p99 at the fixed rate ${checkAtRate.latency.p99} ms against the floor's ${floorAtRate.latency.p99} ms: ${p99Ratio.toFixed(2)}× (target ≤ ${TARGET_P99_RATIO}×)`,
    );
    return {
      name: 'eligibility',
      floor_rps: Math.round(floor.requests.average),
      check_rps: Math.round(check.requests.average),
      ratio: Number(ratio.toFixed(3)),
      target: TARGET_RATIO,
      saturated_p99_ms: check.latency.p99,
      saturated_floor_p99_ms: floor.latency.p99,
      floor_queries_per_request: Number(floor.queriesPerRequest.toFixed(2)),
      check_queries_per_request: Number(check.queriesPerRequest.toFixed(2)),
      floor_server_cpu_us_per_request: Math.round(floor.cpuMicrosPerRequest),
      check_server_cpu_us_per_request: Math.round(check.cpuMicrosPerRequest),
      floor_postgres_cpu_us_per_request: Math.round(floor.pgCpuMicrosPerRequest),
      check_postgres_cpu_us_per_request: Math.round(check.pgCpuMicrosPerRequest),
      fixed_rate: fixedRate,
      floor_p99_ms_at_fixed_rate: floorAtRate.latency.p99,
      check_p99_ms_at_fixed_rate: checkAtRate.latency.p99,
      p99_ratio_at_fixed_rate: Number(p99Ratio.toFixed(2)),
      p99_ratio_target: TARGET_P99_RATIO,
      memberships: MEMBERSHIPS,
      connections: CONNECTIONS,
      duration_s: DURATION_S,
      met: ratio >= TARGET_RATIO && p99Ratio <= TARGET_P99_RATIO,
    };
  } finally {
    await database.close();
    if (process.env.BENCH_KEEP) say(`kept ${bench.url}`);
    else await bench.drop();
  }
}
