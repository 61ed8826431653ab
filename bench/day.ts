/**
 * Operating-day benchmark (issue 26), on PostgreSQL. A million memberships with a year of usage and
 * a week of billing behind them; Libra started as a user starts it (`npm start`, workers on); the
 * 24/7 line's steady offered load (bench/day-line.ts) against it. In one run:
 *   line alone   — each route's p50/p99 with nothing else running;
 *   run alone    — the day's billing run (`libra billing run --at <day> 00:05`, its own process, as an
 *                  operator's cron or a worker runs it) with the line quiet: its duration;
 *   run + line   — the next day's run while the line goes on: the run's duration, and the line's
 *                  p50/p99 over the requests sent while it ran.
 * Targets: the line's p99 with the run ≤ 1.5 × without (every route with enough requests to have
 * a p99), and the run ≤ 1.3 × its time alone. The last line is one JSON object with `met`.
 */

import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { buildServices } from '../src/app.ts';
import { openDatabase, rows } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { inMexicoCity, systemClock } from '../src/lib/clock.ts';
import { seed } from '../src/seed.ts';
import { DEFAULT_SERVICE_OPTIONS } from '../src/services.ts';
import { freePort, killGroup, type LibraProcess, startNpm } from '../test/support/process.ts';
import { CALENDAR_DAYS, type DayWorld, loadDayWorld, midnight } from './day-data.ts';
import { Line, type LineRates, type RouteFigures } from './day-line.ts';
import { WaitSampler } from './day-waits.ts';
import { busyShare, cpuByGroup, freshBenchDatabase, machineCpu, type Printer } from './support.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const MEMBERSHIPS = env('BENCH_DAY_MEMBERSHIPS', 1_000_000);
const PROVIDERS = env('BENCH_DAY_PROVIDERS', 60);
const LINE_SECONDS = env('BENCH_DAY_LINE_SECONDS', 60);
const WARM_SECONDS = env('BENCH_DAY_WARM_SECONDS', 60);
/** The processor's answer time (the sandbox made as slow as a real one). */
const PROCESSOR_MS = env('BENCH_DAY_PROCESSOR_MS', 50);
/** The billing run's connections (DATABASE_POOL_SIZE of its process); the server keeps the default. */
const RUN_POOL = env('BENCH_DAY_RUN_POOL', 2);
/** The run's BILLING_RUN_PACE (charges and notices a second; 0: unpaced), the same for both runs, as docs/operations.md deploys it. */
const RUN_PACE = env('BENCH_DAY_RUN_PACE', 200);
const SEPARATE_WORKERS = (process.env.BENCH_DAY_WORKERS ?? 'separate') === 'separate';
const RATES: LineRates = {
  eligibility: env('BENCH_DAY_ELIGIBILITY_RATE', 50),
  cases: env('BENCH_DAY_CASE_RATE', 2),
  caseReads: env('BENCH_DAY_CASE_READ_RATE', 10),
  providerPollSeconds: env('BENCH_DAY_PROVIDER_POLL_SECONDS', 3),
  locations: env('BENCH_DAY_LOCATION_RATE', 5),
  boardStreams: env('BENCH_DAY_BOARD_STREAMS', 100),
  caseStreams: env('BENCH_DAY_CASE_STREAMS', 200),
};
const LINE_TARGET = 1.5;
const RUN_TARGET = 1.3;
/** A route's p99 is judged only with at least this many requests in each window. */
const MIN_REQUESTS = 200;

/** Cores used by each group of processes in each phase (jiffies are 1/100 s). */
class CoreUsage {
  private readonly phases = new Map<string, { ms: number; jiffies: Record<string, number> }>();
  add(phase: string, before: Record<string, number>, after: Record<string, number>, ms: number): void {
    const p = this.phases.get(phase) ?? { ms: 0, jiffies: {} };
    p.ms += ms;
    // PostgreSQL's backends come and go with their connections (the run's end with it): what
    // they used is the rest of the machine's busy share, not a difference of two readings.
    for (const [group, value] of Object.entries(after))
      if (group !== 'postgres')
        p.jiffies[group] = (p.jiffies[group] ?? 0) + Math.max(0, value - (before[group] ?? 0));
    this.phases.set(phase, p);
  }
  lines(): string[] {
    return [...this.phases].map(
      ([phase, p]) =>
        `    cores used, ${phase.padEnd(4)}: ${Object.entries(p.jiffies)
          .map(([group, j]) => `${group} ${(j / 100 / (p.ms / 1000)).toFixed(2)}`)
          .join(', ')} (PostgreSQL and the billing run's process: the rest of the machine's busy share)`,
    );
  }
}

const sleep = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));
const fmt = (n: number) => Math.round(n).toLocaleString('en');

interface RunFigures {
  seconds: number;
  charged: number;
  succeeded: number;
  declined: number;
  retries: number;
  /** Notices of the charges a week ahead the run wrote (part of its paced work). */
  notices: number;
}

/** `npm run libra -- billing run --at <day>T00:05` as its own process; figures from what it printed. */
async function billingRun(url: string, date: string): Promise<RunFigures> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main.ts', 'billing', 'run', '--at', `${date}T00:05`],
    {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        DATABASE_URL: url,
        SANDBOX_LATENCY_MS: String(PROCESSOR_MS),
        DATABASE_POOL_SIZE: String(RUN_POOL),
        BILLING_RUN_PACE: String(RUN_PACE),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (c) => {
    out += c;
  });
  child.stderr.on('data', (c) => {
    out += c;
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`billing run for ${date} exited with ${code}:\n${out}`);
  const number = (pattern: RegExp) => Number(pattern.exec(out)?.[1] ?? Number.NaN);
  return {
    seconds: number(/took ([\d.]+) s/),
    charged: number(/attempts:\s+(\d+)/),
    succeeded: number(/succeeded:\s+(\d+)/),
    declined: number(/declined:\s+(\d+)/),
    retries: number(/(\d+) retries/),
    notices: number(/notices written:\s+(\d+)/),
  };
}

function table(say: Printer, title: string, quiet: RouteFigures[], loaded: RouteFigures[]) {
  say(`  ${title}`);
  say(
    `    ${'route'.padEnd(20)} ${'alone: n'.padStart(9)} ${'p50'.padStart(6)} ${'p99'.padStart(6)}   ${'with run: n'.padStart(11)} ${'p50'.padStart(6)} ${'p99'.padStart(6)}  ratio`,
  );
  for (const q of quiet) {
    const l = loaded.find((x) => x.route === q.route);
    if (!l) continue;
    const ratio = q.p99 > 0 ? l.p99 / q.p99 : Number.NaN;
    say(
      `    ${q.route.padEnd(20)} ${fmt(q.requests).padStart(9)} ${q.p50.toFixed(1).padStart(6)} ${q.p99.toFixed(1).padStart(6)}   ${fmt(l.requests).padStart(11)} ${l.p50.toFixed(1).padStart(6)} ${l.p99.toFixed(1).padStart(6)}  ${ratio.toFixed(2)}×${q.requests < MIN_REQUESTS || l.requests < MIN_REQUESTS ? ' (too few to judge)' : ''}`,
    );
  }
}

export async function dayBenchmark(say: Printer): Promise<Record<string, unknown>> {
  const bench = await freshBenchDatabase('day');
  const database = await openDatabase({ url: bench.url, maxConnections: 10 });
  let server: LibraProcess | undefined;
  let worker: LibraProcess | undefined;
  try {
    await migrateDatabase(database);
    const services = buildServices(database, systemClock, {
      ...DEFAULT_SERVICE_OPTIONS,
      jobWorkers: false,
      demoAccounts: false,
    });
    await seed(services, { demo: false });
    const local = inMexicoCity(new Date());
    const today = local.toISODate() as string;
    say(
      `loading ${fmt(MEMBERSHIPS)} memberships (a ${CALENDAR_DAYS}-day billing calendar, a year of usage), ${PROVIDERS} providers, the past week billed…`,
    );
    const loadStarted = Date.now();
    const world: DayWorld = await loadDayWorld(database, services, {
      memberships: MEMBERSHIPS,
      providers: PROVIDERS,
      today,
      say,
    });
    say(`  loaded in ${((Date.now() - loadStarted) / 1000).toFixed(0)} s`);

    // The line's server, and (BENCH_DAY_WORKERS=separate, the default) a second process with the
    // job workers (outbox, offer expiry, webhooks), as docs/operations.md deploys them: the
    // messages a billing run leaves are then not sent from the event loop that answers the line.
    const environment = (port: number, workers: boolean) => ({
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATABASE_URL: bench.url,
      DATABASE_REPLICA_URL: undefined,
      JOB_WORKERS: String(workers),
      // The day's runs are the bench's to start; the cron must not fire in the middle.
      BILLING_SCHEDULE: '0 3 29 2 *',
      SANDBOX_LATENCY_MS: String(PROCESSOR_MS),
      PUBLIC_RATE_LIMIT_PER_MINUTE: '100000000',
      PARTNER_RATE_LIMIT_PER_MINUTE: '1000000',
      USER_RATE_LIMIT_PER_MINUTE: '100000000',
    });
    // BENCH_PROFILE=dir: the server (the same command as npm start) writes a V8 CPU profile there when it stops.
    const profile = process.env.BENCH_PROFILE;
    const command = profile
      ? [
          'exec',
          '--',
          'node',
          '--cpu-prof',
          `--cpu-prof-dir=${profile}`,
          '--import',
          'tsx',
          'src/main.ts',
          'serve',
        ]
      : ['start'];
    const port = await freePort();
    server = startNpm(command, environment(port, !SEPARATE_WORKERS), port);
    if (SEPARATE_WORKERS) {
      const workerPort = await freePort();
      worker = startNpm(command, environment(workerPort, true), workerPort);
      await worker.waitForHealth(120_000);
    }
    await server.waitForHealth(120_000);
    const line = new Line(server.base, world, RATES);
    await line.signIn();
    say(
      `line: ${RATES.eligibility} eligibility checks/s, ${RATES.cases} cases/s (tow 70 %, ambulance 30 %, dispatched), ${RATES.caseReads} case reads/s, ${PROVIDERS} provider integrations polling every ${RATES.providerPollSeconds} s (accept, en route, on site, completed), ${RATES.locations} location updates/s, ${RATES.boardStreams} case-board SSE streams and one per new case (its customer following it) up to ${RATES.caseStreams}; processor answers in ${PROCESSOR_MS} ms; job workers ${SEPARATE_WORKERS ? 'in a process of their own' : 'in the server'}; the run with ${RUN_POOL} connections, ${RUN_PACE > 0 ? `paced at ${RUN_PACE} charges and notices a second` : 'unpaced'}`,
    );
    line.openStreams();
    line.start();
    await sleep(WARM_SECONDS);
    say(`  warmed up ${WARM_SECONDS} s; ${line.openStreamCount} streams open`);

    // 1. The line alone (first half of its window; the second half follows the loaded run, so that
    // both states are measured early and late).
    const half = LINE_SECONDS / 2;
    const serverPid = server.child.pid;
    /** Seconds until the outbox has nothing due (the run's receipts and decline notices sent). */
    const drained = async (): Promise<number> => {
      const from = performance.now();
      for (;;) {
        const [due] = await rows<{ n: number }>(
          database.db,
          sql`select count(*)::int as n from notifications where status = 'pending' and send_at <= now()`,
        );
        if (!due?.n || performance.now() - from > 600_000) return (performance.now() - from) / 1000;
        await sleep(0.5);
      }
    };
    const groups = () => cpuByGroup({ server: serverPid, workers: worker?.child.pid });
    const usage = new CoreUsage();
    const waits = new WaitSampler(database);
    waits.start('line');
    const quiet1From = performance.now();
    let cpu = machineCpu();
    let g = groups();
    await sleep(half);
    const quiet1To = performance.now();
    usage.add('line', g, groups(), quiet1To - quiet1From);
    const busy = { line: busyShare(cpu, machineCpu()), run: 0, both: 0 };
    await line.stop();

    // 2. The run alone (the line quiet, the streams still open).
    say(`billing run for ${world.aloneDay}, the line quiet…`);
    cpu = machineCpu();
    g = groups();
    waits.start('run');
    const aloneFrom = performance.now();
    const alone = await billingRun(bench.url, world.aloneDay);
    usage.add('run', g, groups(), performance.now() - aloneFrom);
    busy.run = busyShare(cpu, machineCpu());
    waits.stop();
    const aloneDrain = await drained();
    say(
      `  ${fmt(alone.charged)} charges (${fmt(alone.retries)} retries) and ${fmt(alone.notices)} notices in ${alone.seconds.toFixed(1)} s; its messages out of the outbox ${aloneDrain.toFixed(1)} s later`,
    );

    // 3. The next day's run under the line, then the line alone again.
    line.start();
    await sleep(WARM_SECONDS / 2);
    say(`billing run for ${world.loadedDay} under the line…`);
    const loadedFrom = performance.now();
    cpu = machineCpu();
    g = groups();
    waits.start('both');
    const loadedRun = await billingRun(bench.url, world.loadedDay);
    waits.stop();
    busy.both = busyShare(cpu, machineCpu());
    const loadedTo = performance.now();
    usage.add('both', g, groups(), loadedTo - loadedFrom);
    const loadedDrain = await drained();
    const drainTo = performance.now();
    say(
      `  ${fmt(loadedRun.charged)} charges (${fmt(loadedRun.retries)} retries) and ${fmt(loadedRun.notices)} notices in ${loadedRun.seconds.toFixed(1)} s; its messages out of the outbox ${loadedDrain.toFixed(1)} s later`,
    );
    const quiet2From = performance.now();
    g = groups();
    waits.start('line');
    await sleep(half);
    const quiet2To = performance.now();
    usage.add('line', g, groups(), quiet2To - quiet2From);
    waits.stop();
    await line.stop();
    const streamsOpen = line.openStreamCount;
    line.closeStreams();
    const quietWindows: [number, number][] = [
      [quiet1From, quiet1To],
      [quiet2From, quiet2To],
    ];
    const quiet = line.window(...quietWindows);
    const loaded = line.window([loadedFrom, loadedTo]);
    const draining = line.window([loadedTo, drainTo]);
    const eventsIn = (windows: [number, number][]) =>
      line.streamEvents.filter((t) => windows.some(([from, to]) => t >= from && t < to)).length;
    const quietEvents = eventsIn(quietWindows);
    const loadedEvents = eventsIn([[loadedFrom, loadedTo]]);

    // Checked, not assumed: each measured day's cohort charged once, nothing charged twice.
    const [check] = await rows<{ due: number; charged: number; twice: number }>(
      database.db,
      sql`select
            (select count(*)::int from billing_schedule s join memberships m on m.id = s.membership_id
              where m.billing_day in (extract(day from ${world.aloneDay}::date), extract(day from ${world.loadedDay}::date))
                and m.contracted_at < ${midnight(world.aloneDay)}) as due,
            (select count(*)::int from charges where period_starts_at in (${midnight(world.aloneDay)}, ${midnight(world.loadedDay)})) as charged,
            (select count(*)::int from (select membership_id, period_key from charges group by 1, 2 having count(*) > 1) d) as twice`,
    );

    say('');
    table(
      say,
      `the line (ms; requests sent in each window: alone ${LINE_SECONDS} s in two halves, before and after, with the run ${((loadedTo - loadedFrom) / 1000).toFixed(0)} s)`,
      quiet,
      loaded,
    );
    say(`    SSE streams open at the end: ${streamsOpen}`);
    say(`    SSE events delivered: ${fmt(quietEvents)} alone, ${fmt(loadedEvents)} with the run`);
    say(
      `    providers: ${fmt(line.jobs.accepted)} offers accepted, ${fmt(line.jobs.completed)} jobs completed, ${line.jobs.acceptRefused} accepts refused`,
    );
    const failures = line.failures();
    if (Object.keys(failures).length > 0) say(`    not 2xx: ${JSON.stringify(failures)}`);
    const errors = server
      .output()
      .split('\n')
      .filter((l) => /"level":(50|60)/.test(l));
    if (errors.length > 0)
      say(`    server errors (${errors.length}), the first: ${errors[0]?.slice(0, 600)}`);
    if (process.env.BENCH_DAY_SERVER_LOG) await writeFile(process.env.BENCH_DAY_SERVER_LOG, server.output());
    const judged = quiet
      .map((q) => ({ q, l: loaded.find((x) => x.route === q.route) }))
      .filter(({ q, l }) => l && q.requests >= MIN_REQUESTS && l.requests >= MIN_REQUESTS && q.p99 > 0)
      .map(({ q, l }) => ({ route: q.route, ratio: (l as RouteFigures).p99 / q.p99 }));
    const lineRatio = Math.max(...judged.map((j) => j.ratio));
    const drainRatios = quiet
      .map((q) => ({ q, d: draining.find((x) => x.route === q.route) }))
      .filter(({ q, d }) => d && q.requests >= MIN_REQUESTS && d.requests >= MIN_REQUESTS && q.p99 > 0)
      .map(({ q, d }) => `${q.route} ${((d as RouteFigures).p99 / q.p99).toFixed(2)}×`);
    say(
      `  while the run's messages left the outbox (${((drainTo - loadedTo) / 1000).toFixed(0)} s after it, workers' process): p99 / alone ${drainRatios.join(', ') || 'too few requests to judge'}`,
    );
    const runRatio = loadedRun.seconds / alone.seconds;
    const pct = (share: number) => `${Math.round(share * 100)} %`;
    say(
      `  machine busy (2 cores = 100 %): line alone ${pct(busy.line)}, run alone ${pct(busy.run)} (its process start included), both ${pct(busy.both)}`,
    );
    for (const line of usage.lines()) say(line);
    for (const line of waits.lines()) say(line);
    say(`  line p99 with the run / without: worst route ${lineRatio.toFixed(2)}× (target ≤ ${LINE_TARGET})`);
    say(
      `  billing run: ${alone.seconds.toFixed(1)} s alone, ${loadedRun.seconds.toFixed(1)} s under the line = ${runRatio.toFixed(2)}× (target ≤ ${RUN_TARGET})`,
    );
    say(
      `  checked: ${fmt(check?.charged ?? 0)} charges for the two days' ${fmt(check?.due ?? 0)} due memberships; ${check?.twice} periods charged twice`,
    );
    const met = lineRatio <= LINE_TARGET && runRatio <= RUN_TARGET && check?.twice === 0;
    return {
      name: 'day',
      memberships: MEMBERSHIPS,
      rates: RATES,
      processor_ms: PROCESSOR_MS,
      run_pool: RUN_POOL,
      run_pace: RUN_PACE,
      workers: SEPARATE_WORKERS ? 'separate process' : 'in the server',
      machine_busy: {
        line: Number(busy.line.toFixed(2)),
        run: Number(busy.run.toFixed(2)),
        both: Number(busy.both.toFixed(2)),
      },
      line: Object.fromEntries(
        quiet.map((q) => [q.route, { alone: q, with_run: loaded.find((l) => l.route === q.route) }]),
      ),
      line_p99_ratio: Number(lineRatio.toFixed(3)),
      run_alone_s: alone.seconds,
      run_with_line_s: loadedRun.seconds,
      run_ratio: Number(runRatio.toFixed(3)),
      charges: { alone: alone.charged, with_line: loadedRun.charged },
      target: { line_p99_ratio: LINE_TARGET, run_ratio: RUN_TARGET },
      met,
    };
  } finally {
    for (const p of [server, worker]) {
      if (!p) continue;
      p.signal('SIGTERM');
      const ended = await Promise.race([p.exited, sleep(20)]);
      if (!ended) killGroup(p);
    }
    await database.close();
    if (!process.env.BENCH_KEEP) await bench.drop();
  }
}
