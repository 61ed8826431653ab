import type { Services } from './app.ts';
import { type DatabaseHandle, withAdvisoryLock } from './db/client.ts';
import { type MigrationReport, migrateDatabase } from './db/migrate.ts';
import { type DemoOptions, type SeedReport, seed } from './seed.ts';

/** Arbitrary but fixed, and not the migrations' own: held while a process prepares the database. */
const STARTUP_LOCK_KEY = 7_244_118_202;

export interface Preparation {
  migration: MigrationReport;
  seed: SeedReport;
}

/**
 * What every start does before it serves, in the order it needs: migrate, start the jobs (the demo
 * tow sends its offer's expiry job, and a job can only be sent once pg-boss has started), then load
 * the catalog and the demo. On PostgreSQL the whole of it runs under one advisory lock, so processes
 * starting together on one database take turns instead of racing each other's inserts; the ones
 * after the first find everything made and make nothing.
 */
export async function prepareDatabase(
  database: DatabaseHandle,
  services: Services,
  options: { demo: DemoOptions | false; progress?: (step: string) => void },
): Promise<Preparation> {
  const progress = options.progress ?? (() => {});
  return withAdvisoryLock(database, STARTUP_LOCK_KEY, async () => {
    progress('migrations');
    const migration = await migrateDatabase(database);
    await services.jobs.start();
    return { migration, seed: await seed(services, { demo: options.demo, progress }) };
  });
}
