/**
 * Billing benchmark (issue 8). On a fresh PostgreSQL database with N due memberships (default
 * 1,000,000), measure in one run:
 *   floor   — COPY of N charge-sized rows into a table shaped like `charges` (the fastest way rows
 *             get into PostgreSQL: the ceiling a billing run could approach);
 *   run     — `services.billing.run` in process with the sandbox gateway (kept in the same database):
 *             every membership charged once, all succeeded;
 *   latency — a second, smaller set billed with the sandbox answering 50 ms late
 *             (`sandboxLatencyMs`), as a real processor would, with the calls in flight bounded by
 *             the run's concurrency.
 * Prints the rates, the ratio, peak RSS and a breakdown of where the run's time went; the last
 * line is one JSON object.
 */

import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { buildServices, type ServiceOptions } from '../src/app.ts';
import { type DatabaseHandle, openDatabase, rows } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { ChargeAttempts } from '../src/domains/billing/attempts.ts';
import { BillingRepository } from '../src/domains/billing/repository.ts';
import type { RunSummary } from '../src/domains/billing/service.ts';
import type { CardDetails } from '../src/domains/payments/gateway.ts';
import { systemClock } from '../src/lib/clock.ts';
import { seed } from '../src/seed.ts';
import { freshBenchDatabase, machineCpu, type Printer, sampled } from './support.ts';

const MEMBERSHIPS = Number(process.env.BENCH_BILLING_MEMBERSHIPS ?? 1_000_000);
const LATENCY_MEMBERSHIPS = Number(process.env.BENCH_BILLING_LATENCY_MEMBERSHIPS ?? 100_000);
const LATENCY_MS = 50;
const BATCH_SIZE = Number(process.env.BENCH_BILLING_BATCH ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_BILLING_CONCURRENCY ?? 256);
/** With 50 ms a call, 5,000 charges/s needs 250 calls in flight on average: more, bounded. */
const LATENCY_CONCURRENCY = Number(process.env.BENCH_BILLING_LATENCY_CONCURRENCY ?? 1000);
/** The production default pool (DATABASE_URL without a size). */
const POOL = Number(process.env.BENCH_POOL ?? 10);
const TARGET_RATIO = 0.1;
const LATENCY_TARGET = 5000;
const TEST_CARD: CardDetails = { number: '4242424242424242', expMonth: 12, expYear: 2030, cvv: '123' };

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const secs = (ms: number) => (ms / 1000).toFixed(1);

/**
 * Where the run's time goes: wall time of the run's steps, summed over its batches. When batches
 * run one after another the sums add up to (nearly) the whole; when they overlap, to more. The
 * processor step includes waiting for a call slot. Bench-only instrumentation of the service's and
 * repository's methods (private ones included), restored afterwards.
 */
class Phases {
  readonly ms = new Map<string, number>();
  readonly calls = new Map<string, number>();
  /** Each call's time, to see whether batches slow down as the run goes on. */
  readonly each = new Map<string, number[]>();
  statements = 0;
  private readonly restore: (() => void)[] = [];

  wrap(target: object, method: string, label: string): void {
    const record = target as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const original = record[method];
    if (typeof original !== 'function') throw new Error(`no method ${method} to time`);
    const phases = this;
    record[method] = async function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        const ms = performance.now() - started;
        phases.ms.set(label, (phases.ms.get(label) ?? 0) + ms);
        phases.each.set(label, [...(phases.each.get(label) ?? []), ms]);
        phases.calls.set(label, (phases.calls.get(label) ?? 0) + 1);
      }
    };
    this.restore.push(() => {
      record[method] = original;
    });
  }

  /** Counts every statement any pg client of this process sends (round trips to PostgreSQL). */
  countStatements(): void {
    const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = proto.query;
    const phases = this;
    proto.query = function (this: unknown, ...args: unknown[]) {
      phases.statements++;
      return original.apply(this, args);
    };
    this.restore.push(() => {
      proto.query = original;
    });
  }

  reset(): void {
    this.ms.clear();
    this.calls.clear();
    this.each.clear();
    this.statements = 0;
  }

  unwrap(): void {
    for (const undo of this.restore.reverse()) undo();
  }

  lines(totalMs: number): string[] {
    const get = (label: string) => this.ms.get(label) ?? 0;
    const line = (label: string, ms: number, note = '') =>
      `    ${label.padEnd(26)} ${secs(ms).padStart(6)} s ${((ms / totalMs) * 100).toFixed(0).padStart(3)} %${note}`;
    const createDue = get('createDue');
    const attempt = get('gateway (attempt)');
    const settleTx = get('settle (transaction)');
    const repoSettle = get('settle: charges+attempts');
    const changeStates = get('settle: membership states');
    const n = (label: string) => ` (${this.calls.get(label) ?? 0} calls)`;
    return [
      line('createDue', createDue, n('createDue')),
      line('gateway (attempt)', attempt, n('gateway (attempt)')),
      line('settle (transaction)', settleTx, n('settle (transaction)')),
      line('  charges + attempts', repoSettle),
      line('  membership states', changeStates),
      line('  begin/commit, JS', settleTx - repoSettle - changeStates),
      createDue + attempt + settleTx <= totalMs
        ? line('other (workAt, notices…)', totalMs - createDue - attempt - settleTx)
        : `    batches overlap: the sums add up to ${secs(createDue + attempt + settleTx)} s of a ${secs(totalMs)} s run`,
      ...['createDue', 'gateway (attempt)', 'settle (transaction)'].map((label) => {
        // The last call of createDue finds nothing: left out.
        const each = (this.each.get(label) ?? []).slice(0, label === 'createDue' ? -1 : undefined);
        const avg = (list: number[]) => list.reduce((a, b) => a + b, 0) / Math.max(list.length, 1);
        const tenth = Math.max(1, Math.floor(each.length / 10));
        return `    ${label} per batch: first tenth ${avg(each.slice(0, tenth)).toFixed(0)} ms, middle ${avg(each.slice(4 * tenth, 5 * tenth)).toFixed(0)} ms, last tenth ${avg(each.slice(-tenth)).toFixed(0)} ms`;
      }),
    ];
  }
}

/**
 * How due instants are laid out. `calendar` (default): as the billing calendar makes them, every
 * membership's period due today at 00:00 Mexico City (their billing day is today), contracted a
 * month ago at some time of that day. `spread`: due instants spread over the 10 hours before the
 * run, one second apart in turn, so that the run, which takes memberships in due order, visits them
 * all over the table (a harsher case than the calendar's, kept for comparison).
 */
const DUE_LAYOUT = process.env.BENCH_BILLING_DUE === 'spread' ? 'spread' : 'calendar';

/**
 * `count` active memberships of Libra Plus v1 on the card `token`, due at or before `at` (see
 * DUE_LAYOUT): exactly one period each falls due.
 */
async function loadDueMemberships(
  database: DatabaseHandle,
  p: { count: number; prefix: string; at: Date; token: string },
): Promise<void> {
  const due =
    DUE_LAYOUT === 'calendar'
      ? sql`(date_trunc('day', ${p.at}::timestamptz at time zone 'America/Mexico_City')
              at time zone 'America/Mexico_City')`
      : sql`${p.at}::timestamptz - make_interval(secs => 1 + g % 36000)`;
  await database.db.execute(sql`
    with made as (
      select gen_random_uuid() as id, g, due.at, pv.id as plan_version_id
      from generate_series(1, ${p.count}::int) g
      cross join lateral (select ${due} as at) due
      cross join (select pv.id from plan_versions pv join plans pl on pl.id = pv.plan_id
                  where pl.code = 'libra-plus' and pv.version = 1) pv
    ),
    inserted as (
      insert into memberships (id, number, plan_version_id, state, channel, titular_name, titular_email,
        titular_phone, titular_birth_date, card_token, card_brand, card_type, card_last4, card_exp_month,
        card_exp_year, contracted_at, billing_day, search_text, created_at, updated_at)
      select id, ${p.prefix} || lpad(g::text, 7, '0'), plan_version_id, 'active', 'bank',
        'Titular ' || g || ' Pérez', 'titular' || g || '@bench.libra.mx', '55' || lpad(g::text, 8, '0'),
        date '1980-01-01' + (g % 9000), ${p.token}, 'visa', 'credit', '4242', 12, 2030,
        at - interval '1 month' + make_interval(secs => g % 36000),
        extract(day from at at time zone 'America/Mexico_City')::int,
        'titular ' || g || ' perez', now(), now()
      from made order by g
    )
    insert into billing_schedule (membership_id, next_charge_at)
    select id, at from made order by g`);
}

/** Columns of a charge as it ends up after a successful run, in COPY's text format. */
const COPY_COLUMNS = [
  'id',
  'membership_id',
  'period_key',
  'period_starts_at',
  'period_ends_at',
  'amount_centavos',
  'base_centavos',
  'iva_centavos',
  'currency',
  'method',
  'status',
  'attempts',
  'first_failed_at',
  'retry_at',
  'claimed_until',
  'card_token',
  'card_brand',
  'card_last4',
  'gateway_charge_id',
  'decline_code',
  'paid_at',
  'receipt_folio',
  'refunded_centavos',
  'receiver_rfc',
  'receiver_name',
  'receiver_fiscal_regime',
  'cfdi_use',
  'payment_form',
  'payment_method',
  'run_id',
  'created_at',
  'updated_at',
];

/** `count` charge rows, generated as they are read (never all in memory), a chunk at a time. */
function chargeRows(count: number, token: string): Readable {
  const runId = randomUUID();
  const now = new Date().toISOString();
  const starts = new Date(Date.now() - 3_600_000).toISOString();
  const ends = new Date(Date.now() + 30 * 86_400_000).toISOString();
  const prefix = Date.now().toString(16).padStart(12, '0');
  const idOf = (i: number) => {
    const hex = i.toString(16).padStart(15, '0');
    // Time-ordered like the run's libra_uuid_v7(): the same ms prefix, then a counter.
    return `${prefix.slice(0, 8)}-${prefix.slice(8, 12)}-7${hex.slice(0, 3)}-8${hex.slice(3, 6)}-${hex.slice(3, 15)}`;
  };
  const CHUNK = 1000;
  let made = 0;
  return new Readable({
    read() {
      if (made >= count) {
        this.push(null);
        return;
      }
      const n = Math.min(CHUNK, count - made);
      let text = '';
      for (let k = 0; k < n; k++) {
        const i = made + k;
        text += `${idOf(i)}\t${randomUUID()}\t2026-11\t${starts}\t${ends}\t34800\t30000\t4800\tMXN\tcard\tsucceeded\t1\t\\N\t\\N\t\\N\t${token}\tvisa\t4242\tch_sandbox_${i.toString(36).padStart(24, 'x')}\t\\N\t${now}\tREC-2026-${String(i + 1).padStart(7, '0')}\t0\tXAXX010101000\tTitular ${i} Pérez\t616\tS01\t04\tPUE\t${runId}\t${now}\t${now}\n`;
      }
      made += n;
      this.push(text);
    },
  });
}

/**
 * The floor: COPY of `count` charge-sized rows into a scratch table shaped like `charges`. The rows
 * are generated into a file first (not timed), so the time is PostgreSQL's, not the generator's.
 */
async function copyFloor(url: string, count: number, token: string): Promise<{ ms: number; mb: number }> {
  const file = path.join(tmpdir(), `libra-bench-charges-${process.pid}.tsv`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await pipeline(chargeRows(count, token), createWriteStream(file));
    const { size } = await stat(file);
    // LIKE copies columns, defaults, checks and indexes, never foreign keys.
    await client.query('create table billing_copy_floor (like charges including all)');
    await client.query('checkpoint');
    const started = performance.now();
    await pipeline(
      createReadStream(file, { highWaterMark: 1 << 20 }),
      client.query(copyFrom(`copy billing_copy_floor (${COPY_COLUMNS.join(', ')}) from stdin`)),
    );
    const ms = performance.now() - started;
    const { rows: counted } = await client.query<{ n: string }>(
      'select count(*) as n from billing_copy_floor',
    );
    if (Number(counted[0]?.n) !== count) throw new Error(`COPY wrote ${counted[0]?.n} rows, not ${count}`);
    await client.query('drop table billing_copy_floor');
    await client.query('checkpoint');
    return { ms, mb: size / (1024 * 1024) };
  } finally {
    await client.end();
    await rm(file, { force: true });
  }
}

/** Every membership charged once, all succeeded, and the processor saw each charge once. */
async function verify(database: DatabaseHandle, runId: string, expected: number, summary: RunSummary) {
  const [row] = await rows<{ charges: number; succeeded: number; attempts: number; sandbox: number }>(
    database.db,
    sql`select
      (select count(*) from charges where run_id = ${runId}) as charges,
      (select count(*) from charges where run_id = ${runId} and status = 'succeeded') as succeeded,
      (select count(*) from charge_attempts a join charges c on c.id = a.charge_id
         where c.run_id = ${runId} and a.status = 'succeeded') as attempts,
      (select count(*) from sandbox_charges s join charges c on c.id::text = s.idempotency_key
         where c.run_id = ${runId} and s.status = 'succeeded') as sandbox`,
  );
  const problems = [
    row?.charges !== expected && `${row?.charges} charges`,
    row?.succeeded !== expected && `${row?.succeeded} succeeded`,
    row?.attempts !== expected && `${row?.attempts} succeeded attempts`,
    row?.sandbox !== expected && `${row?.sandbox} sandbox charges`,
    summary.succeeded !== expected && `summary says ${summary.succeeded} succeeded`,
    summary.declined + summary.unknown > 0 && `${summary.declined} declined, ${summary.unknown} unknown`,
  ].filter(Boolean);
  if (problems.length > 0)
    throw new Error(`billing run ${runId} of ${expected} memberships: ${problems.join(', ')}`);
}

export async function billingBenchmark(say: Printer): Promise<Record<string, unknown>> {
  const bench = await freshBenchDatabase('billing');
  const database = await openDatabase({ url: bench.url, maxConnections: POOL });
  const phases = new Phases();
  try {
    await migrateDatabase(database);
    const options: ServiceOptions = {
      offerTimeoutSeconds: 120,
      jobWorkers: false,
      publicUrl: 'http://localhost:3000',
      jobPollSeconds: 2,
      billing: {
        retryDays: [1, 3, 7],
        batchSize: BATCH_SIZE,
        concurrency: CONCURRENCY,
        schedule: '5 0 * * *',
        claimSeconds: 300,
        heartbeatSeconds: 5,
      },
      sandboxLatencyMs: 0,
      complaintSlaBusinessDays: 5,
      extraHolidays: [],
      demoAccounts: false,
    };
    const services = buildServices(database, systemClock, options);
    await seed(services, { demo: false });
    const card = await services.payments.tokenize(TEST_CARD);
    const db = database.db;

    say(
      `loading ${fmt(MEMBERSHIPS)} due memberships (due instants: ${DUE_LAYOUT}; one approving sandbox card, ${card.token})…`,
    );
    let started = Date.now();
    const at = new Date();
    await loadDueMemberships(database, { count: MEMBERSHIPS, prefix: 'LM-25-', at, token: card.token });
    // A serving database is vacuumed and its load checkpointed before anything is measured.
    await db.execute(sql`vacuum (analyze)`);
    await db.execute(sql`checkpoint`);
    say(`  loaded in ${secs(Date.now() - started)} s`);

    // Floor.
    const floor = await copyFloor(bench.url, MEMBERSHIPS, card.token);
    const copyRate = MEMBERSHIPS / (floor.ms / 1000);
    say(
      `  floor  COPY ${fmt(MEMBERSHIPS)} charge rows (${fmt(floor.mb)} MB of text) in ${secs(floor.ms)} s: ${fmt(copyRate)} rows/s`,
    );

    // The run, instrumented by phase.
    phases.wrap(BillingRepository.prototype, 'createDue', 'createDue');
    phases.wrap(ChargeAttempts.prototype, 'attempt', 'gateway (attempt)');
    phases.wrap(ChargeAttempts.prototype, 'settle', 'settle (transaction)');
    phases.wrap(BillingRepository.prototype, 'settle', 'settle: charges+attempts');
    phases.wrap(BillingRepository.prototype, 'changeStates', 'settle: membership states');
    phases.countStatements();
    say(
      `billing run: ${fmt(MEMBERSHIPS)} charges, batch ${BATCH_SIZE}, concurrency ${CONCURRENCY}, pool ${POOL}…`,
    );
    const cpuBefore = machineCpu();
    const nodeCpuBefore = process.cpuUsage();
    started = performance.now();
    const run = await sampled((onProgress) =>
      services.billing.run({ at: new Date(), trigger: 'test', onProgress }),
    );
    const runMs = performance.now() - started;
    const nodeCpu = process.cpuUsage(nodeCpuBefore);
    const cpuAfter = machineCpu();
    const statements = phases.statements;
    const breakdown = phases.lines(runMs);
    await verify(database, run.result.runId, MEMBERSHIPS, run.result);
    const runRate = run.result.succeeded / (runMs / 1000);
    const ratio = runRate / copyRate;
    const machineBusy = (cpuAfter.busy - cpuBefore.busy) / (cpuAfter.total - cpuBefore.total);
    const nodeCores = (nodeCpu.user + nodeCpu.system) / 1000 / runMs;
    say(
      `  run    ${fmt(run.result.succeeded)} charges succeeded in ${secs(runMs)} s: ${fmt(runRate)} charges/s (verified: ${fmt(MEMBERSHIPS)} charges, all succeeded)`,
    );
    say(`  ratio  ${ratio.toFixed(3)} of the COPY rate (target ≥ ${TARGET_RATIO})`);
    say(`  rss    ${run.startMb} MB at the start, peak ${run.peakMb} MB, ${run.endMb} MB at the end`);
    say(`         peak by tenth of the run: ${run.tenthsMb.join(' ')} MB`);
    say(
      `  cpu    machine ${(machineBusy * 100).toFixed(0)} % busy of 2 cores; this process ${nodeCores.toFixed(2)} cores; ${fmt(statements)} statements (${(statements / MEMBERSHIPS).toFixed(1)} per charge)`,
    );
    say('  where the time went (sums over batches):');
    for (const line of breakdown) say(line);

    // The latency run: new memberships due after the first run moved the others a month on.
    say(`loading ${fmt(LATENCY_MEMBERSHIPS)} more due memberships for the latency run…`);
    const latencyAt = new Date();
    await loadDueMemberships(database, {
      count: LATENCY_MEMBERSHIPS,
      prefix: 'LM-26-',
      at: latencyAt,
      token: card.token,
    });
    await db.execute(sql`vacuum (analyze)`);
    await db.execute(sql`checkpoint`);
    // The sandbox answers each call 50 ms after its work is done, holding no connection meanwhile.
    const latent = buildServices(database, systemClock, {
      ...options,
      billing: { ...options.billing, concurrency: LATENCY_CONCURRENCY },
      sandboxLatencyMs: LATENCY_MS,
    }).billing;
    phases.reset();
    say(
      `billing run with ${LATENCY_MS} ms processor latency: ${fmt(LATENCY_MEMBERSHIPS)} charges, batch ${BATCH_SIZE}, concurrency ${LATENCY_CONCURRENCY}…`,
    );
    started = performance.now();
    const slow = await sampled((onProgress) => latent.run({ at: new Date(), trigger: 'test', onProgress }));
    const slowMs = performance.now() - started;
    const slowBreakdown = phases.lines(slowMs);
    await verify(database, slow.result.runId, LATENCY_MEMBERSHIPS, slow.result);
    const latencyRate = slow.result.succeeded / (slowMs / 1000);
    say(
      `  run    ${fmt(slow.result.succeeded)} charges succeeded in ${secs(slowMs)} s: ${fmt(latencyRate)} charges/s (target ≥ ${fmt(LATENCY_TARGET)}; at most ${fmt(LATENCY_CONCURRENCY / (LATENCY_MS / 1000))}/s with ${LATENCY_CONCURRENCY} in flight)`,
    );
    say(`  rss    ${slow.startMb} MB at the start, peak ${slow.peakMb} MB, ${slow.endMb} MB at the end`);
    say('  where the time went (sums over batches):');
    for (const line of slowBreakdown) say(line);

    return {
      name: 'billing',
      memberships: MEMBERSHIPS,
      copy_rows_per_s: Math.round(copyRate),
      run_charges_per_s: Math.round(runRate),
      ratio: Number(ratio.toFixed(3)),
      target: TARGET_RATIO,
      peak_rss_mb: Math.max(run.peakMb, slow.peakMb),
      rss_start_mb: run.startMb,
      rss_by_tenth_mb: run.tenthsMb,
      run_s: Number((runMs / 1000).toFixed(1)),
      copy_s: Number((floor.ms / 1000).toFixed(1)),
      latency_ms: LATENCY_MS,
      latency_memberships: LATENCY_MEMBERSHIPS,
      latency_concurrency: LATENCY_CONCURRENCY,
      latency_charges_per_s: Math.round(latencyRate),
      latency_target: LATENCY_TARGET,
      due_layout: DUE_LAYOUT,
      batch_size: BATCH_SIZE,
      concurrency: CONCURRENCY,
      pool: POOL,
      statements_per_charge: Number((statements / MEMBERSHIPS).toFixed(2)),
      loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
      met: ratio >= TARGET_RATIO && latencyRate >= LATENCY_TARGET,
    };
  } finally {
    phases.unwrap();
    await database.close();
    if (process.env.BENCH_KEEP) say(`kept ${bench.url}`);
    else await bench.drop();
  }
}
