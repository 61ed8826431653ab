import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';

/** The engine the suite runs on: PostgreSQL when TEST_DATABASE_URL is set, PGlite otherwise. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;
export const onPostgres = TEST_DATABASE_URL !== undefined;

// Two queries at once on one connection (a Promise.all inside a transaction) work in pg 8 only
// behind a deprecation warning and break in pg 9: on PostgreSQL, that warning fails the run.
if (onPostgres) {
  process.on('warning', (warning) => {
    if (/already executing a query/.test(warning.message))
      throw new Error(
        `overlapping queries on one connection (a Promise.all in a transaction?): ${warning.message}`,
      );
  });
}

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
 * A new database on the server of `adminUrl`, named after `prefix` or that URL's database (so one
 * CI run's databases share a prefix), with a `drop` that removes it (connections and all): empty,
 * or a copy of the database `template`.
 */
export async function createPostgresDatabase(
  adminUrl: string,
  prefix?: string,
  template?: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const base = prefix ?? (new URL(adminUrl).pathname.slice(1) || 'libra_test');
  const name = `${base}_${randomBytes(5).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"${template ? ` template "${template}"` : ''}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabaseName(adminUrl, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** The migrated PGlite template built by test/support/database-template.ts, if this run has one. */
async function pgliteTemplate(): Promise<Blob | undefined> {
  const file = inject('pgliteTemplate');
  return file ? new Blob([await readFile(file)]) : undefined;
}

/**
 * A fresh database for one test file, migrated unless `migrate: false` (then it is empty). On
 * PostgreSQL it is a new database named after the TEST_DATABASE_URL's own (so one CI run's databases
 * share a prefix) and dropped afterwards; on PGlite it lives in memory. Either starts from the run's
 * migrated template when there is one (test/support/database-template.ts).
 */
export async function freshDatabase(
  options: { migrate?: boolean; maxConnections?: number } = {},
): Promise<TestDatabase> {
  let url: string | undefined;
  let drop = async () => {};
  const migrate = options.migrate !== false;
  // A migrated database starts from the run's template: built from the current migrations, so there
  // is nothing left to apply. An empty one (migrate: false) never does.
  const postgresTemplate = TEST_DATABASE_URL && migrate ? inject('postgresTemplate') : undefined;
  if (TEST_DATABASE_URL)
    ({ url, drop } = await createPostgresDatabase(TEST_DATABASE_URL, undefined, postgresTemplate));
  const template = !url && migrate ? await pgliteTemplate() : undefined;
  const handle = await openDatabase({
    url,
    maxConnections: options.maxConnections ?? 10,
    loadDataDir: template,
  });
  if (migrate && !template && !postgresTemplate) await migrateDatabase(handle);
  return {
    handle,
    url,
    drop: async () => {
      // A test may have closed the handle already (to let a child process in): drop anyway.
      await handle.close().catch(() => {});
      await drop();
    },
  };
}
