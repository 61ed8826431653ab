import { and, count, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { cases, chargeAttempts, charges, complaints, memberships, services } from '../../db/schema/index.ts';

/** A case's hour of request, as the instant Mexico City's wall-clock hour starts. */
const requestHour = sql<Date>`date_trunc('hour', ${cases.requestedAt} at time zone 'America/Mexico_City') at time zone 'America/Mexico_City'`;

export interface HourCount {
  hour: Date;
  serviceCode: string;
  cases: number;
}

export interface SlaCount {
  serviceCode: string;
  dispatchMeasured: number;
  dispatchWithin: number;
  arrivalMeasured: number;
  arrivalWithin: number;
}

export interface Window {
  from: Date;
  to: Date;
}

/** Set-based reads for the supervisors' reports: counts only, never a person's data. */
export class ReportsRepository {
  /** Cases requested in the window (refused requests are not cases worked), per hour and service. */
  async casesPerHour(executor: Executor, window: Window): Promise<HourCount[]> {
    return executor
      .select({
        hour: requestHour.mapWith(cases.requestedAt),
        serviceCode: cases.serviceCode,
        cases: count().mapWith(Number),
      })
      .from(cases)
      .where(
        and(
          gte(cases.requestedAt, window.from),
          lt(cases.requestedAt, window.to),
          ne(cases.state, 'refused'),
        ),
      )
      .groupBy(requestHour, cases.serviceCode)
      .orderBy(requestHour, cases.serviceCode);
  }

  /**
   * Per service, of the cases requested in the window that have targets: how many have an outcome
   * to measure (dispatched / on site, or still open and already past the target) and how many met
   * it. The same rule as a case's own `sla.breached`.
   */
  async sla(executor: Executor, window: Window, now: Date): Promise<SlaCount[]> {
    const open = sql`${cases.closedAt} is null`;
    return executor
      .select({
        serviceCode: cases.serviceCode,
        dispatchMeasured:
          sql<number>`count(*) filter (where ${cases.dispatchDueAt} is not null and (${cases.dispatchedAt} is not null or (${open} and ${cases.dispatchDueAt} < ${now})))`.mapWith(
            Number,
          ),
        dispatchWithin:
          sql<number>`count(*) filter (where ${cases.dispatchedAt} <= ${cases.dispatchDueAt})`.mapWith(
            Number,
          ),
        arrivalMeasured:
          sql<number>`count(*) filter (where ${cases.arrivalDueAt} is not null and (${cases.onSiteAt} is not null or (${open} and ${cases.arrivalDueAt} < ${now})))`.mapWith(
            Number,
          ),
        arrivalWithin:
          sql<number>`count(*) filter (where ${cases.onSiteAt} <= ${cases.arrivalDueAt})`.mapWith(Number),
      })
      .from(cases)
      .where(
        and(
          gte(cases.requestedAt, window.from),
          lt(cases.requestedAt, window.to),
          sql`(${cases.dispatchDueAt} is not null or ${cases.arrivalDueAt} is not null)`,
        ),
      )
      .groupBy(cases.serviceCode)
      .orderBy(cases.serviceCode);
  }

  /** Complaints waiting on staff now, by status, and those of them past their due date. */
  async complaintBacklog(executor: Executor, now: Date) {
    const [row] = await executor
      .select({
        open: sql<number>`count(*) filter (where ${complaints.status} = 'open')`.mapWith(Number),
        inProgress: sql<number>`count(*) filter (where ${complaints.status} = 'in_progress')`.mapWith(Number),
        escalated: sql<number>`count(*) filter (where ${complaints.status} = 'escalated')`.mapWith(Number),
        overdue: sql<number>`count(*) filter (where ${complaints.dueAt} < ${now})`.mapWith(Number),
      })
      .from(complaints)
      .where(ne(complaints.status, 'resolved'));
    return row ?? { open: 0, inProgress: 0, escalated: 0, overdue: 0 };
  }

  /** Charges with an attempt in the window, by their status now. */
  async chargesAttempted(executor: Executor, window: Window): Promise<{ status: string; charges: number }[]> {
    const attempted = executor
      .select({ one: sql`1` })
      .from(chargeAttempts)
      .where(
        and(
          eq(chargeAttempts.chargeId, charges.id),
          gte(chargeAttempts.at, window.from),
          lt(chargeAttempts.at, window.to),
        ),
      );
    return executor
      .select({ status: charges.status, charges: count().mapWith(Number) })
      .from(charges)
      .where(sql`exists (${attempted})`)
      .groupBy(charges.status);
  }

  /** Memberships not cancelled, by state, now. */
  async membershipsByState(executor: Executor): Promise<{ state: string; memberships: number }[]> {
    return executor
      .select({ state: memberships.state, memberships: count().mapWith(Number) })
      .from(memberships)
      .where(ne(memberships.state, 'cancelled'))
      .groupBy(memberships.state);
  }

  async serviceNames(executor: Executor, codes: string[]) {
    if (codes.length === 0) return [];
    return executor
      .select({ code: services.code, nameEs: services.nameEs, nameEn: services.nameEn })
      .from(services)
      .where(inArray(services.code, codes));
  }
}
