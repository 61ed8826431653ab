import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Command } from 'commander';
import { buildServices, type Services, serviceOptionsOf } from '../app.ts';
import { type Config, loadConfig } from '../config.ts';
import type { DatabaseHandle } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { ChargesExportQuery, RefundsExportQuery } from '../domains/billing/schemas.ts';
import { CasesExportQuery } from '../domains/cases/schemas.ts';
import { MembershipsExportQuery } from '../domains/members/schemas.ts';
import { systemClock } from '../lib/clock.ts';
import { SYSTEM_ACTOR } from '../platform/principal.ts';
import { progressCounter } from './progress.ts';

type WithDatabase = <T>(config: Config, work: (database: DatabaseHandle) => Promise<T>) => Promise<T>;

interface Options {
  from?: string;
  to?: string;
  status?: string;
  membershipNumber?: string;
  period?: string;
  state?: string;
  channel?: string;
  plan?: string;
  fulfilment?: string;
  out: string;
}

/** Each export: the query schema its API route takes, the options it reads, and the service call. */
const EXPORTS: Record<
  string,
  {
    schema: TSchema;
    query: (o: Options) => Record<string, unknown>;
    csv: (s: Services, query: never) => Promise<AsyncGenerator<string>>;
  }
> = {
  charges: {
    schema: ChargesExportQuery,
    query: (o) => ({
      from: o.from,
      to: o.to,
      status: o.status,
      membershipNumber: o.membershipNumber,
      period: o.period,
    }),
    csv: (s, query) => s.billing.exportCsv(SYSTEM_ACTOR, query),
  },
  refunds: {
    schema: RefundsExportQuery,
    query: (o) => ({ from: o.from, to: o.to, status: o.status, membershipNumber: o.membershipNumber }),
    csv: (s, query) => s.billing.exportRefundsCsv(SYSTEM_ACTOR, query),
  },
  memberships: {
    schema: MembershipsExportQuery,
    query: (o) => ({ from: o.from, to: o.to, state: o.state, channel: o.channel, plan: o.plan }),
    csv: (s, query) => s.members.exportCsv(SYSTEM_ACTOR, query),
  },
  cases: {
    schema: CasesExportQuery,
    query: (o) => ({
      from: o.from,
      to: o.to,
      state: o.state?.split(',').map((s) => s.trim()),
      fulfilment: o.fulfilment,
    }),
    csv: (s, query) => s.cases.exportCsv(SYSTEM_ACTOR, query),
  },
};

/**
 * `libra export charges|refunds|memberships|cases --out FILE`: finance's CSV exports, the same as
 * `GET /v1/<what>/export` with the same filters (checked by the same schemas), streamed to a file
 * with a running count of rows. Audited as the system's export.
 */
export function registerExportCommands(
  program: Command,
  withDatabase: WithDatabase,
  say: (line: string) => void,
) {
  program
    .command('export')
    .description(
      'write a finance export as CSV (charges, refunds, memberships, cases), with the console’s filters',
    )
    .argument('<what>', `one of ${Object.keys(EXPORTS).join(', ')}`)
    .requiredOption('--out <file>', 'the CSV file to write')
    .option('--from <YYYY-MM-DD>', 'first day (Mexico City), inclusive')
    .option('--to <YYYY-MM-DD>', 'last day (Mexico City), inclusive')
    .option('--status <status>', 'charges and refunds: only this status')
    .option('--membership-number <number>', 'charges and refunds: only this membership’s')
    .option('--period <YYYY-MM>', 'charges: only this period')
    .option('--state <state>', 'memberships: this state; cases: these states, comma-separated')
    .option('--channel <channel>', 'memberships: online, phone or bank')
    .option('--plan <code>', 'memberships: this plan’s')
    .option('--fulfilment <kind>', 'cases: dispatch, appointment, remote or reimbursement')
    .action(async (what: string, options: Options) => {
      const spec = EXPORTS[what];
      if (!spec)
        throw new Error(`export: <what> must be one of ${Object.keys(EXPORTS).join(', ')}, got "${what}"`);
      const applies = new Set(Object.keys(spec.query({ out: '' })));
      const foreign = Object.keys(options).filter((k) => k !== 'out' && !applies.has(k));
      if (foreign.length > 0)
        throw new Error(`export ${what}: --${foreign.join(', --')} does not apply to ${what}`);
      const query = Object.fromEntries(
        Object.entries(spec.query(options)).filter(([, v]) => v !== undefined),
      );
      const errors = [...Value.Errors(spec.schema, query)];
      if (errors.length > 0)
        throw new Error(
          `export ${what}: ${errors.map((e) => `${e.path.slice(1) || 'options'} ${e.message}`).join('; ')}`,
        );
      const config = loadConfig();
      await withDatabase(config, async (database) => {
        await migrateDatabase(database);
        const services = buildServices(database, systemClock, {
          ...serviceOptionsOf(config),
          jobWorkers: false,
        });
        const csv = await spec.csv(services, query as never);
        const counter = progressCounter(`export ${what}`, 'rows', say);
        let lines = 0;
        const count = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            lines += chunk.toString('utf8').split('\r\n').length - 1;
            counter.update(Math.max(0, lines - 1));
            done(null, chunk);
          },
        });
        await pipeline(Readable.from(csv), count, createWriteStream(options.out));
        counter.stop(Math.max(0, lines - 1));
        say(`export ${what}: ${Math.max(0, lines - 1)} rows → ${options.out}`);
      });
    });
}
