/**
 * Vitest globalSetup: on PGlite (no TEST_DATABASE_URL), build one migrated database per run and hand
 * its data directory tarball to the test files, so each one starts from it instead of paying for
 * initdb and the migrations again (see docs/decisions.md, "A migrated PGlite template for tests").
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/client.ts';
import { MIGRATIONS_FOLDER, migrateDatabase } from '../../src/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of a tarball of a freshly migrated PGlite data directory; absent on PostgreSQL. */
    pgliteTemplate: string | undefined;
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

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  // The same test as test/support/database.ts: PostgreSQL runs make their own databases.
  if (process.env.TEST_DATABASE_URL?.trim()) return undefined;

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
