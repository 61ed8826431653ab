import type { Database, Transaction } from '../../db/client.ts';
import { nextHumanNumber } from '../../db/numbers.ts';
import { addBusinessDays } from '../../lib/business-hours.ts';
import { type Clock, MEXICO_CITY } from '../../lib/clock.ts';
import { AppError, validationFailed } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { IdempotencyService, Replayable } from '../../platform/idempotency/service.ts';
import type { Jobs } from '../../platform/jobs.ts';
import { type Actor, isStaff, type Principal } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { EventRecorder } from '../events/recorder.ts';
import { clearanceFor, mayReachBlocked } from '../members/clearance.ts';
import { blockedMemberships } from '../members/read-model.ts';
import type { MembersService } from '../members/service.ts';
import type { Notifier } from '../notifications/notifier.ts';
import type { NotificationsRepository } from '../notifications/repository.ts';
import { audienceOf, Complainants, channelOf, eventActor } from './complainants.ts';
import './errors.ts';
import {
  type ComplaintAction,
  type ComplaintCategory,
  type ComplaintStatus,
  type ComplaintWorker,
  move,
} from './lifecycle.ts';
import {
  type ComplaintEventRow,
  type ComplaintFilter,
  type ComplaintRecord,
  type ComplaintRow,
  type ComplaintsRepository,
  complaintSubjectKey,
} from './repository.ts';
import { type Audience, type ComplaintView, presentComplaint, withPersonBlocked } from './views.ts';

export const COMPLAINTS_ESCALATION_QUEUE = 'complaints-escalation';
/** Every 15 minutes, Mexico City time: a complaint is escalated at most 15 minutes after its due date. */
export const COMPLAINTS_ESCALATION_CRON = '*/15 * * * *';
/** Complaints one escalation statement takes at a time. */
const SWEEP_BATCH = 1000;

export interface ComplaintInput {
  membershipId: string;
  category: ComplaintCategory;
  caseId?: string | undefined;
  chargeId?: string | undefined;
  /** Staff only: how it came in. */
  channel?: 'phone' | 'email' | 'in_person' | undefined;
  text: string;
}

export interface ComplaintListFilter {
  statuses?: ComplaintStatus[] | undefined;
  categories?: ComplaintCategory[] | undefined;
  overdue?: boolean | undefined;
  membershipId?: string | undefined;
  ownerId?: string | undefined;
  before?: string | undefined;
  limit: number;
}

export interface ComplaintsOptions {
  /** Business days (Monday–Friday, Mexico City) from filing to the due date. */
  slaBusinessDays: number;
}

type Worker = Extract<Principal, { kind: 'user' }> & { role: 'agent' | 'supervisor' };

/**
 * Complaints (quejas): filed 24/7 by the customer (portal), staff (phone, email, in person) or the
 * bank (API), each with a category, the case or charge it concerns, a due date in business days, an
 * owner once taken, a timeline and — once resolved — the resolution, which is sent to the customer.
 * What staff has not resolved by the due date is escalated to supervisors by a job every 15 minutes.
 */
export class ComplaintsService {
  constructor(
    private readonly db: Database,
    private readonly repository: ComplaintsRepository,
    private readonly notifications: NotificationsRepository,
    private readonly notifier: Notifier,
    private readonly members: MembersService,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly clock: Clock,
    /** The event log partners read: a complaint filed, and resolved. */
    private readonly events: EventRecorder,
    private readonly options: ComplaintsOptions,
  ) {
    if (!Number.isInteger(options.slaBusinessDays) || options.slaBusinessDays < 1)
      throw new RangeError('slaBusinessDays must be a whole number ≥ 1');
    this.complainants = new Complainants(repository);
  }

  private readonly complainants: Complainants;

  /** The escalation sweep, on a cron in Mexico City time, run by whichever process has workers. */
  registerJobs(jobs: Jobs): void {
    jobs.handle(
      COMPLAINTS_ESCALATION_QUEUE,
      async () => {
        await this.escalateOverdue();
      },
      {
        policy: 'singleton',
        expireInSeconds: 600,
        schedule: { cron: COMPLAINTS_ESCALATION_CRON, tz: MEXICO_CITY },
      },
    );
  }

  /** The due date of a complaint filed at `at`. */
  dueDateOf(at: Date): Date {
    return addBusinessDays(at, this.options.slaBusinessDays);
  }

  private async auditAction(
    tx: Transaction,
    actor: Actor,
    action: string,
    complaintId: string | null,
    details?: Record<string, unknown>,
  ): Promise<void> {
    const p = actor.principal;
    if (isStaff(p) || p?.kind === 'api_key') {
      await this.audit.record(tx, actor, { action, recordType: 'complaint', recordId: complaintId, details });
    }
  }

  private async append(
    tx: Transaction,
    actor: Actor,
    complaintId: string,
    event: { type: string; from: ComplaintStatus | null; to: ComplaintStatus | null; note?: string | null },
  ): Promise<ComplaintEventRow> {
    return this.repository.appendEvent(tx, {
      complaintId,
      type: event.type,
      fromStatus: event.from,
      toStatus: event.to,
      ...eventActor(actor),
      note: event.note ?? null,
      at: this.clock.now(),
    });
  }

  private async view(tx: Transaction, id: string, audience: Audience): Promise<ComplaintView> {
    const record = await this.repository.byId(tx, id);
    if (!record) throw new AppError('COMPLAINT_NOT_FOUND');
    const [events, notifications] = [
      await this.repository.events(tx, id),
      await this.notifications.withSubjectPrefix(tx, complaintSubjectKey(id, '')),
    ];
    const view = presentComplaint(record, this.clock.now(), audience, { events, notifications });
    const blocked = audience === 'staff' && (await blockedMemberships(tx, [view.membershipId])).size > 0;
    return blocked ? withPersonBlocked(view) : view;
  }

  /**
   * A complaint the caller may see: a customer only their own memberships' (a beneficiary's own
   * account, only those it filed); anyone else's is not found.
   */
  private async load(tx: Transaction, actor: Actor, id: string, forUpdate = false): Promise<ComplaintRecord> {
    const record = await this.repository.byId(tx, id, forUpdate);
    if (!record) throw new AppError('COMPLAINT_NOT_FOUND');
    const p = actor.principal;
    if (!(await this.complainants.mayRead(tx, actor, record))) throw new AppError('COMPLAINT_NOT_FOUND');
    if (p?.kind === 'user' && !isStaff(p) && p.role !== 'customer') throw new AppError('COMPLAINT_NOT_FOUND');
    return record;
  }

  /** Files a complaint; the same Idempotency-Key and body answer the first complaint again. */
  async file(
    actor: Actor,
    input: ComplaintInput,
    idempotencyKey: string | undefined,
  ): Promise<Replayable<ComplaintView>> {
    const text = input.text.trim();
    if ([...text].length < 10) throw validationFailed('body/text', 'must have at least 10 characters');
    if (input.caseId && input.chargeId)
      throw new AppError('VALIDATION_FAILED', {
        errors: [
          { field: 'body/caseId', message: 'a complaint concerns a case or a charge, not both' },
          { field: 'body/chargeId', message: 'a complaint concerns a case or a charge, not both' },
        ],
      });
    return this.db.transaction((tx) =>
      this.idempotency.run(
        tx,
        actor,
        { key: idempotencyKey, operation: 'POST /v1/complaints', body: input },
        async () => {
          // A beneficiary's own account files about a case of theirs; everyone else on a membership they reach.
          const beneficiary = await this.complainants.beneficiaryFiling(tx, actor, input);
          if (!beneficiary) await this.members.load(tx, actor, input.membershipId);
          if (
            input.caseId &&
            (await this.repository.membershipOfCase(tx, input.caseId)) !== input.membershipId
          )
            throw new AppError('COMPLAINT_CASE_MISMATCH', { extensions: { caseId: input.caseId } });
          if (
            input.chargeId &&
            (await this.repository.membershipOfCharge(tx, input.chargeId)) !== input.membershipId
          )
            throw new AppError('COMPLAINT_CHARGE_MISMATCH', { extensions: { chargeId: input.chargeId } });
          const now = this.clock.now();
          const filer = eventActor(actor);
          const row: ComplaintRow = {
            id: newId(),
            number: await nextHumanNumber(tx, 'LQ', now),
            membershipId: input.membershipId,
            caseId: input.caseId ?? null,
            chargeId: input.chargeId ?? null,
            category: input.category,
            channel: channelOf(actor, input.channel),
            status: 'open',
            text,
            ownerId: null,
            ownerName: null,
            dueAt: this.dueDateOf(now),
            resolution: null,
            resolvedAt: null,
            resolvedById: null,
            resolvedByName: null,
            escalatedAt: null,
            filedByType: filer.actorType,
            filedById: filer.actorId,
            filedByName: filer.actorName,
            lastSeq: 0,
            createdAt: now,
            updatedAt: now,
          };
          await this.repository.insert(tx, row);
          await this.append(tx, actor, row.id, { type: 'filed', from: null, to: 'open' });
          await this.events.record(tx, [
            {
              type: 'complaint.created',
              membershipId: row.membershipId,
              data: {
                complaintId: row.id,
                number: row.number,
                membershipId: row.membershipId,
                caseId: row.caseId,
                chargeId: row.chargeId,
                category: row.category,
                channel: row.channel,
                status: row.status,
                dueAt: row.dueAt.toISOString(),
              },
            },
          ]);
          await this.notifier.toMember(tx, {
            kind: 'complaint_received',
            membershipId: row.membershipId,
            caseId: row.caseId,
            subjectKey: complaintSubjectKey(row.id, 'received'),
            params: { complaintNumber: row.number, dueAt: row.dueAt },
            to: beneficiary?.recipient,
          });
          await this.auditAction(tx, actor, 'complaint.file', row.id, {
            membershipId: row.membershipId,
            category: row.category,
            channel: row.channel,
          });
          return { status: 201, body: await this.view(tx, row.id, audienceOf(actor)) };
        },
      ),
    );
  }

  /** One complaint with its timeline and the messages sent about it; staff and partner reads audited. */
  async get(actor: Actor, id: string): Promise<ComplaintView> {
    return this.db.transaction(async (tx) => {
      await this.load(tx, actor, id);
      await this.auditAction(tx, actor, 'complaint.read', id);
      return this.view(tx, id, audienceOf(actor));
    });
  }

  /** Staff: every complaint, filtered (audited). A customer: their own memberships' complaints. */
  async list(
    actor: Actor,
    filter: ComplaintListFilter,
  ): Promise<{ data: ComplaintView[]; nextBefore: string | null }> {
    const p = actor.principal;
    const own = p?.kind === 'user' && p.role === 'customer' ? p.userId : undefined;
    return this.db.transaction(async (tx) => {
      const now = this.clock.now();
      const query: ComplaintFilter = {
        statuses: filter.statuses,
        categories: filter.categories,
        membershipId: filter.membershipId,
        ownerId: filter.ownerId,
        overdue: filter.overdue === undefined ? undefined : { now, value: filter.overdue },
        before: filter.before,
        limit: filter.limit,
        // A customer's own, whatever else the query asks: their memberships', or a beneficiary's own.
        ...(own ? await this.complainants.listScope(tx, own) : {}),
      };
      // One member's complaints are their file: an agent lists them once the caller is verified.
      const verification =
        !own && filter.membershipId ? await clearanceFor(tx, actor, filter.membershipId, now) : null;
      const found = await this.repository.list(tx, query);
      if (!own)
        await this.auditAction(tx, actor, 'complaint.list', null, {
          filter: { ...filter },
          count: found.length,
          ...(verification ? { verification } : {}),
        });
      const audience = audienceOf(actor);
      const blocked =
        own || mayReachBlocked(actor)
          ? new Set<string>()
          : await blockedMemberships(
              tx,
              found.map((r) => r.complaint.membershipId),
            );
      const present = (r: ComplaintRecord) => presentComplaint(r, now, audience);
      return {
        data: found.map((r) =>
          blocked.has(r.complaint.membershipId) ? withPersonBlocked(present(r)) : present(r),
        ),
        nextBefore: found.length === filter.limit ? (found.at(-1)?.complaint.id ?? null) : null,
      };
    });
  }

  private workerOf(actor: Actor): Worker {
    const p = actor.principal;
    if (p?.kind === 'user' && (p.role === 'agent' || p.role === 'supervisor')) return p as Worker;
    throw new AppError('FORBIDDEN');
  }

  /** Locks the complaint and checks the staff member's action is allowed from its status. */
  private async moving(
    tx: Transaction,
    actor: Actor,
    id: string,
    action: ComplaintAction,
  ): Promise<{ record: ComplaintRecord; complaint: ComplaintRow; worker: Worker; to: ComplaintStatus }> {
    const worker = this.workerOf(actor);
    const record = await this.load(tx, actor, id, true);
    const { complaint } = record;
    const status = complaint.status as ComplaintStatus;
    const result = move(status, action, worker.role as ComplaintWorker, complaint.ownerId === worker.userId);
    if ('refused' in result)
      throw new AppError(result.refused, {
        extensions: {
          complaintStatus: status,
          ...(complaint.ownerName ? { owner: complaint.ownerName } : {}),
        },
      });
    return { record, complaint, worker, to: result.to };
  }

  /** The caller takes the complaint: in progress, and theirs. */
  async take(actor: Actor, id: string): Promise<ComplaintView> {
    return this.db.transaction(async (tx) => {
      const { complaint, worker, to } = await this.moving(tx, actor, id, 'take');
      const now = this.clock.now();
      await this.repository.update(tx, id, {
        status: to,
        ownerId: worker.userId,
        ownerName: worker.name,
        updatedAt: now,
      });
      await this.append(tx, actor, id, { type: 'taken', from: complaint.status as ComplaintStatus, to });
      await this.auditAction(tx, actor, 'complaint.take', id, { from: complaint.status });
      return this.view(tx, id, 'staff');
    });
  }

  /** An internal note on the timeline; the status does not change. */
  async addNote(actor: Actor, id: string, note: string): Promise<ComplaintView> {
    const text = note.trim();
    if ([...text].length < 3) throw validationFailed('body/note', 'must have at least 3 characters');
    return this.db.transaction(async (tx) => {
      this.workerOf(actor);
      await this.load(tx, actor, id, true);
      await this.repository.update(tx, id, { updatedAt: this.clock.now() });
      await this.append(tx, actor, id, { type: 'note', from: null, to: null, note: text });
      await this.auditAction(tx, actor, 'complaint.note', id);
      return this.view(tx, id, 'staff');
    });
  }

  /**
   * Resolves the complaint with what was decided: the resolution is shown on the complaint and a
   * message with it is recorded for the customer, in Spanish and English.
   */
  async resolve(actor: Actor, id: string, resolution: string): Promise<ComplaintView> {
    const text = resolution.trim();
    if ([...text].length < 10) throw validationFailed('body/resolution', 'must have at least 10 characters');
    return this.db.transaction(async (tx) => {
      const { record, complaint, worker, to } = await this.moving(tx, actor, id, 'resolve');
      const now = this.clock.now();
      await this.repository.update(tx, id, {
        status: to,
        resolution: text,
        resolvedAt: now,
        resolvedById: worker.userId,
        resolvedByName: worker.name,
        // An escalated complaint has no owner: the supervisor who resolves it becomes it.
        ownerId: complaint.ownerId ?? worker.userId,
        ownerName: complaint.ownerId ? complaint.ownerName : worker.name,
        updatedAt: now,
      });
      await this.append(tx, actor, id, {
        type: 'resolved',
        from: complaint.status as ComplaintStatus,
        to,
        note: text,
      });
      await this.events.record(tx, [
        {
          type: 'complaint.resolved',
          membershipId: complaint.membershipId,
          data: {
            complaintId: id,
            number: complaint.number,
            membershipId: complaint.membershipId,
            caseId: complaint.caseId,
            chargeId: complaint.chargeId,
            category: complaint.category,
            status: to,
            resolvedAt: now.toISOString(),
          },
        },
      ]);
      await this.notifier.toMember(tx, {
        kind: 'complaint_resolution',
        membershipId: complaint.membershipId,
        caseId: complaint.caseId,
        subjectKey: complaintSubjectKey(id, 'resolution'),
        params: { complaintNumber: complaint.number, resolution: text },
        to: await this.complainants.recipientOf(tx, record),
      });
      await this.auditAction(tx, actor, 'complaint.resolve', id, { from: complaint.status });
      return this.view(tx, id, 'staff');
    });
  }

  /** Hands the complaint to supervisors: escalated, with nobody owning it until one takes it. */
  async escalate(actor: Actor, id: string, note: string): Promise<ComplaintView> {
    const text = note.trim();
    if ([...text].length < 3) throw validationFailed('body/note', 'must have at least 3 characters');
    return this.db.transaction(async (tx) => {
      const { complaint, to } = await this.moving(tx, actor, id, 'escalate');
      const now = this.clock.now();
      await this.repository.update(tx, id, {
        status: to,
        ownerId: null,
        ownerName: null,
        escalatedAt: now,
        updatedAt: now,
      });
      await this.append(tx, actor, id, {
        type: 'escalated',
        from: complaint.status as ComplaintStatus,
        to,
        note: text,
      });
      await this.auditAction(tx, actor, 'complaint.escalate', id, { from: complaint.status });
      return this.view(tx, id, 'staff');
    });
  }

  /**
   * Escalates every complaint still open or in progress whose due date has passed, set-based in
   * batches, each with an `escalated` event by the system and its owner cleared so supervisors pick
   * it up. Safe to run at once in several processes (rows in another's hands are skipped).
   * Returns how many were escalated.
   */
  async escalateOverdue(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.clock.now();
      const n = await this.db.transaction((tx) => this.repository.escalateOverdue(tx, now, SWEEP_BATCH));
      total += n;
      if (n < SWEEP_BATCH) return total;
    }
  }
}
