import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { PGlite } from '@electric-sql/pglite';
import { PGLITE_SUBDIR, startPglite } from './client.ts';
import { lockDataDir } from './data-dir-lock.ts';

/**
 * Backups of the embedded database: PGlite's own data directory tarball (`dumpDataDir`), taken and
 * restored only while no process has the DATA_DIR open (its lock says so), since PGlite lives in
 * the memory of the process that opened it. PostgreSQL is backed up with its own tools
 * (docs/operations.md).
 */

/** A backup or restore that cannot be done as asked; `exitCode` is the CLI's (sysexits.h). */
export class BackupError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

const EX_DATAERR = 65;
const EX_NOINPUT = 66;
const EX_CANTCREAT = 73;

export interface BackupReport {
  bytes: number;
  /** Migrations the backed-up database had run. */
  migrations: number;
}

export interface RestoreReport {
  migrations: number;
  /** Where the database that was there before went (with --force), for the operator to remove. */
  replaced: string | null;
}

function hasCluster(dir: string): boolean {
  return existsSync(path.join(dir, 'PG_VERSION'));
}

async function appliedMigrations(client: PGlite): Promise<number> {
  const result = await client.query<{ n: number }>(
    'select count(*)::int as n from drizzle.__drizzle_migrations',
  );
  return result.rows[0]?.n ?? 0;
}

/**
 * The data directory tarball in `file`, uncompressed: gzip (as `libra backup` writes it) or a plain
 * tar. Anything else is refused here, before PGlite is handed bytes it cannot read.
 */
async function readTarball(file: string): Promise<Uint8Array> {
  let data: Uint8Array = await readFile(file);
  if (data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = gunzipSync(data);
    } catch {
      throw new BackupError(
        `${file} is not a backup of a Libra embedded database (not a whole gzip file)`,
        EX_DATAERR,
      );
    }
  }
  // Every tar header block says "ustar" at offset 257.
  if (Buffer.from(data.subarray(257, 262)).toString('latin1') !== 'ustar')
    throw new BackupError(
      `${file} is not a backup of a Libra embedded database (not a tar archive)`,
      EX_DATAERR,
    );
  return data;
}

/** Writes `file` atomically: a reader never finds half a backup under its final name. */
async function writeAtomically(file: string, data: Uint8Array): Promise<void> {
  const partial = `${file}.partial`;
  await writeFile(partial, data);
  await rename(partial, file);
}

/**
 * Dumps the embedded database in `dataDir` into `file` (a gzipped tarball of its data directory).
 * Refused (DataDirInUseError) while another process has the DATA_DIR open.
 */
export async function backupDataDir(dataDir: string, file: string, command: string): Promise<BackupReport> {
  const pgliteDir = path.join(dataDir, PGLITE_SUBDIR);
  if (!hasCluster(pgliteDir))
    throw new BackupError(`there is no embedded database in ${dataDir} to back up`, EX_NOINPUT);
  const lock = lockDataDir(dataDir, command);
  let client: PGlite | undefined;
  try {
    client = await startPglite(pgliteDir);
    const migrations = await appliedMigrations(client).catch(() => 0);
    // Everything written so far into the data files, so the copy needs no recovery to start.
    await client.exec('checkpoint');
    const tarball = await client.dumpDataDir('gzip');
    const data = new Uint8Array(await tarball.arrayBuffer());
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await writeAtomically(file, data);
    return { bytes: data.byteLength, migrations };
  } finally {
    await client?.close().catch(() => {});
    lock.release();
  }
}

async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

/**
 * Restores `file` (from `backupDataDir`) as the embedded database of `dataDir`. Refused while
 * another process has the DATA_DIR open, and over an existing database unless `force`. The backup
 * is unpacked and opened beside the target first: only a backup that opens as a migrated Libra
 * database takes the target's place, and a database that was there is moved aside, not deleted.
 */
export async function restoreDataDir(
  dataDir: string,
  file: string,
  options: { force: boolean; command: string; now?: Date },
): Promise<RestoreReport> {
  const fileStat = await stat(file).catch(() => null);
  if (!fileStat?.isFile()) throw new BackupError(`there is no backup file ${file}`, EX_NOINPUT);
  const tarball = await readTarball(file);
  await mkdir(dataDir, { recursive: true });
  const lock = lockDataDir(dataDir, options.command);
  const target = path.join(dataDir, PGLITE_SUBDIR);
  const staging = path.join(dataDir, `${PGLITE_SUBDIR}.restoring`);
  try {
    if (!(await isEmptyDir(target)) && !options.force)
      throw new BackupError(
        `${target} already holds a database; restore into an empty DATA_DIR, or add --force to replace it (it is moved aside, not deleted)`,
        EX_CANTCREAT,
      );
    // A restore killed half-way left its staging directory: it is nobody's.
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    let migrations: number;
    let client: PGlite | undefined;
    try {
      client = await startPglite(staging, new Blob([tarball]));
      migrations = await appliedMigrations(client);
    } catch (cause) {
      await client?.close().catch(() => {});
      client = undefined;
      await rm(staging, { recursive: true, force: true });
      throw new BackupError(
        `${file} is not a backup of a Libra embedded database (${cause instanceof Error ? cause.message : String(cause)})`,
        EX_DATAERR,
      );
    } finally {
      await client?.close();
    }
    let replaced: string | null = null;
    if (existsSync(target)) {
      if (!(await isEmptyDir(target))) {
        const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
        replaced = path.join(dataDir, `${PGLITE_SUBDIR}.replaced-${stamp}`);
        await rename(target, replaced);
      } else {
        await rm(target, { recursive: true, force: true });
      }
    }
    await rename(staging, target);
    return { migrations, replaced };
  } finally {
    lock.release();
  }
}
