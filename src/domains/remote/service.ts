import type { Database, Transaction } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Actor, UserRole } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { CaseKernel } from '../cases/kernel.ts';
import type { CaseRow } from '../cases/repository.ts';
import type { CaseView } from '../cases/views.ts';
import { serviceCodesInCategories } from '../catalog/read-model.ts';
import type { CatalogRepository } from '../catalog/repository.ts';
import { titularPhones } from '../members/read-model.ts';
import './errors.ts';
import type { CaseNoteRow, RemoteRepository } from './repository.ts';

/** Which service categories each professional attends (new services follow their category). */
const CATEGORIES_OF: Partial<Record<UserRole, string[]>> = {
  doctor: ['medical'],
  medical_supervisor: ['medical'],
  lawyer: ['legal'],
  supervisor: ['medical', 'legal', 'financial', 'home', 'roadside'],
};

export interface QueueItem {
  id: string;
  number: string;
  serviceCode: string;
  personName: string;
  description: string;
  callbackPhone: string;
  requestedAt: string;
  dueAt: string | null;
  overdue: boolean;
}

/**
 * Remote consultations (online doctor, lawyer): a request waits in the queue of the on-duty
 * professionals of its kind; one takes it (the use is reserved), calls back, and closes it with a
 * short outcome note (the use is confirmed). Medical notes are sensitive: only the customer, the
 * professional who wrote them and medical supervisors read them, and every read is audited.
 */
export class RemoteService {
  constructor(
    private readonly db: Database,
    private readonly cases: CaseKernel,
    private readonly repository: RemoteRepository,
    private readonly catalog: CatalogRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  private userOf(actor: Actor) {
    const p = actor.principal;
    if (p?.kind !== 'user') throw new AppError('CONSULTATION_NOT_FOUND');
    return p;
  }

  /** Read in the caller's transaction: on PGlite (one connection) another read would wait for it. */
  private async categoryOf(tx: Transaction, kase: CaseRow): Promise<string> {
    const service = await this.catalog.serviceByCode(tx, kase.serviceCode);
    return service?.category ?? 'unknown';
  }

  async queue(actor: Actor): Promise<QueueItem[]> {
    const user = this.userOf(actor);
    const now = this.clock.now();
    const services = await serviceCodesInCategories(this.db, CATEGORIES_OF[user.role] ?? []);
    const found = await this.cases.waiting(this.db, 'remote', services);
    const phones = await titularPhones(
      this.db,
      found.map((c) => c.membershipId),
    );
    await this.audit.recordRead(actor, {
      action: 'remote.queue.read',
      recordType: 'case',
      details: { count: found.length },
    });
    return found.map((c) => ({
      id: c.id,
      number: c.number,
      serviceCode: c.serviceCode,
      personName: c.personName,
      description: c.description,
      callbackPhone:
        (c.details as { callbackPhone?: string }).callbackPhone ?? phones.get(c.membershipId) ?? '',
      requestedAt: c.requestedAt.toISOString(),
      dueAt: c.dispatchDueAt?.toISOString() ?? null,
      overdue: c.dispatchDueAt !== null && c.dispatchDueAt < now,
    }));
  }

  /** A professional takes a waiting request: only one can, and the use is reserved. */
  async take(actor: Actor, caseId: string): Promise<CaseView> {
    const user = this.userOf(actor);
    return this.db.transaction(async (tx) => {
      const kase = await this.cases.lock(tx, caseId);
      if (
        kase.fulfilment !== 'remote' ||
        !(CATEGORIES_OF[user.role] ?? []).includes(await this.categoryOf(tx, kase))
      )
        throw new AppError('CONSULTATION_NOT_FOUND');
      if (kase.state !== 'requested') throw new AppError('CONSULTATION_ALREADY_TAKEN');
      const reservationId = await this.cases.reserveOrRefuse(tx, actor, kase);
      if (reservationId) {
        const now = this.clock.now();
        await this.cases.update(tx, caseId, {
          state: 'in_consultation',
          takenBy: user.userId,
          reservationId,
          dispatchedAt: now,
          updatedAt: now,
        });
        await this.cases.append(tx, actor, kase, 'taken', 'in_consultation', null, {
          professional: user.name,
        });
        await this.cases.messages.toTitular(tx, kase, {
          kind: 'remote_consultation_taken',
          params: { staffName: user.name },
          event: 'taken',
        });
        await this.cases.auditAction(tx, actor, 'case.take', caseId);
      }
      return this.cases.viewAfter(tx, caseId, true);
    });
  }

  /** The professional closes the consultation with its outcome; the use is confirmed. */
  async close(actor: Actor, caseId: string, note: string): Promise<CaseView> {
    const user = this.userOf(actor);
    return this.db.transaction(async (tx) => {
      const kase = await this.cases.lock(tx, caseId);
      if (kase.fulfilment !== 'remote') throw new AppError('CONSULTATION_NOT_FOUND');
      if (kase.state !== 'in_consultation') throw new AppError('CASE_TRANSITION_INVALID');
      if (kase.takenBy !== user.userId) throw new AppError('CONSULTATION_NOT_YOURS');
      const now = this.clock.now();
      const row: CaseNoteRow = {
        id: newId(),
        caseId,
        kind: (await this.categoryOf(tx, kase)) === 'legal' ? 'legal' : 'medical',
        authorId: user.userId,
        authorName: user.name,
        body: note.trim(),
        createdAt: now,
      };
      await this.repository.insertNote(tx, row);
      await this.cases.confirmUse(tx, kase);
      await this.cases.update(tx, caseId, {
        state: 'completed',
        completedAt: now,
        closedAt: now,
        closeReason: 'completed',
        updatedAt: now,
      });
      // The note's text stays out of the timeline, which more people read.
      await this.cases.append(tx, actor, kase, 'completed', 'completed', null, { noteId: row.id });
      await this.cases.messages.toTitular(tx, kase, {
        kind: 'case_completed',
        params: {},
        event: 'completed',
      });
      await this.cases.auditAction(tx, actor, 'case.outcome', caseId);
      return this.cases.viewAfter(tx, caseId, true);
    });
  }

  /** The outcome notes, for those who may read them; every read is audited, the customer's too. */
  async notes(actor: Actor, caseId: string) {
    const p = actor.principal;
    return this.db.transaction(async (tx) => {
      const kase = await this.cases.lock(tx, caseId);
      if (kase.fulfilment !== 'remote') throw new AppError('NOTES_NOT_AVAILABLE');
      const medical = (await this.categoryOf(tx, kase)) !== 'legal';
      let allowed = false;
      if (p?.kind === 'user') {
        if (p.role === 'customer') {
          await this.cases.authorize(tx, actor, kase).catch(() => {
            throw new AppError('NOTES_NOT_AVAILABLE');
          });
          allowed = true;
        } else if (kase.takenBy === p.userId) allowed = true;
        else if (medical && p.role === 'medical_supervisor') allowed = true;
        else if (!medical && p.role === 'supervisor') allowed = true;
      }
      if (!allowed) throw new AppError('NOTES_NOT_AVAILABLE');
      const notes = await this.repository.notesOf(tx, caseId);
      await this.audit.record(tx, actor, {
        action: 'case.notes.read',
        recordType: 'case',
        recordId: caseId,
        details: { kind: medical ? 'medical' : 'legal', count: notes.length },
      });
      return notes.map((n) => ({
        id: n.id,
        kind: n.kind,
        author: n.authorName,
        body: n.body,
        createdAt: n.createdAt.toISOString(),
      }));
    });
  }
}
