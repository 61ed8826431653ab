import type { Database } from '../../db/client.ts';
import { nextHumanNumber } from '../../db/numbers.ts';
import { primaryReads, type ReadSource } from '../../db/read-replica.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { phoneAt } from '../../lib/phone-input.ts';
import type { IdempotencyService, Replayable } from '../../platform/idempotency/service.ts';
import { type Actor, isStaff, SYSTEM_ACTOR } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { CatalogRepository } from '../catalog/repository.ts';
import type { EntitlementsService } from '../entitlements/service.ts';
import './errors.ts';
import { clearanceFor, mayReachBlocked } from '../members/clearance.ts';
import type { Geocoder, NormalisedAddress } from '../places/geocoder.ts';
import { stateByCode } from '../places/states.ts';
import { CaseExport, type CaseExportQuery } from './cases-csv.ts';
import { audienceOf, type CaseKernel, FINANCE_READS } from './kernel.ts';
import { type CaseState, isCancellable } from './lifecycle.ts';
import { refusalReason } from './messages.ts';
import { precisionOfAccuracy } from './place.ts';
import type { CaseRow, CasesRepository } from './repository.ts';
import { type CaseInput, newCaseRow, type ResolvedPlace } from './request.ts';
import { placeProblems } from './schemas.ts';
import { type CaseView, presentEvent } from './views.ts';

export type { CaseInput } from './request.ts';

/**
 * Assistance cases as everyone meets them: open one (the decision taken and stored, the kind of
 * help set going), read it, follow it, list them, cancel one. What each kind of help does after
 * that lives in its module (onsite, appointments, remote, claims); all of them write through the
 * kernel.
 */
export class CasesService {
  /** Where the CSV export reads: the replica when there is one (set by buildServices), else the primary. */
  private readsFrom: ReadSource | undefined;
  readExportsFrom(reads: ReadSource): void {
    this.readsFrom = reads;
  }
  private get reads(): ReadSource {
    return this.readsFrom ?? primaryReads(this.db);
  }
  constructor(
    private readonly db: Database,
    private readonly kernel: CaseKernel,
    private readonly repository: CasesRepository,
    private readonly entitlements: EntitlementsService,
    private readonly catalog: CatalogRepository,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly clock: Clock,
    private readonly geocoder: Geocoder,
  ) {}

  /**
   * The request's place as a point. Coordinates given: kept as given. None: the geocoder places
   * the address (before any transaction: it may be a network call), or the request is refused with
   * PLACE_NOT_FOUND and the geocoder's reason. There is no fallback point: an address that cannot
   * be placed is not stored somewhere invented.
   */
  async resolvePlace(place: CaseInput['place']): Promise<ResolvedPlace> {
    const problems = placeProblems(place);
    if (problems.length > 0) throw new AppError('VALIDATION_FAILED', { errors: problems });
    if (place.lat !== undefined && place.lng !== undefined) {
      return {
        address: (place.address ?? '').trim(),
        lat: place.lat,
        lng: place.lng,
        stateCode: place.stateCode?.toUpperCase() ?? null,
        precision: null,
      };
    }
    const result = await this.geocoder.geocode({
      street: place.street,
      number: place.number,
      colonia: place.colonia,
      postalCode: place.postalCode,
      municipality: place.municipality,
      state: place.stateCode,
      text: place.address,
    });
    if (!result.found) {
      const { code, es, en } = result.reason;
      throw new AppError('PLACE_NOT_FOUND', { localisedDetail: { es, en }, extensions: { reason: code } });
    }
    return {
      address: addressText(result.normalised, place.address),
      lat: result.point.lat,
      lng: result.point.lng,
      stateCode: result.normalised.stateCode,
      precision: result.precision,
    };
  }

  /**
   * Opens a case: the eligibility decision is taken and stored; a refused request is kept as
   * refused with its reasons; an allowed one is handed to its kind of help (offered at once to the
   * nearest provider, held for a claim's review…).
   */
  async request(
    actor: Actor,
    input: CaseInput,
    idempotencyKey: string | undefined,
  ): Promise<Replayable<CaseView>> {
    const callback = input.details?.callbackPhone;
    if (callback !== undefined)
      input = {
        ...input,
        details: { ...input.details, callbackPhone: phoneAt('body/details/callbackPhone', callback) },
      };
    const service = await this.catalog.serviceByCode(this.db, input.serviceCode);
    if (!service) throw new AppError('SERVICE_UNKNOWN', { extensions: { serviceCode: input.serviceCode } });
    const fulfilment = this.kernel.moduleOf(service.fulfilment);
    fulfilment.checkRequest(input.details, this.clock.now());
    const place = await this.resolvePlace(input.place);
    // What the kind needs from the network (dispatch: the travel times) comes before the transaction.
    const prepared = await fulfilment.prepare?.({ serviceCode: input.serviceCode, place });
    return this.db.transaction((tx) =>
      this.idempotency.run(
        tx,
        actor,
        { key: idempotencyKey, operation: 'POST /v1/cases', body: input },
        async () => {
          const now = this.clock.now();
          const { decision, personName } = await this.entitlements.decideIn(tx, actor, {
            membershipId: input.membershipId,
            personId: input.personId,
            serviceCode: input.serviceCode,
            request: {
              specialty: input.details?.specialty,
              estimatedCostCentavos: input.details?.estimatedCostCentavos,
              country: (input.place.country ?? 'MX').toUpperCase(),
            },
          });
          const sla = fulfilment.measuredAgainstSla
            ? await this.repository.slaTarget(tx, input.serviceCode)
            : undefined;
          const kase = newCaseRow({
            id: newId(),
            number: await nextHumanNumber(tx, 'LP', now),
            actor,
            input,
            place,
            fulfilment: fulfilment.kind,
            decision,
            personName,
            sla,
            now,
          });
          await this.kernel.insert(tx, kase);
          await this.kernel.append(tx, actor, kase, 'requested', 'requested', null, {
            channel: kase.channel,
          });
          if (decision.allowed) {
            await fulfilment.opened(tx, actor, kase, prepared);
          } else {
            await this.kernel.append(tx, SYSTEM_ACTOR, kase, 'refused', 'refused', null, {
              reasons: decision.reasons.filter((r) => !r.ok).map((r) => r.code),
            });
            await this.kernel.messages.closedWithoutService(
              tx,
              actor,
              kase,
              'refused',
              refusalReason(decision),
            );
          }
          await this.kernel.auditAction(tx, actor, 'case.open', kase.id, { allowed: decision.allowed });
          return { status: 201, body: await this.kernel.viewAfter(tx, kase.id, isStaff(actor.principal)) };
        },
      ),
    );
  }

  async get(actor: Actor, id: string): Promise<CaseView> {
    return this.db.transaction(async (tx) => {
      const kase = await this.kernel.find(tx, id);
      if (!kase) throw new AppError('CASE_NOT_FOUND');
      await this.kernel.authorize(tx, actor, kase);
      await this.kernel.auditAction(tx, actor, 'case.read', id);
      return this.kernel.view(tx, kase, isStaff(actor.principal));
    });
  }

  /** Staff see every case (the queue); a customer sees their own. */
  /** Cases by state, kind, membership and request days, as CSV streamed batch by batch (audited). */
  async exportCsv(actor: Actor, query: CaseExportQuery): Promise<AsyncGenerator<string>> {
    return new CaseExport(await this.reads.reader(), this.kernel, this.audit).exportCsv(
      actor,
      query,
      FINANCE_READS,
    );
  }

  async list(
    actor: Actor,
    filter: {
      states?: CaseState[];
      membershipId?: string;
      overdue?: boolean;
      fulfilment?: string | undefined;
      limit: number;
    },
  ): Promise<CaseView[]> {
    return this.db.transaction(async (tx) => {
      const p = actor.principal;
      const own = p?.kind === 'user' && p.role === 'customer';
      // A beneficiary's own account lists that person's cases; a titular's, the memberships' cases.
      const grant = own ? await this.kernel.personGrantOf(tx, p.userId) : null;
      // One member's cases are their file: an agent lists them once the caller is verified.
      const verification =
        !own && filter.membershipId
          ? await clearanceFor(tx, actor, filter.membershipId, this.clock.now())
          : null;
      const found = await this.kernel.list(tx, {
        states: filter.states,
        fulfilment: p?.kind === 'user' && p.role === 'finance' ? FINANCE_READS : filter.fulfilment,
        membershipIds: grant ? [grant.membershipId] : filter.membershipId ? [filter.membershipId] : undefined,
        titularUserId: own && !grant ? p.userId : undefined,
        personId: grant?.personId,
        overdueAt: filter.overdue ? this.clock.now() : undefined,
        limit: filter.limit,
      });
      if (!own)
        await this.audit.record(tx, actor, {
          action: 'case.list',
          recordType: 'case',
          details: {
            count: found.length,
            ...(filter.overdue ? { overdue: true } : {}),
            ...(filter.membershipId ? { membershipId: filter.membershipId } : {}),
            ...(verification ? { verification } : {}),
          },
        });
      const views = await this.kernel.presentList(tx, found);
      return own || mayReachBlocked(actor) ? views : this.kernel.withoutBlocked(tx, views);
    });
  }

  /**
   * Staff following every case (the console's case board): audited like a read of the case list,
   * once per stream. The stream itself says only which case changed; the board reads the list.
   */
  async openBoardStream(actor: Actor): Promise<void> {
    await this.audit.recordRead(actor, { action: 'case.list.follow', recordType: 'case' });
  }

  /** For the live stream: checks the caller may follow the case (and audits a staff read). */
  async openStream(actor: Actor, id: string): Promise<CaseRow> {
    return this.db.transaction(async (tx) => {
      const kase = await this.kernel.find(tx, id);
      if (!kase) throw new AppError('CASE_NOT_FOUND');
      await this.kernel.authorize(tx, actor, kase);
      await this.kernel.auditAction(tx, actor, 'case.follow', id);
      return kase;
    });
  }

  async eventsAfter(caseId: string, afterSeq: number, staff: boolean) {
    const events = await this.kernel.events(this.db, caseId, afterSeq);
    const kase = await this.kernel.find(this.db, caseId);
    const audience = kase ? audienceOf(staff, kase) : audienceOf(staff, { providerId: null });
    return { events: events.map((e) => presentEvent(e, audience)), kase };
  }

  /** Cancelled before the provider arrives: the reserved use comes back. */
  async cancel(actor: Actor, caseId: string, reason: string): Promise<CaseView> {
    return this.db.transaction(async (tx) => {
      const kase = await this.kernel.lock(tx, caseId);
      await this.kernel.authorize(tx, actor, kase);
      if (!isCancellable(kase.state as CaseState)) throw new AppError('CASE_NOT_CANCELLABLE');
      await this.kernel.cancel(tx, actor, kase, 'cancelled_by_request', reason);
      // Staff or a partner closed it: the titular reads why (their own cancellation says it on screen).
      await this.kernel.messages.closedWithoutService(tx, actor, kase, 'cancelled', {
        es: reason,
        en: reason,
      });
      await this.kernel.auditAction(tx, actor, 'case.cancel', caseId);
      return this.kernel.viewAfter(tx, caseId, isStaff(actor.principal));
    });
  }

  /**
   * The customer rates a completed case, once: the score (and comment) stay as given, so a
   * provider's average never moves under it afterwards. Anything to add goes to a complaint.
   */
  async rate(actor: Actor, caseId: string, input: { score: number; comment?: string | undefined }) {
    return this.db.transaction(async (tx) => {
      const kase = await this.kernel.lock(tx, caseId);
      await this.kernel.authorize(tx, actor, kase);
      if (kase.state !== 'completed') throw new AppError('CASE_NOT_RATEABLE');
      if (kase.ratedAt) throw new AppError('CASE_ALREADY_RATED');
      const now = this.clock.now();
      const comment = input.comment?.trim() || null;
      await this.kernel.update(tx, caseId, {
        ratingScore: input.score,
        ratingComment: comment,
        ratedAt: now,
        updatedAt: now,
      });
      await this.kernel.append(tx, actor, kase, 'rated', 'completed', null, { score: input.score });
      return this.kernel.viewAfter(tx, caseId, isStaff(actor.principal));
    });
  }

  /**
   * An agent corrects the case's place (the console's pin, dragged to where the person is). The
   * point is what the agent placed: `exact`, unless a reported accuracy says it is coarser. Its
   * state and what the case's kind needs (dispatch's travel times) are worked out before the
   * transaction.
   */
  async movePlace(
    actor: Actor,
    caseId: string,
    input: { lat: number; lng: number; address?: string | undefined; accuracyM?: number | undefined },
  ): Promise<CaseView> {
    const point = { lat: input.lat, lng: input.lng };
    const stateCode = await this.geocoder.stateAt(point);
    const prepared = await this.kernel.prepareMove(this.db, caseId, point);
    return this.db.transaction(async (tx) => {
      const kase = await this.kernel.lock(tx, caseId);
      await this.kernel.authorize(tx, actor, kase);
      const accuracyM = input.accuracyM === undefined ? null : Math.ceil(input.accuracyM);
      await this.kernel.movePlace(
        tx,
        actor,
        caseId,
        {
          lat: input.lat,
          lng: input.lng,
          address: input.address,
          precision: accuracyM === null ? 'exact' : precisionOfAccuracy(accuracyM),
          accuracyM,
          stateCode,
        },
        'agent',
        {},
        prepared,
      );
      return this.kernel.viewAfter(tx, caseId, isStaff(actor.principal));
    });
  }

  // --- SLA targets ---------------------------------------------------------------------------

  async slaTargets() {
    return (await this.repository.slaTargets(this.db)).map((t) => ({
      serviceCode: t.serviceCode,
      dispatchMinutes: t.dispatchMinutes,
      arrivalMinutes: t.arrivalMinutes,
      updatedAt: t.updatedAt.toISOString(),
    }));
  }

  async setSlaTarget(
    actor: Actor,
    serviceCode: string,
    input: { dispatchMinutes: number; arrivalMinutes: number | null },
  ) {
    if (!(await this.catalog.serviceByCode(this.db, serviceCode)))
      throw new AppError('SERVICE_UNKNOWN', { extensions: { serviceCode } });
    if (input.arrivalMinutes !== null && input.arrivalMinutes < input.dispatchMinutes)
      throw new AppError('SLA_TARGET_INVALID', {
        detail: 'arrivalMinutes must not be less than dispatchMinutes',
      });
    return this.db.transaction(async (tx) => {
      const row = { serviceCode, ...input, updatedAt: this.clock.now() };
      await this.repository.upsertSlaTarget(tx, row);
      await this.audit.record(tx, actor, {
        action: 'sla_target.set',
        recordType: 'sla_target',
        recordId: null,
        details: { serviceCode, ...input },
      });
      return { ...row, updatedAt: row.updatedAt.toISOString() };
    });
  }
}

/**
 * The address as the case stores it: the parts as the geocoder understood them ("Av. Patria 1200,
 * Ciudad Granja, C.P. 45010, Zapopan, Jalisco"); the text as typed when the parts say less.
 */
export function addressText(n: NormalisedAddress, typed: string | undefined): string {
  const street = [n.street, n.number].filter(Boolean).join(' ');
  const parts = [
    street,
    n.colonia,
    n.postalCode ? `C.P. ${n.postalCode}` : null,
    n.municipality,
    n.stateCode ? (stateByCode(n.stateCode)?.name ?? n.stateCode) : null,
  ].filter((p): p is string => Boolean(p));
  const composed = parts.join(', ');
  const text = typed?.trim() ?? n.text ?? '';
  if (!n.street && text) return text;
  return composed || text;
}
