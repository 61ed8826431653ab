import type { Database, Executor } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import type { Actor } from '../identity/principal.ts';
import type { AuditEntry, AuditFilter, AuditRepository } from './repository.ts';

export interface AuditEvent {
  action: string;
  recordType: string;
  recordId?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Writes the audit trail. Services call `record` inside their own transaction, so a change and its
 * audit entry commit or fail together.
 */
export class AuditService {
  constructor(
    private readonly db: Database,
    private readonly repository: AuditRepository,
    private readonly clock: Clock,
  ) {}

  async record(executor: Executor, actor: Actor, event: AuditEvent): Promise<void> {
    const principal = actor.principal;
    await this.repository.insert(executor, {
      id: newId(),
      at: this.clock.now(),
      actorType: principal ? principal.kind : 'system',
      actorId: principal ? (principal.kind === 'user' ? principal.userId : principal.apiKeyId) : null,
      actorRole: principal?.role ?? null,
      action: event.action,
      recordType: event.recordType,
      recordId: event.recordId ?? null,
      requestId: actor.requestId,
      ip: actor.ip,
      details: event.details ?? {},
    });
  }

  /** Reading the audit log is itself a staff read of personal data, and is audited. */
  async search(actor: Actor, filter: AuditFilter): Promise<AuditEntry[]> {
    return this.db.transaction(async (tx) => {
      const entries = await this.repository.find(tx, filter);
      await this.record(tx, actor, {
        action: 'audit.read',
        recordType: 'audit_log',
        details: { filter: { ...filter, from: filter.from?.toISOString(), to: filter.to?.toISOString() } },
      });
      return entries;
    });
  }
}
