import { Gauge, Histogram, type Registry } from 'prom-client';
import type { DatabaseHandle } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { queueDepths } from '../../platform/jobs.ts';
import { registerScrapedFamilies, type Sample, type ScrapedFamily } from '../../platform/metrics.ts';
import { billingBacklog, chargeOutcomesSince, latestBillingRuns } from '../billing/read-model.ts';
import type { RunFinishedListener } from '../billing/service.ts';
import { OPEN_CASE_STATES, openCasesByState, overdueOpenCases } from '../cases/read-model.ts';
import { overdueComplaints } from '../complaints/read-model.ts';
import { offersSince } from '../dispatch/read-model.ts';
import { messagesByStatus } from '../notifications/read-model.ts';

/**
 * The operation's figures an operator alerts on, in /metrics (docs/operations.md lists them with
 * suggested thresholds). Gauges are read from the database at scrape time through each domain's
 * read model, one indexed statement per family, so every process reports the same truth and a
 * restart loses nothing. Only what the database cannot say is counted in the process: how long
 * each billing run took, and the live streams it holds open.
 */

/** The window of the "last day" families: long enough for the daily run, short enough to read fast. */
const DAY_MS = 24 * 60 * 60 * 1000;
/** Billing runs looked at for the latest of each status: a week and a day, so a weekly gap shows. */
const RUNS_LOOKBACK_MS = 8 * DAY_MS;

const CHARGE_STATUSES = ['pending', 'succeeded', 'failed', 'unknown', 'collecting'];
const OFFER_STATUSES = ['pending', 'accepted', 'declined', 'expired', 'withdrawn'];
const OVERDUE_COMPLAINT_STATUSES = ['open', 'in_progress', 'escalated'];
const MESSAGE_STATUSES = ['pending', 'sent', 'failed', 'unconfigured', 'cancelled'];

/**
 * One sample per known label value, zero where the database has none: an alert's ratio
 * (failed / all) has both series from the first scrape.
 */
function byLabel(label: string, known: readonly string[], found: { key: string; value: number }[]): Sample[] {
  const values = new Map<string, number>(known.map((k) => [k, 0]));
  for (const { key, value } of found) values.set(key, value);
  return [...values].map(([key, value]) => ({ labels: { [label]: key }, value }));
}

export interface OperationsMetricsDependencies {
  database: DatabaseHandle;
  clock: Clock;
  /** The job queues registered in this build (a queue with nothing waiting reports 0). */
  queues: () => string[];
  /** Live streams this process holds open. */
  streams: () => { case: number; board: number };
  /** Hears of every billing run this process ends. */
  onBillingRunFinished: (listener: RunFinishedListener) => void;
  /** Where a family that cannot be read is reported. */
  onError: (family: string, error: unknown) => void;
}

function families({ clock, queues }: OperationsMetricsDependencies): ScrapedFamily[] {
  const dayAgo = () => new Date(clock.now().getTime() - DAY_MS);
  return [
    {
      name: 'libra_charges',
      help: 'Charges with an attempt in the last 24 hours, by their outcome now (pending, succeeded, failed, unknown).',
      labelNames: ['outcome'],
      read: async (db) =>
        byLabel(
          'outcome',
          CHARGE_STATUSES,
          (await chargeOutcomesSince(db, dayAgo())).map((r) => ({ key: r.status, value: r.charges })),
        ),
    },
    {
      name: 'libra_billing_backlog',
      help: 'What billing has yet to do now: periods due and not charged (due), declines whose retry day has come (retry), charges without an answer (unanswered).',
      labelNames: ['kind'],
      read: async (db) => {
        const backlog = await billingBacklog(db, clock.now());
        return Object.entries(backlog).map(([kind, value]) => ({ labels: { kind }, value }));
      },
    },
    {
      name: 'libra_billing_run_last_start_timestamp_seconds',
      help: 'When the latest billing run of each status (running, completed, failed, interrupted) started, among those of the last 8 days (Unix seconds).',
      labelNames: ['status'],
      read: async (db) =>
        (await latestBillingRuns(db, new Date(clock.now().getTime() - RUNS_LOOKBACK_MS))).map((r) => ({
          labels: { status: r.status },
          value: r.startedAt.getTime() / 1000,
        })),
    },
    {
      name: 'libra_offers',
      help: 'Dispatch offers made to providers in the last 24 hours, by their status now; their sum is the offers sent.',
      labelNames: ['status'],
      read: async (db) =>
        byLabel(
          'status',
          OFFER_STATUSES,
          (await offersSince(db, dayAgo())).map((r) => ({ key: r.status, value: r.offers })),
        ),
    },
    {
      name: 'libra_cases',
      help: 'Open cases (something is still to happen to them), by state.',
      labelNames: ['state'],
      read: async (db) =>
        byLabel(
          'state',
          OPEN_CASE_STATES,
          (await openCasesByState(db)).map((r) => ({ key: r.state, value: r.cases })),
        ),
    },
    {
      name: 'libra_cases_overdue',
      help: 'Open cases past their SLA target now: not dispatched in time (dispatch), provider not on site in time (arrival).',
      labelNames: ['target'],
      read: async (db) => {
        const overdue = await overdueOpenCases(db, clock.now());
        return Object.entries(overdue).map(([target, value]) => ({ labels: { target }, value }));
      },
    },
    {
      name: 'libra_complaints_overdue',
      help: 'Complaints not resolved and past their due date, by status.',
      labelNames: ['status'],
      read: async (db) =>
        byLabel(
          'status',
          OVERDUE_COMPLAINT_STATUSES,
          (await overdueComplaints(db, clock.now())).map((r) => ({ key: r.status, value: r.complaints })),
        ),
    },
    {
      name: 'libra_messages',
      help: 'Messages to people due in the last 24 hours by status (sent, failed, unconfigured, cancelled); pending counts every message due and not yet delivered, however old.',
      labelNames: ['status'],
      read: async (db) =>
        byLabel(
          'status',
          MESSAGE_STATUSES,
          (await messagesByStatus(db, dayAgo(), clock.now())).map((r) => ({
            key: r.status,
            value: r.messages,
          })),
        ),
    },
    {
      name: 'libra_job_queue_depth',
      help: 'Background jobs waiting per queue: ready to run now (ready) and scheduled for later (scheduled).',
      labelNames: ['queue', 'when'],
      read: async (db) => {
        const depths = new Map(queues().map((q) => [q, { ready: 0, scheduled: 0 }]));
        for (const row of await queueDepths(db)) depths.set(row.queue, row);
        return [...depths].flatMap(([queue, { ready, scheduled }]) => [
          { labels: { queue, when: 'ready' }, value: ready },
          { labels: { queue, when: 'scheduled' }, value: scheduled },
        ]);
      },
    },
  ];
}

export function registerOperationsMetrics(registry: Registry, deps: OperationsMetricsDependencies): void {
  registerScrapedFamilies(registry, deps.database, families(deps), deps.onError);

  const runs = new Histogram({
    name: 'libra_billing_run_duration_seconds',
    help: 'How long each billing run this process ended took, by how it ended (completed, failed) and what started it.',
    labelNames: ['status', 'trigger'] as const,
    buckets: [1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 14400],
    registers: [registry],
  });
  deps.onBillingRunFinished((run) =>
    runs.observe({ status: run.status, trigger: run.trigger }, run.durationMs / 1000),
  );

  new Gauge({
    name: 'libra_sse_streams',
    help: "Live streams (Server-Sent Events) this process holds open: a case's timeline (case), the case board (board).",
    labelNames: ['stream'] as const,
    registers: [registry],
    collect() {
      const open = deps.streams();
      this.set({ stream: 'case' }, open.case);
      this.set({ stream: 'board' }, open.board);
    },
  });
}
