import { and, count, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/client.ts';
import { cases } from '../../db/schema/index.ts';
import { CASE_STATES, isClosed } from './lifecycle.ts';

/**
 * What other domains may read of cases and their timelines, named by the cases domain (the
 * tables' owner). Other repositories call these with their own executor (inside their own
 * transaction) instead of selecting from `cases` or `case_events`.
 */

/** The membership a case belongs to, if the case exists. */
export async function membershipOfCase(executor: Executor, caseId: string): Promise<string | undefined> {
  const [row] = await executor
    .select({ membershipId: cases.membershipId })
    .from(cases)
    .where(eq(cases.id, caseId));
  return row?.membershipId;
}

/** Whose case it is: its membership and the person it is for (`titular` or a beneficiary id). */
export async function caseSubject(
  executor: Executor,
  caseId: string,
): Promise<{ membershipId: string; personId: string } | undefined> {
  const [row] = await executor
    .select({ membershipId: cases.membershipId, personId: cases.personId })
    .from(cases)
    .where(eq(cases.id, caseId));
  return row;
}

/** Case numbers by id, for presenting records that concern cases. */
export async function caseNumbers(executor: Executor, caseIds: string[]): Promise<Map<string, string>> {
  if (caseIds.length === 0) return new Map();
  const found = await executor
    .select({ id: cases.id, number: cases.number })
    .from(cases)
    .where(inArray(cases.id, [...new Set(caseIds)]));
  return new Map(found.map((r) => [r.id, r.number]));
}

/** Whether any case of the membership has one of these events on its timeline. */
export async function anyCaseEventOfMembership(
  executor: Executor,
  membershipId: string,
  eventTypes: readonly string[],
): Promise<boolean> {
  if (eventTypes.length === 0) return false;
  const found = await rows(
    executor,
    sql`select 1 from cases c join case_events e on e.case_id = c.id
        where c.membership_id = ${membershipId}
          and e.type in (${sql.join(
            eventTypes.map((t) => sql`${t}`),
            sql`, `,
          )})
        limit 1`,
  );
  return found.length > 0;
}

/** A case's hour of request, as the instant Mexico City's wall-clock hour starts. */
const requestHour = sql<Date>`date_trunc('hour', ${cases.requestedAt} at time zone 'America/Mexico_City') at time zone 'America/Mexico_City'`;

/** Cases requested in the window (refused requests are not cases worked), per hour and service. */
export async function casesPerHour(
  executor: Executor,
  window: { from: Date; to: Date },
): Promise<{ hour: Date; serviceCode: string; cases: number }[]> {
  return executor
    .select({
      hour: requestHour.mapWith(cases.requestedAt),
      serviceCode: cases.serviceCode,
      cases: count().mapWith(Number),
    })
    .from(cases)
    .where(
      and(gte(cases.requestedAt, window.from), lt(cases.requestedAt, window.to), ne(cases.state, 'refused')),
    )
    .groupBy(requestHour, cases.serviceCode)
    .orderBy(requestHour, cases.serviceCode);
}

/**
 * Per service, of the cases requested in the window that have targets: how many have an outcome
 * to measure (dispatched / on site, or still open and already past the target) and how many met
 * it. The same rule as a case's own `sla.breached`.
 */
export async function slaCounts(
  executor: Executor,
  window: { from: Date; to: Date },
  now: Date,
): Promise<
  {
    serviceCode: string;
    dispatchMeasured: number;
    dispatchWithin: number;
    arrivalMeasured: number;
    arrivalWithin: number;
  }[]
> {
  const open = sql`${cases.closedAt} is null`;
  return executor
    .select({
      serviceCode: cases.serviceCode,
      dispatchMeasured:
        sql<number>`count(*) filter (where ${cases.dispatchDueAt} is not null and (${cases.dispatchedAt} is not null or (${open} and ${cases.dispatchDueAt} < ${now})))`.mapWith(
          Number,
        ),
      dispatchWithin:
        sql<number>`count(*) filter (where ${cases.dispatchedAt} <= ${cases.dispatchDueAt})`.mapWith(Number),
      arrivalMeasured:
        sql<number>`count(*) filter (where ${cases.arrivalDueAt} is not null and (${cases.onSiteAt} is not null or (${open} and ${cases.arrivalDueAt} < ${now})))`.mapWith(
          Number,
        ),
      arrivalWithin: sql<number>`count(*) filter (where ${cases.onSiteAt} <= ${cases.arrivalDueAt})`.mapWith(
        Number,
      ),
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

/** Ratings given in the window, per provider: how many and their sum (the average is sum / count). */
export async function ratingsByProvider(
  executor: Executor,
  window: { from: Date; to: Date },
): Promise<{ providerId: string; count: number; sum: number }[]> {
  return rows<{ providerId: string; count: number; sum: number }>(
    executor,
    sql`select provider_id as "providerId", count(*)::int as count, sum(rating_score)::int as sum
        from cases
        where rated_at >= ${window.from} and rated_at < ${window.to} and provider_id is not null
        group by provider_id`,
  );
}

/** The lowest ratings given in the window (score ≤ `atMost`), newest first: what to look into. */
export async function lowRatings(
  executor: Executor,
  window: { from: Date; to: Date },
  atMost: number,
  limit: number,
): Promise<
  {
    caseId: string;
    caseNumber: string;
    providerId: string;
    score: number;
    comment: string | null;
    ratedAt: Date;
  }[]
> {
  return rows(
    executor,
    sql`select id as "caseId", number as "caseNumber", provider_id as "providerId", rating_score as score,
          rating_comment as comment, rated_at as "ratedAt"
        from cases
        where rated_at >= ${window.from} and rated_at < ${window.to} and provider_id is not null
          and rating_score <= ${atMost}
        order by rated_at desc, id
        limit ${limit}`,
  );
}

/** States in which something is still to happen to a case. */
export const OPEN_CASE_STATES = CASE_STATES.filter((state) => !isClosed(state));

/**
 * Cases still open, by state (operator metrics). Both conditions on purpose: the first is the
 * open-cases partial index's own predicate, so the count reads that index and nothing of the
 * year's closed cases.
 */
export async function openCasesByState(executor: Executor): Promise<{ state: string; cases: number }[]> {
  return rows<{ state: string; cases: number }>(
    executor,
    sql`select state, count(*)::int as cases from cases
        where state not in ('completed','cancelled','refused')
          and state in (${sql.join(
            OPEN_CASE_STATES.map((s) => sql`${s}`),
            sql`, `,
          )})
        group by state`,
  );
}

/**
 * Open cases past their SLA at `now`, per target: not dispatched by the dispatch target, and not
 * on site by the arrival target (the same rule as a case's own `sla.breached`), over the
 * open-cases index.
 */
export async function overdueOpenCases(
  executor: Executor,
  now: Date,
): Promise<{ dispatch: number; arrival: number }> {
  const [row] = await rows<{ dispatch: number; arrival: number }>(
    executor,
    sql`select
          (count(*) filter (where dispatched_at is null and dispatch_due_at < ${now}))::int as dispatch,
          (count(*) filter (where on_site_at is null and arrival_due_at < ${now}))::int as arrival
        from cases
        where state not in ('completed','cancelled','refused') and closed_at is null
          and (dispatch_due_at < ${now} or arrival_due_at < ${now})`,
  );
  return row ?? { dispatch: 0, arrival: 0 };
}
