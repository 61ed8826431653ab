/**
 * Member import benchmark (issue 25). On a fresh PostgreSQL database, writes a bank members file
 * of N rows (default 100,000; `--rows 1000000`) — every tenth sale with a spouse and a child, one
 * row in a hundred with a phone that is no phone — and imports it in process as `libra import
 * members` does (a file stream, batches of IMPORT_BATCH_ROWS), measuring rows/s, peak RSS and RSS
 * by tenth of the file (flat memory). Then the same file again (everything already imported).
 * Verifies the counts against the database; the last line is one JSON object.
 */

import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { buildServices } from '../src/app.ts';
import { openDatabase, rows } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { SALE_COLUMNS } from '../src/domains/imports/members-layout.ts';
import type { ImportRunRecord } from '../src/domains/imports/repository.ts';
import { IMPORT_BATCH_ROWS } from '../src/domains/imports/service.ts';
import { CURRENT_PRIVACY_NOTICE, CURRENT_TERMS } from '../src/domains/members/legal.ts';
import { mexicoCityDate, systemClock } from '../src/lib/clock.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { seed } from '../src/seed.ts';
import { DEFAULT_SERVICE_OPTIONS } from '../src/services.ts';
import { freshBenchDatabase, mb, type Printer, sampled } from './support.ts';

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const secs = (ms: number) => (ms / 1000).toFixed(1);
/** Distinct card tokens the file's sales use (a bank's customers each have their own). */
const TOKENS = 200;

function rowsOption(): number {
  const i = process.argv.indexOf('--rows');
  const value = i === -1 ? process.env.BENCH_IMPORT_ROWS : process.argv[i + 1];
  const rowsWanted = Number(value ?? 100_000);
  if (!Number.isInteger(rowsWanted) || rowsWanted < 1)
    throw new Error(`--rows must be a positive integer, got ${value}`);
  return rowsWanted;
}

const HEADER = [
  ...SALE_COLUMNS.map((c) => c.name),
  'beneficiary_1_kind',
  'beneficiary_1_full_name',
  'beneficiary_1_birth_date',
  'beneficiary_1_card_last4',
  'beneficiary_2_kind',
  'beneficiary_2_full_name',
  'beneficiary_2_birth_date',
  'beneficiary_2_card_last4',
].join(',');

/** Writes the file a chunk at a time (never whole in memory); answers how many rows are bad. */
async function writeFile(file: string, count: number, tokens: string[], today: string): Promise<number> {
  const out = createWriteStream(file);
  let failed: Error | undefined;
  out.on('error', (error) => {
    failed = error;
  });
  const write = (text: string) =>
    new Promise<void>((resolve, reject) => {
      if (failed) reject(failed);
      else if (out.write(text)) resolve();
      else out.once('drain', resolve);
    });
  await write(`${HEADER}\r\n`);
  let bad = 0;
  let chunk = '';
  for (let n = 1; n <= count; n++) {
    const wrongPhone = n % 100 === 50;
    if (wrongPhone) bad++;
    const people =
      n % 10 === 0
        ? ['spouse', '"Ana Sofía Pérez"', '', '', 'child', 'Hija Pérez López', `2016-04-0${(n % 9) + 1}`, '']
        : ['', '', '', '', '', '', '', ''];
    chunk += [
      `BNX-${String(n).padStart(9, '0')}`,
      n % 3 === 0 ? 'libra-one' : 'libra-plus',
      'María José Pérez Ñúñez',
      `19${50 + (n % 50)}-0${(n % 9) + 1}-1${n % 10}`,
      `socio.${n}@banco.example.com`,
      wrongPhone ? '12' : `55 ${String(1000 + (n % 9000))} ${String(1000 + ((n * 7) % 9000))}`,
      '',
      '',
      tokens[n % tokens.length],
      CURRENT_TERMS.version,
      CURRENT_PRIVACY_NOTICE.version,
      today,
      ...people,
    ].join(',');
    chunk += '\r\n';
    if (chunk.length > 256 * 1024) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return bad;
}

export async function importBenchmark(say: Printer): Promise<Record<string, unknown>> {
  const count = rowsOption();
  const bench = await freshBenchDatabase('import');
  const database = await openDatabase({ url: bench.url });
  const file = path.join(tmpdir(), `libra-bench-members-${Date.now()}.csv`);
  try {
    await migrateDatabase(database);
    const services = buildServices(database, systemClock, DEFAULT_SERVICE_OPTIONS);
    await seed(services, { demo: false });
    const tokens: string[] = [];
    for (let i = 0; i < TOKENS; i++) {
      const number = ['4242424242424242', '5555555555554444', '4000056655665556'][i % 3] as string;
      tokens.push(
        (await services.payments.tokenize({ number, expMonth: 12, expYear: 2030, cvv: '123' })).token,
      );
    }

    say(`writing a members file of ${fmt(count)} rows…`);
    let started = performance.now();
    const bad = await writeFile(file, count, tokens, mexicoCityDate(new Date()));
    const size = (await stat(file)).size;
    say(
      `  ${fmt(mb(size))} MB in ${secs(performance.now() - started)} s (${fmt(bad)} rows with a wrong phone)`,
    );

    say(`importing it (batches of ${IMPORT_BATCH_ROWS} rows, one transaction each)…`);
    started = performance.now();
    const first = await sampled((onProgress) =>
      services.imports.importMembers(SYSTEM_ACTOR, createReadStream(file), {
        source: 'cli',
        fileName: path.basename(file),
        onBytes: (bytes) => onProgress(bytes, size),
      }),
    );
    const importMs = performance.now() - started;
    const run: ImportRunRecord = first.result;
    const [made] = await rows<{ memberships: number; schedules: number; events: number; welcomes: number }>(
      database.db,
      sql`select
        (select count(*)::int from memberships where channel = 'bank') as memberships,
        (select count(*)::int from billing_schedule) as schedules,
        (select count(*)::int from events where type = 'membership.created') as events,
        (select count(*)::int from notifications where kind = 'membership_welcome') as welcomes`,
    );
    const expected = count - bad;
    const problems: string[] = [];
    if (run.imported !== expected) problems.push(`imported ${run.imported}, expected ${expected}`);
    if (run.rejected !== bad) problems.push(`rejected ${run.rejected}, expected ${bad}`);
    if (made?.memberships !== expected) problems.push(`${made?.memberships} memberships in the database`);
    if (made?.events !== expected) problems.push(`${made?.events} membership.created events`);
    if (problems.length > 0) throw new Error(`import of ${count} rows: ${problems.join(', ')}`);
    const rate = count / (importMs / 1000);
    say(
      `  import  ${fmt(run.imported)} imported, ${fmt(run.rejected)} rejected in ${secs(importMs)} s: ${fmt(rate)} rows/s (verified: ${fmt(made?.memberships ?? 0)} memberships, their schedules, events and ${fmt(made?.welcomes ?? 0)} welcome messages)`,
    );
    say(`  rss     ${first.startMb} MB at the start, peak ${first.peakMb} MB`);
    say(`          peak by tenth of the file: ${first.tenthsMb.join(' ')} MB`);

    say('importing the same file again (every row already imported)…');
    started = performance.now();
    const second = await sampled((onProgress) =>
      services.imports.importMembers(SYSTEM_ACTOR, createReadStream(file), {
        source: 'cli',
        onBytes: (bytes) => onProgress(bytes, size),
      }),
    );
    const againMs = performance.now() - started;
    if (second.result.imported !== 0 || second.result.alreadyImported !== expected) {
      throw new Error(
        `re-import: ${second.result.imported} imported, ${second.result.alreadyImported} already`,
      );
    }
    say(
      `  again   ${fmt(second.result.alreadyImported)} already imported, 0 made, in ${secs(againMs)} s: ${fmt(count / (againMs / 1000))} rows/s; peak ${second.peakMb} MB`,
    );
    return {
      name: 'import',
      rows: count,
      file_mb: mb(size),
      imported: run.imported,
      rejected: run.rejected,
      import_s: Number((importMs / 1000).toFixed(1)),
      rows_per_s: Math.round(rate),
      peak_rss_mb: Math.max(first.peakMb, second.peakMb),
      rss_start_mb: first.startMb,
      rss_by_tenth_mb: first.tenthsMb,
      reimport_s: Number((againMs / 1000).toFixed(1)),
      reimport_rows_per_s: Math.round(count / (againMs / 1000)),
      batch_rows: IMPORT_BATCH_ROWS,
      loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    };
  } finally {
    await database.close();
    await rm(file, { force: true });
    if (process.env.BENCH_KEEP) say(`kept ${bench.url}`);
    else await bench.drop();
  }
}
