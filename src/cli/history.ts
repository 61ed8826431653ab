import cliProgress from 'cli-progress';
import { serviceOptionsOf } from '../app.ts';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/client.ts';
import { generateHistory, type HistoryReport } from '../seed/history.ts';

/** `--history 90d`: a number of days (`d`), or of weeks (`w`); 1 to 366 days. */
export function parseHistoryPeriod(text: string): number {
  const match = /^(\d{1,3})\s*([dw])$/i.exec(text.trim());
  const days = match ? Number(match[1]) * ((match[2] as string).toLowerCase() === 'w' ? 7 : 1) : Number.NaN;
  if (!Number.isInteger(days) || days < 1 || days > 366)
    throw new Error(`--history must be a period like 90d or 12w (1 to 366 days), got "${text}"`);
  return days;
}

export function parseCount(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max)
    throw new Error(`${name} must be a whole number from 1 to ${max}, got "${text}"`);
  return n;
}

export const DEFAULT_HISTORY_MEMBERS = 3000;
export const DEFAULT_HISTORY_SEED = 2026;

export interface HistoryCommandOptions {
  history?: string | undefined;
  members?: string | undefined;
  seed?: string | undefined;
}

export interface HistoryPlan {
  days: number;
  members: number;
  seed: number;
}

/** The command's options checked before anything is opened; null without --history. */
export function historyPlanOf(options: HistoryCommandOptions): HistoryPlan | null {
  if (options.history === undefined) {
    if (options.members !== undefined || options.seed !== undefined)
      throw new Error('--members and --seed go with --history (e.g. seed --history 90d --members 500)');
    return null;
  }
  return {
    days: parseHistoryPeriod(options.history),
    members: parseCount('--members', options.members, DEFAULT_HISTORY_MEMBERS, 1_000_000),
    seed: parseCount('--seed', options.seed, DEFAULT_HISTORY_SEED, 2 ** 31),
  };
}

/**
 * `libra seed --history 90d [--members N] [--seed N]`, after the database is prepared (migrations,
 * catalog, demo data): the simulated past, with a progress bar on a terminal (a line every 10 % in
 * logs), then what it made.
 */
export async function seedHistory(
  config: Config,
  database: DatabaseHandle,
  { days, members, seed }: HistoryPlan,
  say: (line: string) => void,
): Promise<HistoryReport> {
  say(`Simulating ${days} days of operation for ${members} members (seed ${seed})…`);
  const bar = process.stdout.isTTY
    ? new cliProgress.SingleBar(
        {
          format: 'history [{bar}] {percentage}% | day {day}/{days} | {eta_formatted} left',
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(days * 24, 0, { day: 0, days });
  let lastPercent = -1;
  const report = await generateHistory(database, {
    days,
    members,
    seed,
    serviceOptions: { ...serviceOptionsOf(config), jobWorkers: false },
    progress: (done, total) => {
      if (bar) return bar.update(done, { day: Math.ceil(done / 24), days });
      const percent = Math.floor((done / total) * 10) * 10;
      if (percent !== lastPercent) {
        lastPercent = percent;
        say(`history: day ${Math.ceil(done / 24)}/${days} (${percent} %)`);
      }
    },
  }).finally(() => bar?.stop());
  printHistory(report, say);
  return report;
}

function printHistory(report: HistoryReport, say: (line: string) => void): void {
  const s = report.stats;
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const cases = sum(Object.values(s.cases));
  const night = sum(s.casesByHour.slice(0, 6));
  say(`History from ${report.from} to ${report.to}, made in ${(report.durationMs / 1000).toFixed(1)} s:`);
  say(
    `  members:        ${sum(Object.values(s.members))} (online ${s.members.online}, phone ${s.members.phone}, bank ${s.members.bank})`,
  );
  say(
    `  plans:          ${Object.entries(s.plans)
      .map(([plan, n]) => `${plan} ${n}`)
      .join(', ')}`,
  );
  say(`  cases:          ${cases} (${night} between 0:00 and 6:00, ${s.weekendCases} at weekends)`);
  say(
    `  by service:     ${Object.entries(s.cases)
      .sort((a, b) => b[1] - a[1])
      .map(([code, n]) => `${code} ${n}`)
      .join(', ')}`,
  );
  say(
    `  offers:         ${s.offers.accepted} accepted, ${s.offers.declined} declined, ${s.offers.expired} expired`,
  );
  say(`  excesses:       ${s.excesses.accepted} accepted, ${s.excesses.declined} declined`);
  say(
    `  closed:         ${s.casesCompleted} jobs completed, ${s.consultationsClosed} consultations, ${s.casesCancelled} cancelled, ${s.casesRefused} refused; ${s.ratings} ratings`,
  );
  say(`  complaints:     ${s.complaints.filed} filed, ${s.complaints.resolved} resolved`);
  say(`  cancellations:  ${s.cancellations.done} (${s.cancellations.refunded} refunded)`);
  say(
    `  billing:        ${s.billing.runs} daily runs, ${s.billing.succeeded} charges paid, ${s.billing.declined} declined, ${s.billing.recovered} recovered with a new card`,
  );
  const refused = Object.entries(s.refused);
  if (refused.length > 0)
    say(`  refused by the platform: ${refused.map(([code, n]) => `${code} ${n}`).join(', ')}`);
  say('Messages to these members stay in the outbox: their emails are at example.com.');
  say(
    "See it: start Libra on this database and open the supervisor's dashboard, the case board and finance's charges.",
  );
}
