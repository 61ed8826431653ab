import { Command } from 'commander';
import { buildApp, buildServices, VERSION } from './app.ts';
import { registerAdminCommands } from './cli/admin.ts';
import { registerBillingCommands } from './cli/billing.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { type DatabaseHandle, openDatabase } from './db/client.ts';
import { migrateDatabase } from './db/migrate.ts';
import { systemClock } from './lib/clock.ts';
import { ensureWebBuild } from './platform/web-build.ts';
import { type DemoOptions, type SeedReport, seed } from './seed.ts';

async function withDatabase<T>(config: Config, work: (database: DatabaseHandle) => Promise<T>): Promise<T> {
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
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
  for (const account of report.demo.accounts) say(`    ${account.email.padEnd(28)} ${account.role}`);
  say(`  Demo partner API key (Authorization: Bearer …): ${report.demo.apiKey}`);
  say(`  Demo families (one per sales channel): ${report.demo.families} added now`);
  say(`  Demo provider network (Mexico City, Guadalajara, Monterrey): ${report.demo.providers} providers`);
}

async function serve(config: Config): Promise<void> {
  // A fresh clone (or changed web sources) builds the customer web before serving it.
  if (await ensureWebBuild()) say('Built the customer web into dist/web');
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const migration = await migrateDatabase(database);
  const report = await seed(buildServices(database, systemClock), { demo: demoOptions(config) });
  const app = await buildApp({ config, database });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  const base = config.publicUrl ?? `http://localhost:${config.port}`;
  say('');
  say(`Libra ${VERSION} — ${database.description}`);
  say(`  migrations: ${migration.applied} applied now, ${migration.total} in all`);
  say(`  catalog: ${report.catalog.services} services, ${report.catalog.versionsAdded} plan versions added`);
  say(`  Site:      ${base}/`);
  say(`  API docs:  ${base}/docs   (OpenAPI: ${base}/openapi.json)`);
  say(`  Health:    ${base}/health   Metrics: ${base}/metrics`);
  printDemo(report);
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
  .description('load the plan catalog, and demo data where allowed (idempotent)')
  .action(async () => {
    const config = loadConfig();
    await withDatabase(config, async (database) => {
      await migrateDatabase(database);
      const report = await seed(buildServices(database, systemClock), { demo: demoOptions(config) });
      say(
        `${database.description}: ${report.catalog.services} services, ${report.catalog.versionsAdded} plan versions added`,
      );
      printDemo(report);
    });
  });

registerAdminCommands(program, withDatabase, say);
registerBillingCommands(program, withDatabase, say);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  process.stderr.write(`libra: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
