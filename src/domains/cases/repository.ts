import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/client.ts';
import { caseEvents, cases, slaTargets } from '../../db/schema/index.ts';
import {
  membershipFacts,
  membershipIdsOfTitular,
  type PersonGrant,
  personGrantOf,
} from '../members/read-model.ts';
import type { CaseState } from './lifecycle.ts';

export type CaseRow = typeof cases.$inferSelect;
export type CaseEventRow = typeof caseEvents.$inferSelect;
export type SlaTargetRow = typeof slaTargets.$inferSelect;

/** Notifications on this channel carry `<case id>:<seq>` for every event appended. */
export const CASE_EVENTS_CHANNEL = 'case_events';

export interface CaseFilter {
  states?: CaseState[] | undefined;
  /** Only cases of this kind (dispatch, appointment, remote, reimbursement). */
  fulfilment?: string | undefined;

  membershipIds?: string[] | undefined;
  /** Only cases of memberships whose titular is this user (a customer's own). */
  titularUserId?: string | undefined;
  /** Only this person's cases (a beneficiary's own account). */
  personId?: string | undefined;
  /** Open cases past their dispatch or arrival target at `now`. */
  overdueAt?: Date | undefined;
  limit: number;
}

export class CasesRepository {
  async insert(executor: Executor, row: typeof cases.$inferInsert): Promise<void> {
    await executor.insert(cases).values(row);
  }

  async byId(executor: Executor, id: string, forUpdate = false): Promise<CaseRow | undefined> {
    const query = executor.select().from(cases).where(eq(cases.id, id));
    const [row] = forUpdate ? await query.for('update') : await query;
    return row;
  }

  async byIds(executor: Executor, ids: string[]): Promise<CaseRow[]> {
    if (ids.length === 0) return [];
    return executor
      .select()
      .from(cases)
      .where(inArray(cases.id, [...new Set(ids)]));
  }

  async titularUserOf(executor: Executor, membershipId: string): Promise<string | null> {
    return (await membershipFacts(executor, membershipId, false))?.titularUserId ?? null;
  }

  /** The person a beneficiary's own account stands for, or null. */
  async personGrantOf(executor: Executor, userId: string): Promise<PersonGrant | null> {
    return personGrantOf(executor, userId);
  }

  async update(executor: Executor, id: string, changes: Partial<typeof cases.$inferInsert>): Promise<void> {
    await executor.update(cases).set(changes).where(eq(cases.id, id));
  }

  /**
   * Appends the next event of the case's timeline and announces it (delivered at commit), so every
   * process's live subscribers hear of it. The caller holds the case's row lock. Answers the event
   * with the state the timeline's previous event left the case in (null: this is the first).
   */
  async appendEvent(
    executor: Executor,
    event: Omit<typeof caseEvents.$inferInsert, 'seq'>,
  ): Promise<CaseEventRow & { previousState: string | null }> {
    // The previous event is read in the statement that numbers this one: no round trip of its own.
    const [next] = await rows<{ seq: number; previousState: string | null }>(
      executor,
      sql`update cases set last_seq = last_seq + 1 where id = ${event.caseId}
          returning last_seq as seq,
            (select e.state from case_events e where e.case_id = cases.id and e.seq = cases.last_seq - 1)
              as "previousState"`,
    );
    if (!next) throw new Error(`case ${event.caseId} vanished`);
    const row = { ...event, seq: next.seq };
    await executor.insert(caseEvents).values(row);
    await executor.execute(sql`select pg_notify(${CASE_EVENTS_CHANNEL}, ${`${event.caseId}:${next.seq}`})`);
    return { ...(row as CaseEventRow), previousState: next.previousState };
  }

  async events(executor: Executor, caseId: string, afterSeq = 0): Promise<CaseEventRow[]> {
    return executor
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, caseId), gt(caseEvents.seq, afterSeq)))
      .orderBy(asc(caseEvents.seq));
  }

  /** How many cases in these states each provider holds, by provider id. */
  async countByProvider(
    executor: Executor,
    providerIds: string[],
    states: readonly CaseState[],
  ): Promise<Map<string, number>> {
    if (providerIds.length === 0) return new Map();
    const found = await executor
      .select({ providerId: cases.providerId, n: sql<number>`count(*)::int` })
      .from(cases)
      .where(and(inArray(cases.providerId, providerIds), inArray(cases.state, [...states])))
      .groupBy(cases.providerId);
    return new Map(found.map((r) => [r.providerId as string, Number(r.n)]));
  }

  async list(executor: Executor, filter: CaseFilter): Promise<CaseRow[]> {
    const conditions = this.conditionsOf(executor, filter);
    if (!conditions) return [];
    return executor
      .select()
      .from(cases)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(cases.requestedAt))
      .limit(filter.limit);
  }

  /**
   * A page of the filtered cases for an export, newest first by id (time-ordered), after the keyset
   * `afterId` (exclusive), requested within the Mexico City days given.
   */
  async exportPage(
    executor: Executor,
    filter: CaseFilter & { requestedFrom?: Date | undefined; requestedBefore?: Date | undefined },
    afterId: string | undefined,
  ): Promise<CaseRow[]> {
    const conditions = this.conditionsOf(executor, filter);
    if (!conditions) return [];
    if (filter.requestedFrom) conditions.push(gte(cases.requestedAt, filter.requestedFrom));
    if (filter.requestedBefore) conditions.push(lt(cases.requestedAt, filter.requestedBefore));
    if (afterId) conditions.push(lt(cases.id, afterId));
    return executor
      .select()
      .from(cases)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(cases.id))
      .limit(filter.limit);
  }

  /** The filter's conditions; null when it can match nothing. */
  private conditionsOf(executor: Executor, filter: CaseFilter): SQL[] | null {
    const conditions: SQL[] = [];
    if (filter.states?.length) conditions.push(inArray(cases.state, filter.states));
    if (filter.fulfilment) conditions.push(eq(cases.fulfilment, filter.fulfilment));

    if (filter.membershipIds) {
      if (filter.membershipIds.length === 0) return null;
      conditions.push(inArray(cases.membershipId, filter.membershipIds));
    }
    if (filter.titularUserId)
      conditions.push(inArray(cases.membershipId, membershipIdsOfTitular(executor, filter.titularUserId)));
    if (filter.personId) conditions.push(eq(cases.personId, filter.personId));
    if (filter.overdueAt) {
      const now = filter.overdueAt;
      conditions.push(
        inArray(cases.state, ['requested', 'awaiting_excess_acceptance', 'dispatched', 'en_route']),
        or(
          and(isNull(cases.dispatchedAt), lt(cases.dispatchDueAt, now)),
          and(isNull(cases.onSiteAt), lt(cases.arrivalDueAt, now)),
        ) as SQL,
      );
    }
    return conditions;
  }

  /** Requests of these services still waiting to be taken (a queue), oldest first. */
  async waiting(executor: Executor, fulfilment: string, serviceCodes: string[]): Promise<CaseRow[]> {
    if (serviceCodes.length === 0) return [];
    return executor
      .select()
      .from(cases)
      .where(
        and(
          eq(cases.fulfilment, fulfilment),
          eq(cases.state, 'requested'),
          inArray(cases.serviceCode, serviceCodes),
        ),
      )
      .orderBy(asc(cases.requestedAt));
  }

  /** The provider's jobs: cases assigned to it that are not closed. */
  async jobsOfProvider(
    executor: Executor,
    providerId: string,
    states: readonly CaseState[],
  ): Promise<CaseRow[]> {
    return executor
      .select()
      .from(cases)
      .where(and(eq(cases.providerId, providerId), inArray(cases.state, [...states])))
      .orderBy(asc(cases.requestedAt));
  }

  async slaTarget(executor: Executor, serviceCode: string): Promise<SlaTargetRow | undefined> {
    const [row] = await executor.select().from(slaTargets).where(eq(slaTargets.serviceCode, serviceCode));
    return row;
  }

  async slaTargets(executor: Executor): Promise<SlaTargetRow[]> {
    return executor.select().from(slaTargets).orderBy(asc(slaTargets.serviceCode));
  }

  async upsertSlaTarget(executor: Executor, row: SlaTargetRow): Promise<void> {
    await executor
      .insert(slaTargets)
      .values(row)
      .onConflictDoUpdate({
        target: slaTargets.serviceCode,
        set: {
          dispatchMinutes: row.dispatchMinutes,
          arrivalMinutes: row.arrivalMinutes,
          updatedAt: row.updatedAt,
        },
      });
  }
}
