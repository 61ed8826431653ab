import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, onPostgres, type TestDatabase } from '../../test/support/database.ts';
import { mexicoCityTime } from '../lib/clock.ts';
import { rows } from './client.ts';
import { migrateDatabase } from './migrate.ts';
import { nextHumanNumber } from './numbers.ts';

const EXPECTED_TABLES = ['number_sequences', 'plan_version_services', 'plan_versions', 'plans', 'services'];

describe(`migrations (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  let empty: TestDatabase;
  beforeAll(async () => {
    empty = await freshDatabase({ migrate: false });
  });
  afterAll(async () => empty?.drop());

  it('apply on an empty database, and a second run does nothing', async () => {
    const tablesBefore = await rows<{ n: number }>(
      empty.handle.db,
      sql`select count(*) as n from information_schema.tables where table_schema = 'public'`,
    );
    expect(tablesBefore[0]?.n).toBe(0);

    const first = await migrateDatabase(empty.handle);
    expect(first.applied).toBeGreaterThan(0);
    expect(first.applied).toBe(first.total);

    const tables = await rows<{ table_name: string }>(
      empty.handle.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(EXPECTED_TABLES));

    const schemaBefore = await rows(
      empty.handle.db,
      sql`select table_name, column_name, data_type from information_schema.columns
          where table_schema = 'public' order by table_name, column_name`,
    );
    const second = await migrateDatabase(empty.handle);
    expect(second).toEqual({ applied: 0, total: first.total });
    const schemaAfter = await rows(
      empty.handle.db,
      sql`select table_name, column_name, data_type from information_schema.columns
          where table_schema = 'public' order by table_name, column_name`,
    );
    expect(schemaAfter).toEqual(schemaBefore);
  });

  it('a migrated test database (on PGlite, the run’s template) already has every migration', async () => {
    const migrated = await freshDatabase();
    try {
      const report = await migrateDatabase(migrated.handle);
      expect(report.applied).toBe(0);
      expect(report.total).toBeGreaterThan(0);
    } finally {
      await migrated.drop();
    }
  });
});

describe(`raw results are normalised (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => database?.drop());

  it('int8 and counts are numbers, timestamps are Dates, numeric stays exact text', async () => {
    const [row] = await rows<{ n: unknown; big: unknown; at: unknown; plain: unknown; exact: unknown }>(
      database.handle.db,
      sql`select count(*) as n, 9007199254740991::int8 as big, '2026-11-25 14:05:00-06'::timestamptz as at,
                 '2026-11-25 20:05:00'::timestamp as plain, 1.10::numeric as exact
          from generate_series(1, 3)`,
    );
    expect(row?.n).toBe(3);
    expect(row?.big).toBe(Number.MAX_SAFE_INTEGER);
    expect(row?.at).toBeInstanceOf(Date);
    expect((row?.at as Date | undefined)?.toISOString()).toBe('2026-11-25T20:05:00.000Z');
    expect((row?.plain as Date | undefined)?.toISOString()).toBe('2026-11-25T20:05:00.000Z');
    expect(row?.exact).toBe('1.10');
  });

  it('refuses an int8 that does not fit a JS number rather than rounding it', async () => {
    await expect(rows(database.handle.db, sql`select 9007199254740993::int8 as too_big`)).rejects.toThrow(
      /does not fit/,
    );
  });

  it('allocates human numbers per prefix and Mexico City year', async () => {
    const db = database.handle.db;
    const at = mexicoCityTime('2026-12-31T23:59');
    expect(await nextHumanNumber(db, 'LP', at)).toBe('LP-26-000001');
    expect(await nextHumanNumber(db, 'LP', at)).toBe('LP-26-000002');
    expect(await nextHumanNumber(db, 'QJ', at)).toBe('QJ-26-000001');
    // 23:59 on 31 December in Mexico City is already 1 January in UTC, yet still 2026 here; a new Mexico City year starts a new series.
    expect(await nextHumanNumber(db, 'LP', mexicoCityTime('2027-01-01T00:00'))).toBe('LP-27-000001');
  });

  it.runIf(onPostgres)('gives 50 concurrent callers 50 different numbers (PostgreSQL)', async () => {
    const at = mexicoCityTime('2026-06-01T12:00');
    const numbers = await Promise.all(
      Array.from({ length: 50 }, () => nextHumanNumber(database.handle.db, 'CC', at)),
    );
    expect(new Set(numbers).size).toBe(50);
    expect(numbers.sort().at(-1)).toBe('CC-26-000050');
  });
});

describe.runIf(!onPostgres)('the embedded database on disk', () => {
  it('keeps its data across a restart, and a second start migrates nothing', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const { openDatabase } = await import('./client.ts');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'libra-data-'));
    try {
      const first = await openDatabase({ dataDir: dir });
      await migrateDatabase(first);
      await nextHumanNumber(first.db, 'LP', new Date('2026-06-01T12:00:00Z'));
      await first.close();

      const second = await openDatabase({ dataDir: dir });
      expect((await migrateDatabase(second)).applied).toBe(0);
      expect(await nextHumanNumber(second.db, 'LP', new Date('2026-06-01T12:00:00Z'))).toBe('LP-26-000002');
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
