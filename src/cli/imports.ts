import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { buildServices, serviceOptionsOf } from '../app.ts';
import { type Config, loadConfig } from '../config.ts';
import type { DatabaseHandle } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import type { ImportRunRecord } from '../domains/imports/repository.ts';
import { systemClock } from '../lib/clock.ts';
import { AppError, errorDefinition } from '../lib/errors.ts';
import { SYSTEM_ACTOR } from '../platform/principal.ts';

type WithDatabase = <T>(config: Config, work: (database: DatabaseHandle) => Promise<T>) => Promise<T>;

const MB = 1024 * 1024;

/** The run's last line: what a person (or a script, by its words) reads at the end. */
export function summaryLine(run: ImportRunRecord): string {
  return `imported ${run.imported} / already imported ${run.alreadyImported} / rejected ${run.rejected} (${run.rows} rows, run ${run.id})`;
}

/**
 * `libra import members FILE [--report errors.csv]`: the bank's members file read as a stream,
 * with a progress bar of the bytes read, the error report written where asked, and a summary line.
 * Exit 0 when the whole file was read (rejected rows are in the report); 1 when the file was
 * refused (its header) or could not be read to its end.
 */
export function registerImportCommands(
  program: Command,
  withDatabase: WithDatabase,
  say: (line: string) => void,
) {
  const imports = program.command('import').description('files from partners');
  imports
    .command('members')
    .description("import the bank's members file (CSV, docs/bank-files.md); safe to repeat")
    .argument('<file>', 'the CSV file')
    .option('--report <file>', 'write the error report (CSV) here')
    .action(async (file: string, options: { report?: string }) => {
      const size = (await stat(file)).size;
      const config = loadConfig();
      await withDatabase(config, async (database) => {
        await migrateDatabase(database);
        const services = buildServices(database, systemClock, {
          ...serviceOptionsOf(config),
          jobWorkers: false,
        });
        const bar = process.stdout.isTTY
          ? new cliProgress.SingleBar(
              {
                format: 'import [{bar}] {percentage}% | {read}/{size} MB | {eta_formatted} left',
                hideCursor: true,
              },
              cliProgress.Presets.shades_classic,
            )
          : null;
        const sizeMb = (size / MB).toFixed(1);
        bar?.start(size, 0, { read: '0.0', size: sizeMb });
        let lastTenth = -1;
        let run: ImportRunRecord;
        try {
          run = await services.imports.importMembers(SYSTEM_ACTOR, createReadStream(file), {
            source: 'cli',
            fileName: path.basename(file),
            onBytes: (bytes) => {
              if (bar) return bar.update(bytes, { read: (bytes / MB).toFixed(1), size: sizeMb });
              // Without a terminal (logs, CI): a line every 10 %.
              const tenth = size === 0 ? 10 : Math.floor((bytes / size) * 10);
              if (tenth !== lastTenth) {
                lastTenth = tenth;
                say(`import: ${(bytes / MB).toFixed(1)}/${sizeMb} MB (${tenth * 10} %)`);
              }
            },
          });
        } catch (error) {
          bar?.stop();
          if (!(error instanceof AppError)) throw error;
          say(`refused: ${error.code}: ${errorDefinition(error.code)?.es ?? error.message}`);
          for (const e of error.options.errors ?? []) say(`  ${e.field}: ${e.localised?.es ?? e.message}`);
          process.exitCode = 1;
          return;
        }
        bar?.stop();
        if (options.report) {
          await pipeline(
            Readable.from(services.imports.errorReport(run.id)),
            createWriteStream(options.report),
          );
          say(`error report: ${options.report}`);
        }
        if (run.stopCode) {
          say(`stopped at line ${run.stopLine}: ${run.stopCode}: ${errorDefinition(run.stopCode)?.es ?? ''}`);
          process.exitCode = 1;
        }
        say(summaryLine(run));
      });
    });
}
