import type { Command } from 'commander';
import { buildServices, serviceOptionsOf } from '../app.ts';
import { type Config, loadConfig } from '../config.ts';
import type { DatabaseHandle } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { systemClock } from '../lib/clock.ts';
import { SYSTEM_ACTOR } from '../platform/principal.ts';

type WithDatabase = <T>(config: Config, work: (database: DatabaseHandle) => Promise<T>) => Promise<T>;

/**
 * `libra invoices global [--period YYYY-MM]`: finance's hand on the monthly global invoice (the job
 * issues it on the 1st); safe to repeat — a month's is issued once — and `libra invoices stamp`
 * stamps the drafts left behind (credit notes, a PAC that did not answer).
 */
export function registerInvoiceCommands(
  program: Command,
  withDatabase: WithDatabase,
  say: (line: string) => void,
) {
  const invoices = program.command('invoices').description('CFDI invoices');
  const servicesOf = (config: Config, database: DatabaseHandle) =>
    buildServices(database, systemClock, { ...serviceOptionsOf(config), jobWorkers: false });
  invoices
    .command('global')
    .description("issue a month's global invoice of the paid charges nobody invoiced (default: last month)")
    .option('--period <YYYY-MM>', 'the month, in Mexico City')
    .action(async (options: { period?: string }) => {
      if (options.period !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(options.period)) {
        throw new Error(`--period must be a month like 2026-11, got "${options.period}"`);
      }
      const config = loadConfig();
      await withDatabase(config, async (database) => {
        await migrateDatabase(database);
        const result = await servicesOf(config, database).invoicing.global.issue(
          SYSTEM_ACTOR,
          options.period,
        );
        if (!result) return say('no paid charge is left to put in a global invoice for that month');
        const { invoice, created } = result;
        say(
          `${created ? 'issued' : 'already issued'}: global invoice ${invoice.series}-${invoice.folio} (${invoice.periodKey}), ${invoice.status}${invoice.uuid ? `, UUID ${invoice.uuid}` : ''}, total ${(invoice.totalCentavos / 100).toFixed(2)} MXN`,
        );
      });
    });
  invoices
    .command('stamp')
    .description('stamp the documents left as drafts (credit notes, a PAC that did not answer)')
    .action(async () => {
      const config = loadConfig();
      await withDatabase(config, async (database) => {
        await migrateDatabase(database);
        say(`stamped ${await servicesOf(config, database).invoicing.stampDrafts()} documents`);
      });
    });
}
