import { buildServices, type ServiceOptions } from '../app.ts';
import type { DatabaseHandle } from '../db/client.ts';
import { inMexicoCity, ManualClock } from '../lib/clock.ts';
import { AppError } from '../lib/errors.ts';
import { seed } from '../seed.ts';
import { historyActors } from './actors.ts';
import { expectedRequests, requestCase } from './history-cases.ts';
import { cancelMember, contractMember, fileComplaint } from './history-members.ts';
import { Random } from './random.ts';
import {
  emptyStats,
  type HistoryContext,
  type HistoryStats,
  later,
  MINUTES,
  type SimMember,
  Timeline,
} from './timeline.ts';

export type { HistoryStats, SimMember } from './timeline.ts';

/** The history's own staff account: there when a history has been made on the database. */
export const HISTORY_MARKER_EMAIL = 'agent@historia.example.com';

export interface HistoryOptions {
  /** Days of past to make, ending at `end`. */
  days: number;
  /** Memberships contracted over the period (most of them early in it). */
  members: number;
  /** The pseudo-random seed: the same seed, size and end make the same history. */
  seed: number;
  /** Requests for help per member a year, before the hour-of-day shape (default 3). */
  casesPerMemberYear?: number;
  /** The period's last instant (default now, to the minute). */
  end?: Date;
  /** The options the services are built with (the process's configuration); no messages are sent. */
  serviceOptions: ServiceOptions;
  /** Called after each simulated hour. */
  progress?: (hoursDone: number, hoursTotal: number) => void;
}

export interface HistoryReport {
  from: string;
  to: string;
  stats: HistoryStats;
  members: SimMember[];
  durationMs: number;
}

export class HistoryNotAllowedError extends Error {
  constructor() {
    super(
      'a simulated history is demo data: it is made only where demo data is allowed (LIBRA_SEED_DEMO=true, never with NODE_ENV=production)',
    );
  }
}

export class HistoryExistsError extends Error {
  constructor() {
    super(
      'this database already has a simulated history (its staff account agent@historia.example.com exists); ' +
        'a history is made once, on a fresh database (a new DATA_DIR or an empty PostgreSQL database)',
    );
  }
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A realistic past for the platform, made through the services on a simulated clock that walks
 * the period hour by hour: members contracting on every channel, requests for help at the hours
 * people ask for it, providers answering (or not) their offers, consultations, complaints,
 * cancellations with refunds, and each day's billing run with its declines and recoveries.
 * Deterministic for a seed. Refuses a database that already has one (HistoryExistsError).
 */
export async function generateHistory(
  database: DatabaseHandle,
  options: HistoryOptions,
): Promise<HistoryReport> {
  if (!options.serviceOptions.demoAccounts) throw new HistoryNotAllowedError();
  const began = Date.now();
  const end = new Date(Math.floor((options.end ?? new Date()).getTime() / MINUTES(1)) * MINUTES(1));
  const start = new Date(end.getTime() - options.days * DAY);
  const clock = new ManualClock(start);
  // No channel is configured here: whatever the history writes to people stays in the outbox, unsent.
  const { smtp: _smtp, smpp: _smpp, ...quiet } = options.serviceOptions;
  const services = buildServices(database, clock, { ...quiet, jobWorkers: false });
  await services.jobs.start();
  try {
    if (await services.identity.userByEmail(HISTORY_MARKER_EMAIL)) throw new HistoryExistsError();
    await seed(services, { demo: false });
    const timeline = new Timeline();
    const ctx: HistoryContext = {
      services,
      db: database.db,
      clock,
      random: new Random(options.seed),
      actors: await historyActors(services),
      stats: emptyStats(),
      members: [],
      end,
      at(at, task) {
        if (at.getTime() <= end.getTime()) timeline.add(at, task);
      },
    };
    plan(ctx, start, options);
    const hours = Math.round((end.getTime() - start.getTime()) / HOUR);
    for (let hour = 1; hour <= hours; hour++) {
      const until = start.getTime() + hour * HOUR;
      for (let entry = timeline.takeUntil(until); entry; entry = timeline.takeUntil(until)) {
        if (entry.at > clock.now().getTime()) clock.set(new Date(entry.at));
        await attempt(ctx, entry.task);
      }
      options.progress?.(hour, hours);
    }
    clock.set(end);
    return {
      from: start.toISOString(),
      to: end.toISOString(),
      stats: ctx.stats,
      members: ctx.members,
      durationMs: Date.now() - began,
    };
  } finally {
    await services.jobs.stop();
  }
}

/** A refusal by the platform is part of the story (a limit reached, a state moved on); a bug is not. */
async function attempt(ctx: HistoryContext, task: () => Promise<void>): Promise<void> {
  try {
    await task();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    ctx.stats.refused[error.code] = (ctx.stats.refused[error.code] ?? 0) + 1;
  }
}

/** What the period holds, put on the timeline: contracts, each hour's requests and billing run, complaints, cancellations. */
function plan(ctx: HistoryContext, start: Date, options: HistoryOptions): void {
  const { random } = ctx;
  const span = options.days * DAY;
  // Most members were there early in the period (a base that grew), a few join every day.
  for (let index = 1; index <= options.members; index++) {
    const offset = index === 1 ? 0 : Math.floor(random.next() ** 2 * (span - HOUR));
    ctx.at(new Date(start.getTime() + offset), async () => {
      await contractMember(ctx, index);
    });
  }
  const perYear = options.casesPerMemberYear ?? 3;
  let caseIndex = 0;
  const hours = Math.round(span / HOUR);
  for (let h = 0; h < hours; h++) {
    const hourStart = new Date(start.getTime() + h * HOUR);
    ctx.at(hourStart, async () => {
      // The day's billing run, early in the morning (charges due and the day's retries).
      if (inMexicoCity(hourStart).hour === 5) await billingRun(ctx);
      const active = ctx.members.filter((m) => !m.cancelled);
      const n = random.poisson(expectedRequests(hourStart, active.length, perYear));
      for (let i = 0; i < n; i++) {
        const index = ++caseIndex;
        ctx.at(new Date(hourStart.getTime() + random.int(0, HOUR - 1000)), async () => {
          const member = pickActive(ctx);
          if (member) await requestCase(ctx, member, index);
        });
      }
    });
  }
  // Complaints, about one per two thousand member-days (at least one), mostly in waking hours.
  const complaints = Math.max(1, Math.round((options.members * options.days) / 2000));
  for (let i = 1; i <= complaints; i++)
    ctx.at(daytime(ctx, start, span), async () => {
      const member = pickActive(ctx);
      if (member) await fileComplaint(ctx, member, i);
    });
  // Cancellations, about 3 % of members a month (at least one): some within the refund window.
  const cancellations = Math.max(1, Math.round((options.members * options.days * 0.03) / 30));
  for (let i = 1; i <= cancellations; i++) {
    const early = i === 1 || random.chance(0.5);
    // The first one comes once some member has paid: after the first billing runs.
    const at =
      i === 1
        ? later(start, Math.min(span / MINUTES(1) - 60, 3 * 1440 + random.int(0, 600)))
        : daytime(ctx, start, span);
    ctx.at(at, async () => {
      const member = early ? (pickRecentPayer(ctx) ?? pickActive(ctx)) : pickActive(ctx);
      if (member) await cancelMember(ctx, member);
    });
  }
}

async function billingRun(ctx: HistoryContext): Promise<void> {
  const summary = await ctx.services.billing.run({ at: ctx.clock.now(), trigger: 'schedule' });
  ctx.stats.billing.runs++;
  ctx.stats.billing.succeeded += summary.succeeded;
  ctx.stats.billing.declined += summary.declined;
}

/** An instant in the period between 8:00 and 22:00 Mexico City time, roughly. */
function daytime(ctx: HistoryContext, start: Date, span: number): Date {
  for (;;) {
    const at = new Date(start.getTime() + Math.floor(ctx.random.next() * span));
    const hour = inMexicoCity(at).hour;
    if (hour >= 8 && hour < 22) return at;
  }
}

function pickActive(ctx: HistoryContext): SimMember | undefined {
  const active = ctx.members.filter((m) => !m.cancelled);
  return active.length > 0 ? ctx.random.pick(active) : undefined;
}

/** A member who contracted by phone or at the bank days ago, whose card pays: their charge is refundable. */
function pickRecentPayer(ctx: HistoryContext): SimMember | undefined {
  const now = ctx.clock.now().getTime();
  const recent = ctx.members.filter(
    (m) =>
      !m.cancelled &&
      !m.declining &&
      m.channel !== 'online' &&
      now - m.contractedAt.getTime() > 1.2 * DAY &&
      now - m.contractedAt.getTime() < 25 * DAY,
  );
  return recent.length > 0 ? ctx.random.pick(recent) : undefined;
}
