import type { Database, Transaction } from '../../db/client.ts';
import { nextHumanNumber } from '../../db/numbers.ts';
import { businessDaysLeft, businessTerm, type HolidayCalendar } from '../../lib/business-days.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError, validationFailed } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { IdempotencyService, Replayable } from '../../platform/idempotency/service.ts';
import { type Actor, isStaff } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { PersonalDataService, RectifiableField } from '../members/personal-data.ts';
import { membershipNumbers } from '../members/read-model.ts';
import type { MembersService } from '../members/service.ts';
import type { Notifier } from '../notifications/notifier.ts';
import { assembleDelivery, type Delivery, type DeliverySources, deliveryHtml } from './delivery.ts';
import { renderDeliveryPdf } from './delivery-pdf.ts';
import './errors.ts';
import type { ArcoRepository, ArcoRequestRow } from './repository.ts';
import type { ArcoInput, ArcoRequestViewType } from './schemas.ts';

/** LFPDPPP art. 32: the answer is given within 20 days (business days, Reglamento art. 97). */
export const ARCO_TERM_BUSINESS_DAYS = 20;
const LIST_LIMIT = 200;

export interface ArcoAnswer {
  decision: 'accepted' | 'refused';
  reason: string;
}

const subjectKey = (id: string, what: string) => `arco:${id}:${what}`;

/**
 * ARCO rights (LFPDPPP): the titular files a request from the portal and sees its folio and due
 * date; the privacy office (or a supervisor) answers it within 20 business days. Accepting one
 * does what the right asks through the domain that owns the data: access delivers the person's
 * data, rectification corrects it in members, cancellation blocks it in members, opposition
 * records the purpose opposed. Every staff act is audited; a customer reaches only their own.
 */
export class ArcoService {
  constructor(
    private readonly db: Database,
    private readonly repository: ArcoRepository,
    private readonly members: MembersService,
    private readonly personalData: PersonalDataService,
    private readonly notifier: Notifier,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly clock: Clock,
    private readonly holidays: HolidayCalendar,
    private readonly sources: DeliverySources,
  ) {}

  /**
   * Files a request for the signed-in titular, on their newest membership. The same
   * Idempotency-Key and body answer the first request again.
   */
  async file(
    actor: Actor,
    input: ArcoInput,
    idempotencyKey: string | undefined,
  ): Promise<Replayable<ArcoRequestViewType>> {
    const p = actor.principal;
    if (p?.kind !== 'user' || p.role !== 'customer') throw new AppError('FORBIDDEN');
    const details = input.details.trim();
    if ([...details].length < 10) throw validationFailed('body/details', 'must have at least 10 characters');
    if (input.type === 'rectification') {
      if (!input.field) throw validationFailed('body/field', 'a rectification names the data to correct');
      if (!input.correction?.trim())
        throw validationFailed('body/correction', 'a rectification says the correct value');
    } else if (input.field !== undefined || input.correction !== undefined)
      throw validationFailed('body/field', 'only a rectification names data to correct');
    if (input.type === 'opposition') {
      if (!input.purpose) throw validationFailed('body/purpose', 'an opposition names the purpose opposed');
    } else if (input.purpose !== undefined)
      throw validationFailed('body/purpose', 'only an opposition names a purpose');

    const own = await this.members.mine(actor);
    const membership = own.find((m) => m.state !== 'cancelled') ?? own[0];
    if (!membership) throw new AppError('ARCO_NO_MEMBERSHIP');
    return this.db.transaction((tx) =>
      this.idempotency.run(
        tx,
        actor,
        { key: idempotencyKey, operation: 'POST /v1/arco-requests', body: input },
        () => this.record(tx, actor, p, membership.id, input),
      ),
    );
  }

  private async record(
    tx: Transaction,
    actor: Actor,
    p: { userId: string; name: string },
    membershipId: string,
    input: ArcoInput,
  ): Promise<{ status: number; body: ArcoRequestViewType }> {
    const now = this.clock.now();
    const term = businessTerm(now, ARCO_TERM_BUSINESS_DAYS, this.holidays);
    const row: ArcoRequestRow = {
      id: newId(),
      number: await nextHumanNumber(tx, 'AR', now),
      userId: p.userId,
      requesterName: p.name,
      membershipId,
      type: input.type,
      details: input.details.trim(),
      field: input.type === 'rectification' ? (input.field ?? null) : null,
      correction: input.type === 'rectification' ? (input.correction?.trim() ?? null) : null,
      purpose: input.type === 'opposition' ? (input.purpose ?? null) : null,
      status: 'received',
      receivedAt: now,
      dueDate: term.dueDate,
      dueAt: term.dueAt,
      answer: null,
      answeredAt: null,
      answeredById: null,
      answeredByName: null,
      delivery: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.repository.insert(tx, row);
    await this.notifier.toMember(tx, {
      kind: 'arco_received',
      membershipId: row.membershipId,
      subjectKey: subjectKey(row.id, 'received'),
      params: { requestNumber: row.number, type: input.type, dueAt: term.dueAt },
    });
    return { status: 201, body: (await this.present(tx, [row], actor))[0] as ArcoRequestViewType };
  }

  /** A customer: their own, newest first. Staff: the queue, unanswered by due date (audited). */
  async list(
    actor: Actor,
    filter: { status?: string | undefined; overdue?: boolean | undefined },
  ): Promise<{ data: ArcoRequestViewType[] }> {
    const p = actor.principal;
    const own = p?.kind === 'user' && p.role === 'customer' ? p.userId : undefined;
    return this.db.transaction(async (tx) => {
      const found = await this.repository.list(tx, {
        userId: own,
        status: filter.status,
        overdueAt: filter.overdue ? this.clock.now() : undefined,
        limit: LIST_LIMIT,
      });
      if (!own)
        await this.audit.record(tx, actor, {
          action: 'arco.list',
          recordType: 'arco_request',
          details: { filter: { ...filter }, count: found.length },
        });
      return { data: await this.present(tx, found, actor) };
    });
  }

  async get(actor: Actor, id: string): Promise<ArcoRequestViewType> {
    return this.db.transaction(async (tx) => {
      const row = await this.load(tx, actor, id);
      if (isStaff(actor.principal))
        await this.audit.record(tx, actor, { action: 'arco.read', recordType: 'arco_request', recordId: id });
      return (await this.present(tx, [row], actor))[0] as ArcoRequestViewType;
    });
  }

  /**
   * Staff answer a request, once. Accepting does what the right asks, in the same transaction as
   * the answer (an access request's data is read first: each domain reads in its own transaction).
   */
  async answer(actor: Actor, id: string, input: ArcoAnswer): Promise<ArcoRequestViewType> {
    const p = actor.principal;
    if (p?.kind !== 'user' || !isStaff(p)) throw new AppError('FORBIDDEN');
    const reason = input.reason.trim();
    if ([...reason].length < 10) throw validationFailed('body/reason', 'must have at least 10 characters');
    const before = await this.db.transaction((tx) => this.load(tx, actor, id));
    if (before.status !== 'received') throw new AppError('ARCO_REQUEST_ALREADY_ANSWERED');
    let delivery: Delivery | null = null;
    if (input.decision === 'accepted' && before.type === 'access')
      delivery = await assembleDelivery(this.sources, actor, before, this.clock.now());

    return this.db.transaction(async (tx) => {
      const row = await this.load(tx, actor, id, true);
      if (row.status !== 'received') throw new AppError('ARCO_REQUEST_ALREADY_ANSWERED');
      const now = this.clock.now();
      if (input.decision === 'accepted') await this.grant(tx, actor, row, now);
      await this.repository.answer(tx, id, {
        status: input.decision,
        answer: reason,
        answeredAt: now,
        answeredById: p.userId,
        answeredByName: p.name,
        delivery: delivery as Record<string, unknown> | null,
        updatedAt: now,
      });
      await this.audit.record(tx, actor, {
        action: 'arco.answer',
        recordType: 'arco_request',
        recordId: id,
        details: { type: row.type, decision: input.decision, membershipId: row.membershipId },
      });
      await this.notifier.toMember(tx, {
        kind: 'arco_answered',
        membershipId: row.membershipId,
        subjectKey: subjectKey(row.id, 'answered'),
        params: {
          requestNumber: row.number,
          type: row.type as ArcoInput['type'],
          accepted: input.decision === 'accepted',
          answer: reason,
          downloadReady: delivery !== null,
        },
      });
      const after = await this.load(tx, actor, id);
      return (await this.present(tx, [after], actor))[0] as ArcoRequestViewType;
    });
  }

  /** What accepting each right does, through the domain that owns the data. */
  private async grant(tx: Transaction, actor: Actor, row: ArcoRequestRow, now: Date): Promise<void> {
    if (row.type === 'rectification' && row.field && row.field !== 'other' && row.correction)
      await this.personalData.rectify(
        tx,
        actor,
        row.membershipId,
        row.field as RectifiableField,
        row.correction,
      );
    if (row.type === 'cancellation') {
      const membership = await this.members.load(tx, actor, row.membershipId, true);
      if (membership.membership.state !== 'cancelled')
        throw new AppError('ARCO_CANCELLATION_CONTRACT_IN_FORCE');
      await this.personalData.block(tx, actor, row.membershipId);
    }
    if (row.type === 'opposition' && row.purpose)
      await this.repository.oppose(tx, {
        membershipId: row.membershipId,
        purpose: row.purpose,
        requestId: row.id,
        at: now,
      });
  }

  /** The person's data delivered for an accepted access request: JSON, a readable page or a PDF. */
  async delivery(
    actor: Actor,
    id: string,
    format: 'json' | 'html' | 'pdf',
  ): Promise<{ filename: string; contentType: string; body: string | Buffer }> {
    const file = await this.db.transaction(async (tx) => {
      const row = await this.load(tx, actor, id);
      if (row.type !== 'access' || row.status !== 'accepted' || !row.delivery)
        throw new AppError('ARCO_DELIVERY_NOT_READY');
      if (isStaff(actor.principal))
        await this.audit.record(tx, actor, {
          action: 'arco.delivery_read',
          recordType: 'arco_request',
          recordId: id,
          details: { format },
        });
      return { delivery: row.delivery as unknown as Delivery, name: `datos-${row.number}` };
    });
    const { delivery, name } = file;
    if (format === 'pdf')
      return {
        filename: `${name}.pdf`,
        contentType: 'application/pdf',
        body: await renderDeliveryPdf(delivery),
      };
    return format === 'html'
      ? { filename: `${name}.html`, contentType: 'text/html; charset=utf-8', body: deliveryHtml(delivery) }
      : {
          filename: `${name}.json`,
          contentType: 'application/json; charset=utf-8',
          body: JSON.stringify(delivery, null, 2),
        };
  }

  /** The customer's own requests, for the access delivery (what they asked of us before). */
  async ofUser(userId: string): Promise<unknown[]> {
    const found = await this.repository.list(this.db, { userId, limit: LIST_LIMIT });
    return found.map((r) => ({
      number: r.number,
      type: r.type,
      status: r.status,
      receivedAt: r.receivedAt.toISOString(),
      dueDate: r.dueDate,
      answer: r.answer,
    }));
  }

  /** A request the caller may see: a customer only their own; anyone else's is not found. */
  private async load(tx: Transaction, actor: Actor, id: string, forUpdate = false): Promise<ArcoRequestRow> {
    const row = await this.repository.byId(tx, id, forUpdate);
    if (!row) throw new AppError('ARCO_REQUEST_NOT_FOUND');
    const p = actor.principal;
    if (p?.kind === 'user' && p.role === 'customer' && row.userId !== p.userId)
      throw new AppError('ARCO_REQUEST_NOT_FOUND');
    return row;
  }

  private async present(
    tx: Transaction,
    found: ArcoRequestRow[],
    actor: Actor,
  ): Promise<ArcoRequestViewType[]> {
    const numbers = await membershipNumbers(
      tx,
      found.map((r) => r.membershipId),
    );
    const now = this.clock.now();
    const staff = isStaff(actor.principal);
    return found.map((r) => {
      const open = r.status === 'received';
      return {
        id: r.id,
        number: r.number,
        membershipId: r.membershipId,
        membershipNumber: numbers.get(r.membershipId) ?? '',
        type: r.type as ArcoRequestViewType['type'],
        details: r.details,
        field: r.field as ArcoRequestViewType['field'],
        correction: r.correction,
        purpose: r.purpose as ArcoRequestViewType['purpose'],
        status: r.status as ArcoRequestViewType['status'],
        receivedAt: r.receivedAt.toISOString(),
        dueDate: r.dueDate,
        dueAt: r.dueAt.toISOString(),
        businessDaysLeft: open ? businessDaysLeft(now, r.dueDate, this.holidays) : null,
        overdue: open && now.getTime() >= r.dueAt.getTime(),
        answer: r.answer,
        answeredAt: r.answeredAt?.toISOString() ?? null,
        answeredByName: r.answeredByName,
        deliveryReady: r.type === 'access' && r.status === 'accepted' && r.delivery !== null,
        ...(staff ? { requesterName: r.requesterName } : {}),
      };
    });
  }
}
