import { and, desc, eq, gte, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { auditLog } from '../../db/schema/index.ts';

export type AuditEntry = typeof auditLog.$inferSelect;
export type NewAuditEntry = typeof auditLog.$inferInsert;

export interface AuditFilter {
  actorId?: string;
  action?: string;
  recordType?: string;
  recordId?: string;
  requestId?: string;
  from?: Date;
  to?: Date;
  /** Entries older than this id (ids are time-ordered): the next page. */
  before?: string;
  limit: number;
}

export class AuditRepository {
  async insert(executor: Executor, entry: NewAuditEntry): Promise<void> {
    await executor.insert(auditLog).values(entry);
  }

  /**
   * Many entries in one statement whose text and single parameter do not grow with the batch: the
   * entries go as one JSON document, unpacked by PostgreSQL. Drizzle's multi-row insert built its
   * SQL anew for every batch, eleven parameters a row, and the read audits' batches made that the
   * largest CPU cost of an eligibility check (docs/performance.md).
   */
  async insertMany(executor: Executor, entries: NewAuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await executor.execute(sql`
      insert into audit_log (id, at, actor_type, actor_id, actor_role, action, record_type, record_id, request_id, ip, details)
      select e.id, e.at, e."actorType", e."actorId", e."actorRole", e.action, e."recordType", e."recordId",
        e."requestId", e.ip, coalesce(e.details, '{}'::jsonb)
      from jsonb_to_recordset(${JSON.stringify(entries)}::jsonb) as e(id uuid, at timestamptz, "actorType" text,
        "actorId" text, "actorRole" text, action text, "recordType" text, "recordId" text, "requestId" text,
        ip text, details jsonb)`);
  }

  async find(executor: Executor, filter: AuditFilter): Promise<AuditEntry[]> {
    const conditions: (SQL | undefined)[] = [
      filter.actorId ? eq(auditLog.actorId, filter.actorId) : undefined,
      filter.action ? eq(auditLog.action, filter.action) : undefined,
      filter.recordType ? eq(auditLog.recordType, filter.recordType) : undefined,
      filter.recordId ? eq(auditLog.recordId, filter.recordId) : undefined,
      filter.requestId ? eq(auditLog.requestId, filter.requestId) : undefined,
      filter.from ? gte(auditLog.at, filter.from) : undefined,
      filter.to ? lte(auditLog.at, filter.to) : undefined,
      filter.before ? lt(auditLog.id, filter.before) : undefined,
    ];
    return executor
      .select()
      .from(auditLog)
      .where(and(...conditions))
      .orderBy(desc(auditLog.id))
      .limit(filter.limit);
  }
}
