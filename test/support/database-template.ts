/**
 * Vitest globalSetup: one migrated database per run, which every test file's fresh database starts
 * from instead of paying for the migrations again (see docs/decisions.md, "A migrated PGlite
 * template for tests" and "…and a PostgreSQL one").
 *  - PGlite (no TEST_DATABASE_URL): a tarball of a migrated data directory, loaded by each file.
 *  - PostgreSQL: a migrated database on TEST_DATABASE_URL's server that each fresh database is
 *    created from (`create database … template …`, a file copy), dropped at teardown.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/client.ts';
import { MIGRATIONS_FOLDER, migrateDatabase } from '../../src/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of a tarball of a freshly migrated PGlite data directory; absent on PostgreSQL. */
    pgliteTemplate: string | undefined;
    /** Name of a freshly migrated database on TEST_DATABASE_URL's server; absent on PGlite. */
    postgresTemplate: string | undefined;
  }
}

/** A hash of every file under the migrations folder, so a changed migration means a new template. */
async function migrationsHash(): Promise<string> {
  const hash = createHash('sha256');
  const entries = await readdir(MIGRATIONS_FOLDER, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  for (const file of files) {
    hash.update(path.relative(MIGRATIONS_FOLDER, file)).update('\0');
    hash.update(await readFile(file)).update('\0');
  }
  return hash.digest('hex');
}

/** Runs `statement` on the server of `url`, through its own connection. */
async function onServer(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function postgresTemplate(project: TestProject, url: string): Promise<() => Promise<void>> {
  const base = new URL(url).pathname.slice(1) || 'libra_test';
  const built: string[] = [];
  let builtFor: string | undefined;
  const build = async () => {
    const hash = await migrationsHash();
    if (hash === builtFor) return;
    const name = `${base}_template_${randomBytes(4).toString('hex')}`
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_');
    await onServer(url, `create database "${name}"`);
    built.push(name);
    const target = new URL(url);
    target.pathname = `/${name}`;
    // Two connections: the migrator holds its advisory lock on one and migrates on the other.
    // Closed before any test file copies it: a template must have no connections.
    const handle = await openDatabase({ url: target.toString(), maxConnections: 2 });
    try {
      await migrateDatabase(handle);
    } finally {
      await handle.close();
    }
    project.provide('postgresTemplate', name);
    builtFor = hash;
  };
  await build();
  project.onTestsRerun(build);
  return async () => {
    for (const name of built) await onServer(url, `drop database if exists "${name}" with (force)`);
  };
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  // The same test as test/support/database.ts.
  const url = process.env.TEST_DATABASE_URL?.trim();
  if (url) return postgresTemplate(project, url);

  // Per run, never reused across runs: the directory goes away at teardown.
  const dir = await mkdtemp(path.join(tmpdir(), 'libra-pglite-template-'));
  let builtFor: string | undefined;

  const build = async () => {
    const hash = await migrationsHash();
    if (hash === builtFor) return;
    const handle = await openDatabase({});
    try {
      await migrateDatabase(handle);
      if (handle.driver.kind !== 'pglite') throw new Error('the template must be a PGlite database');
      // Uncompressed: the tarball is larger (~40 MB) but each test file skips gunzipping it.
      const tarball = await handle.driver.client.dumpDataDir('none');
      const file = path.join(dir, `${hash.slice(0, 16)}.tar`);
      await writeFile(file, new Uint8Array(await tarball.arrayBuffer()));
      project.provide('pgliteTemplate', file);
      builtFor = hash;
    } finally {
      await handle.close();
    }
  };

  await build();
  // Watch mode keeps this process alive: rebuild before a rerun if a migration changed meanwhile.
  project.onTestsRerun(build);
  return () => rm(dir, { recursive: true, force: true });
}
