import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { buildServices, serviceOptionsOf } from '../app.ts';
import { type Config, loadConfig } from '../config.ts';
import type { DatabaseHandle } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import type { LineIssue } from '../domains/billing/direct-debits.ts';
import { mexicoCityDate, systemClock } from '../lib/clock.ts';
import { SYSTEM_ACTOR } from '../platform/principal.ts';
import { progressBar } from './progress.ts';

type WithDatabase = <T>(config: Config, work: (database: DatabaseHandle) => Promise<T>) => Promise<T>;

/** Exit status of an import some of whose lines were refused (the rest applied). */
export const EXIT_LINES_REFUSED = 2;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * `libra debits export` and `libra debits import`: finance's hands on the bank's direct-debit files
 * (docs/bank-files.md), the same service as `GET /v1/direct-debits/{date}/file` and
 * `POST /v1/imports/direct-debit-answers`.
 */
export function registerDebitCommands(
  program: Command,
  withDatabase: WithDatabase,
  say: (line: string) => void,
) {
  const debits = program.command('debits').description('direct debit (domiciliación) with the bank’s files');
  const servicesOf = (config: Config, database: DatabaseHandle) =>
    buildServices(database, systemClock, { ...serviceOptionsOf(config), jobWorkers: false });

  debits
    .command('export')
    .description('write the day’s collection file (sealed at its first export: the same file every time)')
    .option('--date <YYYY-MM-DD>', 'the collection day, Mexico City (default today)')
    .option('--out <file>', 'write it here (default: standard output)')
    .action(async (options: { date?: string; out?: string }) => {
      const date = options.date ?? mexicoCityDate(systemClock.now());
      if (!DAY.test(date)) throw new Error(`--date must be a day like 2026-12-01, got "${date}"`);
      const config = loadConfig();
      await withDatabase(config, async (database) => {
        await migrateDatabase(database);
        const file = await servicesOf(config, database).billing.exportDirectDebitFile(SYSTEM_ACTOR, date);
        if (!options.out) {
          await pipeline(Readable.from(file.body), process.stdout, { end: false });
          return;
        }
        const bar = progressBar('debits export', 'lines', say);
        bar.start(file.lines);
        let written = 0;
        const count = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            written += chunk.toString('utf8').split('\r\n').length - 1;
            bar.update(Math.max(0, written - 1));
            done(null, chunk);
          },
        });
        await pipeline(Readable.from(file.body), count, createWriteStream(options.out));
        bar.stop();
        say(
          `collection file ${date}: ${file.lines} lines, ${(file.amountCentavos / 100).toFixed(2)} MXN → ${options.out}`,
        );
      });
    });

  debits
    .command('import')
    .description('apply the bank’s answer file: approvals pay, rejections decline, each exactly once')
    .argument('<file>', 'the answer file (CSV: referencia,resultado,motivo)')
    .option('--report <file>', 'write every line not applied now (CSV: linea,referencia,tipo,motivo)')
    .action(async (path: string, options: { report?: string }) => {
      const size = statSync(path).size;
      const config = loadConfig();
      await withDatabase(config, async (database) => {
        await migrateDatabase(database);
        const report = options.report ? createWriteStream(options.report) : null;
        report?.write('linea,referencia,tipo,motivo\r\n');
        const bar = progressBar('debits import', 'bytes', say);
        bar.start(size);
        const input = createReadStream(path, { encoding: 'utf8' });
        let read = 0;
        input.on('data', (chunk) => {
          read += Buffer.byteLength(chunk as string);
        });
        const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
        const result = await servicesOf(config, database).billing.importDirectDebitAnswers(
          SYSTEM_ACTOR,
          lines,
          {
            onProgress: () => bar.update(read),
            onIssue: (issue: LineIssue) =>
              report?.write(
                `${[String(issue.line), issue.reference ?? '', issue.kind, issue.es].map(csvField).join(',')}\r\n`,
              ),
          },
        );
        bar.update(size);
        bar.stop();
        if (report) await new Promise((resolve) => report.end(resolve));
        say(
          `answer file ${path}: ${result.lines} lines — ${result.approved} approved, ${result.rejected} rejected, ${result.alreadyApplied} already applied, ${result.problems} refused`,
        );
        for (const issue of result.issues.filter((i) => i.kind !== 'already_applied').slice(0, 20))
          say(`  línea ${issue.line}${issue.reference ? ` (${issue.reference})` : ''}: ${issue.es}`);
        if (result.problems > 20)
          say(`  … ${result.problems - 20} more${options.report ? ` in ${options.report}` : ''}`);
        if (result.problems > 0) process.exitCode = EXIT_LINES_REFUSED;
      });
    });
}
