import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
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

  async insertMany(executor: Executor, entries: NewAuditEntry[]): Promise<void> {
    if (entries.length > 0) await executor.insert(auditLog).values(entries);
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
