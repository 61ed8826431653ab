import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm/relations';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
/** The one database type repositories see, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Repositories take an Executor so that a service can run them inside its transaction. */
export type Executor = Database | Transaction;

export type DatabaseKind = 'pglite' | 'postgresql';

/** Where in DATA_DIR the embedded database's files are (beside its lock). */
export const PGLITE_SUBDIR = 'pglite';

export interface DatabaseHandle {
  kind: DatabaseKind;
  db: Database;
  /** A short description for logs: never contains a password. */
  description: string;
  /** The driver underneath, for the few things Drizzle does not cover (migration locks, LISTEN). */
  driver: { kind: 'postgresql'; pool: pg.Pool; url: string } | { kind: 'pglite'; client: PGlite };
  close(): Promise<void>;
}

/**
 * Subscribes to a PostgreSQL notification channel; returns the unsubscribe. On PostgreSQL it holds a
 * connection of its own (LISTEN is per session), so every process sees what any process notified;
 * PGlite delivers within its one process. Notifications sent in a transaction arrive at commit.
 */
export async function listen(
  handle: DatabaseHandle,
  channel: string,
  onPayload: (payload: string) => void,
): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  if (handle.driver.kind === 'pglite') {
    const unlisten = await handle.driver.client.listen(channel, onPayload);
    return () => unlisten();
  }
  const client = new pg.Client({ connectionString: handle.driver.url });
  client.on('error', () => {});
  await client.connect();
  client.on('notification', (message) => {
    if (message.channel === channel) onPayload(message.payload ?? '');
  });
  await client.query(`listen ${channel}`);
  return async () => {
    await client.end().catch(() => {});
  };
}

/**
 * Runs `work` while holding a PostgreSQL session advisory lock on one dedicated connection, so that
 * several processes starting at once take turns. PGlite has one process (its data directory is
 * locked) and runs `work` straight away.
 */
export async function withAdvisoryLock<T>(
  handle: DatabaseHandle,
  key: number,
  work: () => Promise<T>,
): Promise<T> {
  if (handle.driver.kind !== 'postgresql') return work();
  const client = await handle.driver.pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [key]);
    try {
      return await work();
    } finally {
      await client.query('select pg_advisory_unlock($1)', [key]);
    }
  } finally {
    client.release();
  }
}

export interface OpenDatabaseOptions {
  /** postgres://… ; when absent, PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory; when absent (and no url), PGlite runs in memory. */
  dataDir?: string | undefined;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
  /**
   * PGlite only: a data directory tarball from `PGlite.dumpDataDir()` to start from instead of an
   * empty cluster. The test suite uses it to skip initdb and migrations in every test file.
   */
  loadDataDir?: Blob | undefined;
  /**
   * PGlite on disk only: what this process is doing with the data directory (`serve`, `billing
   * run`), recorded in its lock so that a second process is told who holds it.
   */
  command?: string;
}

/**
 * PGlite on `dataDir` (in memory when absent), optionally loaded from a data directory tarball, with
 * the extensions the migrations create (they must be loaded up front) and the session in UTC.
 */
export async function startPglite(dataDir?: string, loadDataDir?: Blob): Promise<PGlite> {
  const client = new PGlite({
    ...(dataDir ? { dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    extensions: { pg_trgm },
  });
  await client.waitReady;
  await client.exec(`SET TimeZone = 'UTC'`);
  return client;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 10,
      // The same session time zone on both engines, so raw timestamp text parses the same way.
      options: '-c TimeZone=UTC',
    });
    // An idle client that loses its connection must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    const db = drizzlePg(pool, { schema }) as unknown as Database;
    const parsed = new URL(options.url);
    return {
      kind: 'postgresql',
      db,
      description: `postgresql://${parsed.host}${parsed.pathname}`,
      driver: { kind: 'postgresql', pool, url: options.url },
      close: () => pool.end(),
    };
  }
  let dataDir: string | undefined;
  let lock: ReturnType<typeof lockDataDir> | undefined;
  if (options.dataDir) {
    await mkdir(options.dataDir, { recursive: true });
    // One process owns the files: a second one is refused before it reads a byte of them.
    lock = lockDataDir(options.dataDir, options.command ?? process.argv.slice(2).join(' '));
    dataDir = path.join(options.dataDir, PGLITE_SUBDIR);
    await mkdir(dataDir, { recursive: true });
  }
  let client: PGlite;
  try {
    client = await startPglite(dataDir, options.loadDataDir);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    kind: 'pglite',
    db,
    description: dataDir ? `pglite:${dataDir}` : 'pglite:memory',
    driver: { kind: 'pglite', client },
    close: async () => {
      try {
        if (!client.closed) await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

interface RawResult {
  rows: Record<string, unknown>[];
  fields?: { name: string; dataTypeID: number }[];
}

const INT8 = 20;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

/** Postgres text timestamps ("2026-11-25 08:00:00.5+00") as Dates. */
function parseTimestamp(value: string, withZone: boolean): Date {
  let iso = value.replace(' ', 'T');
  if (withZone) iso = iso.replace(/([+-]\d{2})$/, '$1:00');
  else iso += 'Z';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new Error(`Unparseable timestamp from the database: ${value}`);
  return date;
}

function toSafeNumber(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${String(value)} does not fit a JS number`);
  return n;
}

/**
 * Runs raw SQL and returns rows with the same JS types on both engines: `pg` returns int8 (and
 * counts) as strings and PGlite as numbers; both return timestamps as text through Drizzle. Here
 * int8 becomes a number (refusing values past 2^53), timestamps become Dates, numeric stays a
 * string (it may carry more precision than a double).
 */
export async function rows<T = Record<string, unknown>>(executor: Executor, query: SQL): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown as RawResult;
  const fields = result.fields ?? [];
  const converters: [string, (v: unknown) => unknown][] = [];
  for (const field of fields) {
    if (field.dataTypeID === INT8) converters.push([field.name, toSafeNumber]);
    else if (field.dataTypeID === TIMESTAMPTZ)
      converters.push([field.name, (v) => parseTimestamp(String(v), true)]);
    else if (field.dataTypeID === TIMESTAMP)
      converters.push([field.name, (v) => parseTimestamp(String(v), false)]);
  }
  if (converters.length === 0) return result.rows as T[];
  return result.rows.map((row) => {
    const copy: Record<string, unknown> = { ...row };
    for (const [name, convert] of converters) {
      const value = copy[name];
      if (value !== null && value !== undefined && !(value instanceof Date)) copy[name] = convert(value);
    }
    return copy as T;
  });
}

/**
 * Prepared statements for the hottest reads, built once per database. On PostgreSQL they are named
 * statements: parsed and planned once per connection instead of on every request.
 */
export function preparedPer<T>(build: (db: Database) => T): (db: Database) => T {
  const cache = new WeakMap<Database, T>();
  return (db) => {
    let prepared = cache.get(db);
    if (!prepared) {
      prepared = build(db);
      cache.set(db, prepared);
    }
    return prepared;
  };
}
