import { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { buildApp, buildServices, type Services, serviceOptionsOf, VERSION } from './app.ts';
import { registerAdminCommands } from './cli/admin.ts';
import { registerBackupCommands } from './cli/backup.ts';
import { registerBillingCommands } from './cli/billing.ts';
import { dataDirInUseMessage } from './cli/data-dir-in-use.ts';
import { registerDebitCommands } from './cli/debits.ts';
import { registerExportCommands } from './cli/exports.ts';
import {
  DEFAULT_HISTORY_MEMBERS,
  DEFAULT_HISTORY_SEED,
  type HistoryCommandOptions,
  historyPlanOf,
  seedHistory,
} from './cli/history.ts';
import { registerImportCommands } from './cli/imports.ts';
import { registerInvoiceCommands } from './cli/invoices.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { BackupError } from './db/backup.ts';
import { type DatabaseHandle, openDatabase } from './db/client.ts';
import { DataDirInUseError } from './db/data-dir-lock.ts';
import { migrateDatabase } from './db/migrate.ts';
import { ReplicaReads } from './db/read-replica.ts';
import { systemClock } from './lib/clock.ts';
import { ensureWebBuild } from './platform/web-build.ts';
import type { DemoOptions, SeedReport } from './seed.ts';
import { prepareDatabase } from './startup.ts';

async function withDatabase<T>(config: Config, work: (database: DatabaseHandle) => Promise<T>): Promise<T> {
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    maxConnections: config.databasePoolSize,
    command: `libra ${process.argv.slice(2).join(' ')}`,
  });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function demoOptions(config: Config): DemoOptions | false {
  return config.seedDemo ? { password: config.demoPassword, apiKey: config.demoApiKey } : false;
}

function printDemo(report: SeedReport): void {
  if (!report.demo) return;
  say('');
  say(
    `  Demo accounts (password: ${process.env.LIBRA_DEMO_PASSWORD ? 'LIBRA_DEMO_PASSWORD' : 'libra-demo-2026'}):`,
  );
  for (const account of report.demo.accounts) say(`    ${account.email.padEnd(34)} ${account.role}`);
  say(`  Demo partner API key (Authorization: Bearer …): ${report.demo.apiKey}`);
  say(`  Demo families (one per sales channel): ${report.demo.families} added now`);
  say(`  Demo provider network (Mexico City, Guadalajara, Monterrey): ${report.demo.providers} providers`);
}

/** Longest a stop may take before the process gives up waiting and exits anyway. */
const STOP_TIMEOUT_MS = 20_000;

/**
 * `libra serve`. SIGTERM or SIGINT at any moment ends it with exit code 0: while serving, the app
 * closes (connections, live streams, jobs) and then the database; during start-up, the step under
 * way (a migration, a demo item: each its own transaction) finishes and nothing after it starts.
 */
async function serve(config: Config): Promise<void> {
  let database: DatabaseHandle | undefined;
  let replica: DatabaseHandle | undefined;
  let services: Services | undefined;
  let app: FastifyInstance | undefined;
  let stopping: string | null = null;
  let serving = false;

  const stop = async (): Promise<never> => {
    setTimeout(() => {
      process.stderr.write(`libra: did not stop within ${STOP_TIMEOUT_MS / 1000} s; exiting anyway\n`);
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    try {
      if (app) await app.close();
      else await services?.jobs.stop();
      await replica?.close();
      await database?.close();
    } catch (error) {
      process.stderr.write(
        `libra: while stopping: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    }
    say(`Libra stopped (${stopping}).`);
    process.exit(0);
  };
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      // Ctrl+C reaches npm and this process at once, and npm passes it on: the same signal twice.
      // A second one a person sends later stops waiting for the graceful stop.
      if (Date.now() - firstSignalAt < 2_000) return;
      process.stderr.write('libra: stopped without closing\n');
      process.exit(1);
    }
    stopping = signal;
    firstSignalAt = Date.now();
    if (serving) void stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  /** Between start-up steps: a signal that came during the last one ends the start here. */
  const checkpoint = async () => {
    if (stopping) await stop();
  };

  // First the database: a second process on the same DATA_DIR is refused before anything else.
  database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    maxConnections: config.databasePoolSize,
    command: 'libra serve',
  });
  // A fresh clone (or changed web sources) builds the customer web before serving it.
  if (await ensureWebBuild()) say('Built the customer web into dist/web');
  await checkpoint();
  let reads: ReplicaReads | undefined;
  if (config.databaseReplicaUrl) {
    // A pool that connects lazily: a replica down at start is not a reason to refuse to serve.
    replica = await openDatabase({ url: config.databaseReplicaUrl, maxConnections: 5 });
    reads = new ReplicaReads(database, replica, {
      maxLagSeconds: config.replicaMaxLagSeconds,
      onChange: (state) =>
        say(
          state.using === 'replica'
            ? `  reports and exports read the replica (${state.lagSeconds ?? 0} s behind)`
            : `  reports and exports read the primary: the replica is ${state.reason === 'down' ? 'unreachable or not a standby' : `${Math.round(state.lagSeconds ?? 0)} s behind`}`,
        ),
    });
  }
  services = buildServices(database, systemClock, {
    ...serviceOptionsOf(config),
    ...(reads ? { reads } : {}),
  });
  const prepared = await prepareDatabase(database, services, {
    demo: demoOptions(config),
    progress: (step) => say(`  preparing the database: ${step}`),
  });
  await checkpoint();
  app = await buildApp({ config, database, services });
  await checkpoint();
  await app.listen({ port: config.port, host: config.host });
  serving = true;
  await checkpoint();

  const base = config.publicUrl ?? `http://localhost:${config.port}`;
  say('');
  say(`Libra ${VERSION} — ${database.description}`);
  say(`  migrations: ${prepared.migration.applied} applied now, ${prepared.migration.total} in all`);
  say(
    `  catalog: ${prepared.seed.catalog.services} services, ${prepared.seed.catalog.versionsAdded} plan versions added`,
  );
  say(`  Site:      ${base}/`);
  say(`  API docs:  ${base}/docs   (OpenAPI: ${base}/openapi.json)`);
  say(`  Health:    ${base}/health (probes: /health/live, /health/ready)   Metrics: ${base}/metrics`);
  printDemo(prepared.seed);
  say('');
}

const program = new Command()
  .name('libra')
  .description('Libra: the platform behind the Asistencia Libra Plus program')
  .version(VERSION);

program
  .command('serve')
  .description('apply migrations, load the catalog (and demo data where allowed) and serve HTTP')
  .action(async () => serve(loadConfig()));

program
  .command('migrate')
  .description('apply the pending database migrations')
  .action(async () => {
    const config = loadConfig();
    await withDatabase(config, async (database) => {
      const report = await migrateDatabase(database);
      say(`${database.description}: ${report.applied} migrations applied, ${report.total} in all`);
    });
  });

program
  .command('seed')
  .description(
    'load the plan catalog, and demo data where allowed (idempotent); with --history, also a simulated past (once per database)',
  )
  .option('--history <period>', 'simulate this much past operation through the services, e.g. 90d or 12w')
  .option('--members <n>', `members the history contracts (default ${DEFAULT_HISTORY_MEMBERS})`)
  .option(
    '--seed <n>',
    `the history's random seed: the same seed makes the same history (default ${DEFAULT_HISTORY_SEED})`,
  )
  .action(async (options: HistoryCommandOptions) => {
    const config = loadConfig();
    const history = historyPlanOf(options);
    await withDatabase(config, async (database) => {
      const services = buildServices(database, systemClock, {
        ...serviceOptionsOf(config),
        jobWorkers: false,
      });
      const { seed: report } = await prepareDatabase(database, services, {
        demo: demoOptions(config),
      }).finally(() => services.jobs.stop());
      say(
        `${database.description}: ${report.catalog.services} services, ${report.catalog.versionsAdded} plan versions added`,
      );
      printDemo(report);
      if (history) await seedHistory(config, database, history, say);
    });
  });

registerAdminCommands(program, withDatabase, say);
registerBillingCommands(program, withDatabase, say);
registerInvoiceCommands(program, withDatabase, say);
registerDebitCommands(program, withDatabase, say);
registerExportCommands(program, withDatabase, say);
registerImportCommands(program, withDatabase, say);
registerBackupCommands(program, say);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  if (error instanceof BackupError) {
    process.stderr.write(`libra: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  if (error instanceof DataDirInUseError) {
    process.stderr.write(dataDirInUseMessage(error, process.argv.slice(2)));
    process.exit(75); // EX_TEMPFAIL: try again once the other process is done
  }
  process.stderr.write(`libra: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
