import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { buildServices, serviceOptionsOf } from '../app.ts';
import { type Config, loadConfig } from '../config.ts';
import type { DatabaseHandle } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import type { RunSummary } from '../domains/billing/service.ts';
import { mexicoCityTime, systemClock } from '../lib/clock.ts';

type WithDatabase = <T>(config: Config, work: (database: DatabaseHandle) => Promise<T>) => Promise<T>;

const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** `--at` as people write it: Mexico City time unless an offset is given. */
export function parseAt(text: string | undefined, now: Date): Date {
  if (text === undefined) return now;
  if (!LOCAL_TIME.test(text.trim())) {
    throw new Error(
      `--at must be a time like 2026-12-01T00:05 (Mexico City) or with an offset, got "${text}"`,
    );
  }
  return mexicoCityTime(text.trim());
}

function printSummary(summary: RunSummary, say: (line: string) => void): void {
  const seconds = summary.durationMs / 1000;
  const attempted = summary.succeeded + summary.declined + summary.unknown;
  say(`billing run ${summary.runId} at ${summary.at}`);
  say(
    `  periods due:        ${summary.due} (${summary.created} charges created, ${summary.skippedSuspended} skipped while suspended)`,
  );
  say(
    `  attempts:           ${attempted} (${summary.resent} sent again, ${summary.retried} retries, ${summary.reconciled} reconciled)`,
  );
  if (summary.collecting > 0)
    say(`  direct debit:       ${summary.collecting} charges waiting for the bank's collection file`);
  if (summary.takenOver > 0)
    say(`  taken over:         ${summary.takenOver} charges held by a run whose process died`);
  say(`  succeeded:          ${summary.succeeded}`);
  say(`  declined:           ${summary.declined}`);
  say(`  no answer yet:      ${summary.unknown} (reconciled later)`);
  say(
    `  memberships:        ${summary.pastDue} past due, ${summary.suspended} suspended, ${summary.reactivated} active again`,
  );
  say(`  notices written:    ${summary.notices}`);
  say(`  refunds completed:  ${summary.refundsCompleted}`);
  say(
    `  took ${seconds.toFixed(1)} s${seconds > 0 ? ` (${Math.round(attempted / seconds)} charges/s)` : ''}`,
  );
}

/** `libra billing run` and `libra billing reconcile`: the operator's hands on billing. */
export function registerBillingCommands(
  program: Command,
  withDatabase: WithDatabase,
  say: (line: string) => void,
) {
  const billing = program.command('billing').description('monthly charges');
  billing
    .command('run')
    .description('charge what is due (safe to repeat: nothing is charged twice), retry declines, reconcile')
    .option('--at <time>', 'bill as of this time (Mexico City unless an offset is given); default now')
    .action(async (options: { at?: string }) => {
      const config = loadConfig();
      const at = parseAt(options.at, systemClock.now());
      await withDatabase(config, async (database) => {
        await migrateDatabase(database);
        const services = buildServices(database, systemClock, {
          ...serviceOptionsOf(config),
          jobWorkers: false,
        });
        const bar = process.stdout.isTTY
          ? new cliProgress.SingleBar(
              {
                format: 'billing [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left',
                hideCursor: true,
              },
              cliProgress.Presets.shades_classic,
            )
          : null;
        let lastPercent = -1;
        const summary = await services.billing.run({
          at,
          trigger: 'cli',
          onProgress: (done, total) => {
            if (bar) {
              if (done === 0) bar.start(total, 0);
              else {
                bar.setTotal(total);
                bar.update(done);
              }
              return;
            }
            // Without a terminal (logs, CI): a line every 10 %.
            const percent = total === 0 ? 100 : Math.floor((done / total) * 10) * 10;
            if (percent !== lastPercent) {
              lastPercent = percent;
              say(`billing: ${done}/${total} (${percent} %)`);
            }
          },
        });
        bar?.stop();
        printSummary(summary, say);
        if (config.billingRunPace > 0)
          say(`  paced at ${config.billingRunPace} charges and notices a second (BILLING_RUN_PACE)`);
      });
    });
  billing
    .command('reconcile')
    .description('ask the processor about charges it never answered, and finish pending refunds')
    .action(async () => {
      const config = loadConfig();
      await withDatabase(config, async (database) => {
        await migrateDatabase(database);
        const services = buildServices(database, systemClock, {
          ...serviceOptionsOf(config),
          jobWorkers: false,
        });
        const summary = await services.billing.reconcile();
        say(
          `reconciled ${summary.reconciled} charges (${summary.succeeded} succeeded, ${summary.declined} declined); ${summary.refundsCompleted} refunds completed`,
        );
      });
    });
}
