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
