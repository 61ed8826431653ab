import type { Static } from '@sinclair/typebox';
import type { ReadSource } from '../../db/read-replica.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError, type FieldError } from '../../lib/errors.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import './errors.ts';
import type { ReportsRepository, SlaCount } from './repository.ts';
import type { OperationsReport } from './schemas.ts';

type Report = Static<typeof OperationsReport>;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const MAX_WINDOW_DAYS = 31;
/** A rating this low or lower is listed with its comment for the supervisor to look into. */
const LOW_RATING = 2;
const LOW_RATINGS_SHOWN = 20;

function share(within: number, measured: number) {
  return { measured, within, share: measured === 0 ? null : within / measured };
}

/** Supervisors' reports: figures of the operation, no personal data; each read is audited. */
export class ReportsService {
  constructor(
    /** The replica when there is one (the report is heavy and may be a few seconds old). */
    private readonly reads: ReadSource,
    private readonly repository: ReportsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The window asked for: default the 24 hours up to now; at most 31 days. */
  windowOf(query: { from?: string | undefined; to?: string | undefined }): { from: Date; to: Date } {
    const to = query.to ? new Date(query.to) : this.clock.now();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - DAY_MS);
    const errors: FieldError[] = [];
    if (from.getTime() >= to.getTime())
      errors.push({ field: 'querystring/from', message: 'must be before to' });
    else if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS)
      errors.push({
        field: 'querystring/from',
        message: `must be at most ${MAX_WINDOW_DAYS} days before to`,
      });
    if (errors.length > 0) throw new AppError('REPORT_WINDOW_INVALID', { errors });
    return { from, to };
  }

  async operations(
    actor: Actor,
    query: { from?: string | undefined; to?: string | undefined },
  ): Promise<Report> {
    const window = this.windowOf(query);
    const now = this.clock.now();
    const db = await this.reads.reader();
    const [hours, sla, backlog, charged, states, rated, low] = await db.transaction(async (tx) => [
      await this.repository.casesPerHour(tx, window),
      await this.repository.sla(tx, window, now),
      await this.repository.complaintBacklog(tx, now),
      await this.repository.chargesAttempted(tx, window),
      await this.repository.membershipsByState(tx),
      await this.repository.ratingsByProvider(tx, window),
      await this.repository.lowRatings(tx, window, LOW_RATING, LOW_RATINGS_SHOWN),
    ]);
    const providers = await this.repository.providerNames(
      db,
      rated.map((r) => r.providerId),
    );
    const codes = [...new Set([...hours.map((h) => h.serviceCode), ...sla.map((s) => s.serviceCode)])].sort();
    const names = await this.repository.serviceNames(db, codes);
    await this.audit.recordRead(actor, {
      action: 'report.read',
      recordType: 'report',
      recordId: null,
      details: { report: 'operations', from: window.from.toISOString(), to: window.to.toISOString() },
    });

    const byStatus = Object.fromEntries(charged.map((c) => [c.status, c.charges]));
    const succeeded = byStatus.succeeded ?? 0;
    const failed = byStatus.failed ?? 0;
    const unknown = (byStatus.unknown ?? 0) + (byStatus.pending ?? 0);
    const attempted = succeeded + failed + unknown;
    const byState = Object.fromEntries(states.map((s) => [s.state, s.memberships]));
    const sum = (pick: (s: SlaCount) => number) => sla.reduce((total, s) => total + pick(s), 0);

    return {
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      generatedAt: now.toISOString(),
      services: codes.map((code) => {
        const n = names.find((row) => row.code === code);
        return { code, name: { es: n?.nameEs ?? code, en: n?.nameEn ?? code } };
      }),
      casesPerHour: {
        total: hours.reduce((total, h) => total + h.cases, 0),
        hours: denseHours(window, hours),
      },
      sla: {
        dispatched: share(
          sum((s) => s.dispatchWithin),
          sum((s) => s.dispatchMeasured),
        ),
        arrived: share(
          sum((s) => s.arrivalWithin),
          sum((s) => s.arrivalMeasured),
        ),
        byService: sla.map((s) => ({
          serviceCode: s.serviceCode,
          dispatched: share(s.dispatchWithin, s.dispatchMeasured),
          arrived: share(s.arrivalWithin, s.arrivalMeasured),
        })),
      },
      complaints: backlog,
      charges: {
        attempted,
        succeeded,
        failed,
        unknown,
        successRate: attempted === 0 ? null : succeeded / attempted,
      },
      ratings: ratingsOf(rated, low, providers),
      memberships: {
        total: states.reduce((total, s) => total + s.memberships, 0),
        trial: byState.trial ?? 0,
        active: byState.active ?? 0,
        past_due: byState.past_due ?? 0,
        suspended: byState.suspended ?? 0,
      },
    };
  }
}

/**
 * Every hour of the window, zeros included, so a chart's axis is time. Mexico City keeps one
 * offset all year (no daylight saving since 2022), so its hours start on UTC hours.
 */
function denseHours(
  window: { from: Date; to: Date },
  rows: { hour: Date; serviceCode: string; cases: number }[],
) {
  const start = Math.floor(window.from.getTime() / HOUR_MS) * HOUR_MS;
  const out: { start: string; total: number; byService: Record<string, number> }[] = [];
  const index = new Map<number, (typeof out)[number]>();
  for (let at = start; at < window.to.getTime(); at += HOUR_MS) {
    const hour = { start: new Date(at).toISOString(), total: 0, byService: {} };
    out.push(hour);
    index.set(at, hour);
  }
  for (const row of rows) {
    const hour = index.get(row.hour.getTime());
    if (!hour) continue;
    hour.byService[row.serviceCode] = (hour.byService[row.serviceCode] ?? 0) + row.cases;
    hour.total += row.cases;
  }
  return out;
}

/** Averages per provider (best first; two decimals) and the low ratings, named. */
function ratingsOf(
  rated: { providerId: string; count: number; sum: number }[],
  low: {
    caseId: string;
    caseNumber: string;
    providerId: string;
    score: number;
    comment: string | null;
    ratedAt: Date;
  }[],
  names: Map<string, string>,
): Report['ratings'] {
  const round = (n: number) => Math.round(n * 100) / 100;
  const count = rated.reduce((n, r) => n + r.count, 0);
  const sum = rated.reduce((n, r) => n + r.sum, 0);
  return {
    count,
    average: count === 0 ? null : round(sum / count),
    byProvider: rated
      .map((r) => ({
        providerId: r.providerId,
        name: names.get(r.providerId) ?? '—',
        count: r.count,
        average: round(r.sum / r.count),
      }))
      .sort((a, b) => b.average - a.average || b.count - a.count || a.name.localeCompare(b.name)),
    low: low.map((l) => ({
      ...l,
      providerName: names.get(l.providerId) ?? '—',
      ratedAt: l.ratedAt.toISOString(),
    })),
  };
}
