import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.ts';
import { appOn, makeActivity } from './support/activity.ts';
import { freshDatabase, onPostgres, TEST_DATABASE_URL } from './support/database.ts';
import { invariantViolations, tableCounts } from './support/invariants.ts';
import { freePort, killGroup, type LibraProcess, startNpm } from './support/process.ts';

/**
 * Backups that restore (docs/operations.md): a database with a day's activity made through the
 * product is backed up, restored somewhere else, served by `npm start` until /health/ready says
 * 200, and checked — the same rows, no charge twice for a period, no use over its limit, every
 * case's timeline whole. On the embedded database with `libra backup` / `libra restore` (child
 * processes, as an operator runs them); on PostgreSQL with Debian's pg_dump -Fc and pg_restore.
 */
const START_MS = 240_000;
const execFileAsync = promisify(execFile);

const started: LibraProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const p of started.splice(0)) killGroup(p);
});
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'libra-backup-'));
  dirs.push(dir);
  return dir;
}

const QUIET = { NODE_ENV: 'development', LOG_LEVEL: 'warn', LIBRA_SEED_DEMO: 'false' };

/** `npm run libra -- …` as an operator types it; resolves with its exit code and output. */
async function libra(args: string[], env: Record<string, string | undefined>) {
  const p = startNpm(['run', '-s', 'libra', '--', ...args], { ...QUIET, DATABASE_URL: undefined, ...env }, 0);
  started.push(p);
  const { code } = await p.exited;
  return { code, output: p.output() };
}

/** `npm start` until /health/ready answers 200, then SIGTERM and a clean exit. */
async function serveUntilReady(env: Record<string, string | undefined>): Promise<void> {
  const port = await freePort();
  const server = startNpm(['start'], { ...QUIET, PORT: String(port), HOST: '127.0.0.1', ...env }, port);
  started.push(server);
  const until = Date.now() + START_MS;
  let status = 0;
  while (status !== 200 && Date.now() < until) {
    status = await fetch(`${server.base}/health/ready`).then(
      (res) => res.status,
      () => 0,
    );
    if (status !== 200) await new Promise((r) => setTimeout(r, 500));
  }
  expect(status, server.output()).toBe(200);
  const ready = (await (await fetch(`${server.base}/health/ready`)).json()) as { checks: unknown };
  expect(ready.checks).toMatchObject({
    database: { ok: true },
    migrations: { ok: true },
    jobs: { ok: true },
  });
  server.signal('SIGTERM');
  expect(await server.exited, server.output()).toEqual({ code: 0, signal: null });
}

describe.runIf(!onPostgres)('libra backup and libra restore (embedded database)', () => {
  it('backs up a database with activity, restores it into a new DATA_DIR, serves it, and every invariant holds', async () => {
    const source = await tempDir();
    const target = await tempDir();
    const file = path.join(await tempDir(), 'libra-backup.tar.gz');

    const handle = await openDatabase({ dataDir: source, command: 'backup-restore test' });
    const t = await appOn(handle);
    let before: Record<string, number>;
    try {
      await makeActivity(t);
      expect(await invariantViolations(handle.db)).toEqual([]);
      before = await tableCounts(handle.db);
      expect(before.charges).toBe(4);
      expect(before.cases).toBe(6);

      // While a process has the database open, a backup is refused, saying who holds it.
      const busy = await libra(['backup', file], { DATA_DIR: source });
      expect(busy.code, busy.output).toBe(75);
      expect(busy.output).toMatch(/in use by another Libra process/);
      expect(busy.output).toMatch(/backed up and restored while no process has it open/);
    } finally {
      await t.close();
    }

    const backup = await libra(['backup', file], { DATA_DIR: source });
    expect(backup.code, backup.output).toBe(0);
    expect(backup.output).toMatch(/Backed up the embedded database/);
    expect(existsSync(file)).toBe(true);

    const restore = await libra(['restore', file], { DATA_DIR: target });
    expect(restore.code, restore.output).toBe(0);
    // Not over a database already there, unless asked to.
    const again = await libra(['restore', file], { DATA_DIR: target });
    expect(again.code, again.output).toBe(73);
    expect(again.output).toMatch(/already holds a database.*--force/);

    const restored = await openDatabase({ dataDir: target, command: 'backup-restore test' });
    try {
      expect(await tableCounts(restored.db)).toEqual(before);
      expect(await invariantViolations(restored.db)).toEqual([]);
    } finally {
      await restored.close();
    }

    await serveUntilReady({ DATA_DIR: target, DATABASE_URL: undefined });

    // --force replaces it, keeping the one that was there aside.
    const forced = await libra(['restore', '--force', file], { DATA_DIR: target });
    expect(forced.code, forced.output).toBe(0);
    expect((await readdir(target)).filter((f) => f.startsWith('pglite.replaced-'))).toHaveLength(1);
    const reopened = await openDatabase({ dataDir: target, command: 'backup-restore test' });
    try {
      expect(await invariantViolations(reopened.db)).toEqual([]);
    } finally {
      await reopened.close();
    }
  }, 600_000);

  it('refuses a file that is not a backup, and PostgreSQL, leaving the DATA_DIR as it was', async () => {
    const target = await tempDir();
    const notABackup = await libra(['restore', path.join(process.cwd(), 'package.json')], {
      DATA_DIR: target,
    });
    expect(notABackup.code, notABackup.output).toBe(65);
    expect(notABackup.output).toMatch(/is not a backup of a Libra embedded database/);
    expect(await readdir(target)).toEqual([]);
    const onPg = await libra(['backup', path.join(target, 'x')], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
    });
    expect(onPg.code, onPg.output).toBe(64);
    expect(onPg.output).toMatch(/pg_dump -Fc/);
  }, 300_000);
});

async function hasPgTools(): Promise<boolean> {
  try {
    await execFileAsync('pg_dump', ['--version']);
    await execFileAsync('pg_restore', ['--version']);
    return true;
  } catch {
    return false;
  }
}

describe.runIf(onPostgres)('pg_dump and pg_restore (PostgreSQL)', async () => {
  if (!(await hasPgTools())) {
    process.stdout.write(
      'backup-restore: pg_dump/pg_restore not found (apt-get install -y postgresql-client): PostgreSQL round trip skipped\n',
    );
    it.skip('pg_dump and pg_restore are not installed: the PostgreSQL round trip is skipped', () => {});
    return;
  }

  it('dumps a database with activity (pg_dump -Fc), restores it into a fresh database, serves it, and every invariant holds', async () => {
    const source = await freshDatabase();
    const file = path.join(await tempDir(), 'libra.dump');
    const t = await appOn(source.handle, source.url);
    let before: Record<string, number>;
    try {
      await makeActivity(t);
      expect(await invariantViolations(source.handle.db)).toEqual([]);
      before = await tableCounts(source.handle.db);
    } finally {
      await t.app.close();
    }
    // The documented procedure (docs/operations.md), against the live database: pg_dump takes a
    // consistent snapshot without stopping anyone.
    await execFileAsync('pg_dump', [
      '--format=custom',
      '--no-owner',
      `--file=${file}`,
      `--dbname=${source.url}`,
    ]);
    await source.drop();

    const targetUrl = new URL(TEST_DATABASE_URL as string);
    const name = `${targetUrl.pathname.slice(1) || 'libra_test'}_restored_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    targetUrl.pathname = `/${name}`;
    try {
      await execFileAsync('pg_restore', [
        '--no-owner',
        '--exit-on-error',
        `--dbname=${targetUrl.toString()}`,
        file,
      ]);
      const restored = await openDatabase({ url: targetUrl.toString(), maxConnections: 2 });
      try {
        expect(await tableCounts(restored.db)).toEqual(before);
        expect(await invariantViolations(restored.db)).toEqual([]);
      } finally {
        await restored.close();
      }
      await serveUntilReady({ DATABASE_URL: targetUrl.toString() });
    } finally {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  }, 600_000);
});
