import type { Database, Executor } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditEntry, AuditFilter, AuditRepository, NewAuditEntry } from './repository.ts';

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

  private entryOf(actor: Actor, event: AuditEvent): NewAuditEntry {
    const principal = actor.principal;
    return {
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
    };
  }

  async record(executor: Executor, actor: Actor, event: AuditEvent): Promise<void> {
    await this.repository.insert(executor, this.entryOf(actor, event));
  }

  /** Many entries in the caller's transaction, one statement (a bank file's batch). */
  async recordMany(executor: Executor, actor: Actor, events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.repository.insertMany(
      executor,
      events.map((event) => this.entryOf(actor, event)),
    );
  }

  private pending: { entry: NewAuditEntry; settle: (error?: unknown) => void }[] = [];
  private flushing = false;

  /**
   * Records a read that writes nothing else, resolving once the entry is committed. Reads arriving
   * while a batch commits wait for the next one and go in together: one commit (one WAL flush) for
   * many reads, so auditing every read does not cost a disk flush per request. The answer to a
   * read still leaves only after its entry is stored.
   */
  recordRead(actor: Actor, event: AuditEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({
        entry: this.entryOf(actor, event),
        settle: (error) => (error ? reject(error) : resolve()),
      });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, 1000);
      try {
        await this.repository.insertMany(
          this.db,
          batch.map((b) => b.entry),
        );
        for (const b of batch) b.settle();
      } catch (error) {
        for (const b of batch) b.settle(error);
      }
    }
    this.flushing = false;
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
