import { and, asc, desc, eq, gte, inArray, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/client.ts';
import { complaintEvents, complaints } from '../../db/schema/index.ts';
import { membershipOfCharge } from '../billing/read-model.ts';
import { caseNumbers, caseSubject, membershipOfCase } from '../cases/read-model.ts';
import { userEmailOf } from '../identity/read-model.ts';
import {
  membershipIdsOfTitular,
  membershipSummaries,
  type PersonGrant,
  personGrantOf,
} from '../members/read-model.ts';

export type { NotificationRow } from '../notifications/repository.ts';

export type ComplaintRow = typeof complaints.$inferSelect;
export type ComplaintEventRow = typeof complaintEvents.$inferSelect;

/** A complaint with what its views show of the membership and case it concerns. */
export interface ComplaintRecord {
  complaint: ComplaintRow;
  membershipNumber: string;
  titularUserId: string | null;
  caseNumber: string | null;
}

export interface ComplaintFilter {
  statuses?: string[] | undefined;
  categories?: string[] | undefined;
  membershipId?: string | undefined;
  ownerId?: string | undefined;
  /** Only the complaints of memberships whose titular is this user (a customer's own). */
  titularUserId?: string | undefined;
  /** Only the complaints this account filed (a beneficiary's own). */
  filedById?: string | undefined;
  /** Overdue (true) or not (false) at `now`: not resolved and past the due date. */
  overdue?: { now: Date; value: boolean } | undefined;
  /** Paging, newest first: complaints older than this id. */
  before?: string | undefined;
  limit: number;
}

/** The subject key of a complaint's notifications: `complaint:<id>:<what>`, one of each. */
export function complaintSubjectKey(complaintId: string, what: string): string {
  return `complaint:${complaintId}:${what}`;
}

/**
 * Complaints with their membership's number and titular and their case's number, asked of the
 * members' and cases' read models for the whole page at once (two reads, whatever its size).
 */
async function withSubjects(executor: Executor, found: ComplaintRow[]): Promise<ComplaintRecord[]> {
  if (found.length === 0) return [];
  const memberships = await membershipSummaries(
    executor,
    found.map((c) => c.membershipId),
  );
  const caseIds = found.flatMap((c) => (c.caseId ? [c.caseId] : []));
  const numbers = await caseNumbers(executor, caseIds);
  return found.flatMap((complaint) => {
    const membership = memberships.get(complaint.membershipId);
    // The foreign key makes a complaint's membership always there; the join this replaced was inner.
    if (!membership) return [];
    return [
      {
        complaint,
        membershipNumber: membership.number,
        titularUserId: membership.titularUserId,
        caseNumber: complaint.caseId ? (numbers.get(complaint.caseId) ?? null) : null,
      },
    ];
  });
}

export class ComplaintsRepository {
  async insert(executor: Executor, row: ComplaintRow): Promise<void> {
    await executor.insert(complaints).values(row);
  }

  async byId(executor: Executor, id: string, forUpdate = false): Promise<ComplaintRecord | undefined> {
    const query = executor.select().from(complaints).where(eq(complaints.id, id));
    const found = forUpdate ? await query.for('update') : await query;
    const [record] = await withSubjects(executor, found);
    return record;
  }

  async update(executor: Executor, id: string, changes: Partial<ComplaintRow>): Promise<void> {
    await executor.update(complaints).set(changes).where(eq(complaints.id, id));
  }

  /** Appends to the timeline with the complaint's next sequence number. */
  async appendEvent(executor: Executor, event: Omit<ComplaintEventRow, 'seq'>): Promise<ComplaintEventRow> {
    const [next] = await executor
      .update(complaints)
      .set({ lastSeq: sql`${complaints.lastSeq} + 1` })
      .where(eq(complaints.id, event.complaintId))
      .returning({ seq: complaints.lastSeq });
    if (!next) throw new Error(`complaint ${event.complaintId} vanished`);
    const row = { ...event, seq: next.seq };
    await executor.insert(complaintEvents).values(row);
    return row;
  }

  async events(executor: Executor, complaintId: string): Promise<ComplaintEventRow[]> {
    return executor
      .select()
      .from(complaintEvents)
      .where(eq(complaintEvents.complaintId, complaintId))
      .orderBy(asc(complaintEvents.seq));
  }

  async list(executor: Executor, filter: ComplaintFilter): Promise<ComplaintRecord[]> {
    const conditions: SQL[] = [];
    if (filter.statuses?.length) conditions.push(inArray(complaints.status, filter.statuses));
    if (filter.categories?.length) conditions.push(inArray(complaints.category, filter.categories));
    if (filter.membershipId) conditions.push(eq(complaints.membershipId, filter.membershipId));
    if (filter.ownerId) conditions.push(eq(complaints.ownerId, filter.ownerId));
    if (filter.filedById) conditions.push(eq(complaints.filedById, filter.filedById));
    if (filter.titularUserId)
      conditions.push(
        inArray(complaints.membershipId, membershipIdsOfTitular(executor, filter.titularUserId)),
      );
    if (filter.before) conditions.push(lt(complaints.id, filter.before));
    if (filter.overdue) {
      const { now, value } = filter.overdue;
      const overdue = and(ne(complaints.status, 'resolved'), lt(complaints.dueAt, now)) as SQL;
      conditions.push(
        value ? overdue : (or(eq(complaints.status, 'resolved'), gte(complaints.dueAt, now)) as SQL),
      );
    }
    const found = await executor
      .select()
      .from(complaints)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(complaints.id))
      .limit(filter.limit);
    return withSubjects(executor, found);
  }

  /** The membership a case belongs to, if the case exists (the cases domain's read model). */
  async membershipOfCase(executor: Executor, caseId: string): Promise<string | undefined> {
    return membershipOfCase(executor, caseId);
  }

  /** Whose case it is: its membership and person (the cases domain's read model). */
  async caseSubject(executor: Executor, caseId: string) {
    return caseSubject(executor, caseId);
  }

  /** The person a beneficiary's own account stands for, or null (members' read model). */
  async personGrantOf(executor: Executor, userId: string): Promise<PersonGrant | null> {
    return personGrantOf(executor, userId);
  }

  /** Where an account's own messages go: its sign-in email (identity's read model). */
  async userEmailOf(executor: Executor, userId: string): Promise<string | undefined> {
    return userEmailOf(executor, userId);
  }

  /** The membership a charge belongs to, if the charge exists (billing's read model). */
  async membershipOfCharge(executor: Executor, chargeId: string): Promise<string | undefined> {
    return membershipOfCharge(executor, chargeId);
  }

  /**
   * Escalates, in one statement, up to `limit` complaints still waiting on staff (open or in
   * progress) whose due date is at or before `now`: status escalated, owner cleared, and an
   * `escalated` event by the system on each timeline. Rows another transaction holds are skipped
   * (the next sweep takes them). Returns how many were escalated.
   */
  async escalateOverdue(executor: Executor, now: Date, limit: number): Promise<number> {
    const [row] = await rows<{ n: number }>(
      executor,
      sql`
      with due as (
        select id, status from complaints
        where status in ('open', 'in_progress') and due_at <= ${now}
        order by due_at
        limit ${limit}
        for update skip locked
      ),
      moved as (
        update complaints c
        set status = 'escalated', owner_id = null, owner_name = null, escalated_at = ${now},
            updated_at = ${now}, last_seq = c.last_seq + 1
        from due
        where c.id = due.id
        returning c.id, c.last_seq, due.status as from_status
      ),
      logged as (
        insert into complaint_events (complaint_id, seq, type, from_status, to_status, actor_type, actor_id,
          actor_name, note, at)
        select id, last_seq, 'escalated', from_status, 'escalated', 'system', null, 'Libra', null, ${now}
        from moved
        returning complaint_id
      )
      select count(*)::int as n from logged`,
    );
    return row?.n ?? 0;
  }
}
