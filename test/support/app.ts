import type { FastifyInstance } from 'fastify';
import {
  buildApp,
  buildServices,
  type ServiceOptions,
  type Services,
  serviceOptionsOf,
} from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { type Clock, ManualClock } from '../../src/lib/clock.ts';
import { seed } from '../../src/seed.ts';
import { freshDatabase, type TestDatabase } from './database.ts';

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  database: TestDatabase;
  clock: Clock;
  config: Config;
  close(): Promise<void>;
}

/** A whole app on a fresh, migrated and seeded database, with a clock the test controls. */
export async function buildTestApp(
  options: {
    env?: Record<string, string>;
    clock?: Clock;
    /** Register extra routes (e.g. one that throws) before the app is made ready. */
    extend?: (app: FastifyInstance) => void | Promise<void>;
    /** Receives every log line (set LOG_LEVEL in `env`; tests default to silent). */
    logStream?: { write(line: string): void };
    /** The built customer web to serve (default dist/web, which may not exist). */
    webDir?: string;
    /** Service options over the config's (e.g. a PAC that times out). */
    serviceOptions?: Partial<ServiceOptions>;
  } = {},
): Promise<TestApp> {
  // Job workers only where a test asks for them (offer expiry): each polls the database.
  const config = loadConfig({
    NODE_ENV: 'test',
    JOB_WORKERS: 'false',
    JOB_POLL_SECONDS: '1',
    ...options.env,
  });
  const clock = options.clock ?? new ManualClock('2026-11-25T20:05:00Z');
  const database = await freshDatabase();
  const services = buildServices(database.handle, clock, {
    ...serviceOptionsOf(config),
    ...options.serviceOptions,
  });
  await seed(services, { demo: false });
  const app = await buildApp({
    config,
    database: database.handle,
    clock,
    logStream: options.logStream,
    services,
    ...(options.webDir ? { webDir: options.webDir } : {}),
  });
  if (options.extend) await options.extend(app);
  await app.ready();
  return {
    app,
    services,
    database,
    clock,
    config,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
