import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { type DatabaseHandle, rows, withAdvisoryLock } from './client.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/** Arbitrary but fixed: every Libra process takes this advisory lock before migrating. */
const MIGRATION_LOCK_KEY = 7_244_118_201;

export interface MigrationReport {
  applied: number;
  total: number;
}

async function countApplied(handle: DatabaseHandle): Promise<number> {
  const [exists] = await rows<{ present: boolean }>(
    handle.db,
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  if (!exists?.present) return 0;
  const [row] = await rows<{ n: number }>(
    handle.db,
    sql`select count(*) as n from drizzle.__drizzle_migrations`,
  );
  return row?.n ?? 0;
}

/**
 * Applies the committed SQL migrations that have not run yet; running it again does nothing.
 * On PostgreSQL several processes may start at once, so migration runs under an advisory lock on
 * one dedicated connection.
 */
export async function migrateDatabase(handle: DatabaseHandle): Promise<MigrationReport> {
  const before = await countApplied(handle);
  const driver = handle.driver;
  if (driver.kind === 'postgresql') {
    await withAdvisoryLock(handle, MIGRATION_LOCK_KEY, () =>
      migratePg(drizzlePg(driver.pool), { migrationsFolder: MIGRATIONS_FOLDER }),
    );
  } else {
    await migratePglite(drizzlePglite(driver.client), { migrationsFolder: MIGRATIONS_FOLDER });
  }
  const after = await countApplied(handle);
  return { applied: after - before, total: after };
}

/** Where the database stands against the migrations this build carries. */
export interface MigrationStatus {
  /** Migrations recorded as applied in the database. */
  applied: number;
  /** Migrations in this build's folder. */
  known: number;
  /** This build's migrations the database has not run (what `libra migrate` would apply). */
  pending: number;
  /** Migrations the database ran that this build does not know (a newer build migrated it). */
  unknown: number;
}

let journal: Promise<number[]> | undefined;

/** The `when` of every migration in the folder, as drizzle-kit's journal lists them (read once). */
function knownMigrations(folder: string): Promise<number[]> {
  if (folder !== MIGRATIONS_FOLDER) return readJournal(folder);
  journal ??= readJournal(folder).catch((error) => {
    journal = undefined;
    throw error;
  });
  return journal;
}

async function readJournal(folder: string): Promise<number[]> {
  const text = await readFile(path.join(folder, 'meta', '_journal.json'), 'utf8');
  const parsed = JSON.parse(text) as { entries: { when: number }[] };
  return parsed.entries.map((entry) => entry.when);
}

/**
 * Compares the migrations the database ran with the folder's, the way Drizzle's migrator decides
 * what to run: by each migration's `when` against the latest one applied. Cheap enough for a
 * readiness probe (one small table).
 */
export async function migrationStatus(
  handle: DatabaseHandle,
  folder: string = MIGRATIONS_FOLDER,
): Promise<MigrationStatus> {
  const known = await knownMigrations(folder);
  const lastKnown = known.length > 0 ? Math.max(...known) : 0;
  const [row] = await rows<{ applied: number; last: number | null; unknown: number }>(
    handle.db,
    sql`select count(*)::int as applied, max(created_at)::float8 as last,
          (count(*) filter (where created_at > ${lastKnown}))::int as unknown
        from drizzle.__drizzle_migrations`,
  ).catch(async (error) => {
    // A database never migrated has no table at all: everything is pending.
    const [exists] = await rows<{ present: boolean }>(
      handle.db,
      sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
    );
    if (exists?.present) throw error;
    return [{ applied: 0, last: null, unknown: 0 }];
  });
  const last = row?.last ?? null;
  return {
    applied: row?.applied ?? 0,
    known: known.length,
    pending: known.filter((when) => last === null || when > last).length,
    unknown: row?.unknown ?? 0,
  };
}
