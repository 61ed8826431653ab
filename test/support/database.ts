import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type DatabaseHandle, openDatabase } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';

/** The engine the suite runs on: PostgreSQL when TEST_DATABASE_URL is set, PGlite otherwise. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;
export const onPostgres = TEST_DATABASE_URL !== undefined;

export interface TestDatabase {
  handle: DatabaseHandle;
  /** The URL of the fresh database (PostgreSQL only), for tests that need their own connections. */
  url: string | undefined;
  drop(): Promise<void>;
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * A fresh, empty database for one test file. On PostgreSQL it is a new database named after the
 * TEST_DATABASE_URL's own (so one CI run's databases share a prefix) and dropped afterwards; on
 * PGlite it lives in memory.
 */
export async function freshDatabase(
  options: { migrate?: boolean; maxConnections?: number } = {},
): Promise<TestDatabase> {
  let url: string | undefined;
  let drop = async () => {};
  if (TEST_DATABASE_URL) {
    const base = new URL(TEST_DATABASE_URL).pathname.slice(1) || 'libra_test';
    const name = `${base}_${randomBytes(5).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`create database "${name}"`);
    } finally {
      await admin.end();
    }
    url = withDatabaseName(TEST_DATABASE_URL, name);
    drop = async () => {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    };
  }
  const handle = await openDatabase({ url, maxConnections: options.maxConnections ?? 10 });
  if (options.migrate !== false) await migrateDatabase(handle);
  return {
    handle,
    url,
    drop: async () => {
      await handle.close();
      await drop();
    },
  };
}
