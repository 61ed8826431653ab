import type { Executor, Transaction } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import type { Point } from '../../lib/geo.ts';
import { type Actor, isStaff, SYSTEM_ACTOR } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { ProviderRow } from '../dispatch/repository.ts';
import type { Decision } from '../entitlements/decide.ts';
import type { EntitlementsService } from '../entitlements/service.ts';
import type { EventRecorder } from '../events/recorder.ts';
import { blockedMemberships } from '../members/read-model.ts';
import { assertMayReach } from '../members/service.ts';
import './errors.ts';
import { withPersonBlocked } from './blocked.ts';
import type { Fulfilment, FulfilmentModule } from './fulfilment.ts';
import { ASSIGNED_STATES, type CaseState, isClosed } from './lifecycle.ts';
import { type CaseMessages, refusalReason } from './messages.ts';
import type { PlaceChange, PlaceSource } from './place.ts';
import type { CaseEventRow, CaseFilter, CaseRow, CasesRepository } from './repository.ts';
import { type CaseDetails, eventActor, stored } from './request.ts';
import { type CaseView, type EventAudience, presentCase, STAFF_AUDIENCE } from './views.ts';

/** Who a case names as its provider, read from the provider network (dispatch's registry). */
export interface ProviderDirectory {
  provider(executor: Executor, id: string): Promise<ProviderRow | undefined>;
  providersByIds(executor: Executor, ids: string[]): Promise<Map<string, ProviderRow>>;
}

export function audienceOf(staff: boolean, kase: Pick<CaseRow, 'providerId'>): EventAudience {
  return staff ? STAFF_AUDIENCE : { staff: false, assignedProviderId: kase.providerId };
}

/** Finance reviews claims; other cases (medical ones among them) are not its business. */
export const FINANCE_READS: Fulfilment = 'reimbursement';

/**
 * The case kernel: the only writer of cases and their timeline. Every act on a case, whichever
 * kind of help it is, goes through here: lock the row, check the caller may reach it, change its
 * state, append the event, reserve (or be refused) its use, audit, and present it. Each change
 * locks the case row first, so concurrent acts on one case (two acceptances, an acceptance and a
 * hand assignment, a cancellation and an arrival) happen one after the other and the second sees
 * the first. The kinds of help plug in as `FulfilmentModule`s.
 */
export class CaseKernel {
  private readonly modules = new Map<string, FulfilmentModule>();

  constructor(
    private readonly repository: CasesRepository,
    private readonly entitlements: EntitlementsService,
    private readonly audit: AuditService,
    private readonly providers: ProviderDirectory,
    private readonly clock: Clock,
    /** The messages cases owe people; the kinds of help write theirs through it too. */
    readonly messages: CaseMessages,
    /** The event log partners read: a case opened, and each change of its state. */
    private readonly eventLog: EventRecorder,
  ) {}

  /** Adds a kind of help; a service whose kind has no module is refused (FULFILMENT_NOT_AVAILABLE). */
  register(module: FulfilmentModule): void {
    this.modules.set(module.kind, module);
  }

  moduleOf(fulfilment: string): FulfilmentModule {
    const module = this.modules.get(fulfilment);
    if (!module) throw new AppError('FULFILMENT_NOT_AVAILABLE', { extensions: { fulfilment } });
    return module;
  }

  // --- Reading -------------------------------------------------------------------------------

  async find(executor: Executor, caseId: string): Promise<CaseRow | undefined> {
    return this.repository.byId(executor, caseId);
  }

  /** These cases, by id (those that exist). */
  async findMany(executor: Executor, caseIds: string[]): Promise<Map<string, CaseRow>> {
    const found = await this.repository.byIds(executor, caseIds);
    return new Map(found.map((c) => [c.id, c]));
  }

  async lock(tx: Transaction, caseId: string): Promise<CaseRow> {
    const kase = await this.repository.byId(tx, caseId, true);
    if (!kase) throw new AppError('CASE_NOT_FOUND');
    return kase;
  }

  async personGrantOf(executor: Executor, userId: string) {
    return this.repository.personGrantOf(executor, userId);
  }

  async list(executor: Executor, filter: CaseFilter): Promise<CaseRow[]> {
    return this.repository.list(executor, filter);
  }

  /** A page of an export (`CasesRepository.exportPage`). */
  async exportPage(
    executor: Executor,
    filter: CaseFilter & { requestedFrom?: Date | undefined; requestedBefore?: Date | undefined },
    afterId: string | undefined,
  ): Promise<CaseRow[]> {
    return this.repository.exportPage(executor, filter, afterId);
  }

  async events(executor: Executor, caseId: string, afterSeq = 0): Promise<CaseEventRow[]> {
    return this.repository.events(executor, caseId, afterSeq);
  }

  /** Requests of a kind and these services waiting to be taken, oldest first (a professional's queue). */
  async waiting(executor: Executor, fulfilment: Fulfilment, serviceCodes: string[]): Promise<CaseRow[]> {
    return this.repository.waiting(executor, fulfilment, serviceCodes);
  }

  /** The cases a provider holds in these states (its jobs), oldest first. */
  async jobsOfProvider(executor: Executor, providerId: string, states: readonly CaseState[]) {
    return this.repository.jobsOfProvider(executor, providerId, states);
  }

  /** How many jobs each provider holds now (dispatch's `ProviderLoad`). */
  async activeJobs(executor: Executor, providerIds: string[]): Promise<Map<string, number>> {
    return this.repository.countByProvider(executor, providerIds, ASSIGNED_STATES);
  }

  // --- Who may act ---------------------------------------------------------------------------

  /** Customers reach their own cases; providers only through their jobs; staff and partners all. */
  async authorize(tx: Transaction, actor: Actor, kase: CaseRow): Promise<void> {
    const p = actor.principal;
    if (p?.kind === 'user' && p.role === 'provider') throw new AppError('CASE_NOT_FOUND');
    if (p?.kind === 'user' && p.role === 'finance' && kase.fulfilment !== FINANCE_READS)
      throw new AppError('CASE_NOT_FOUND');
    if (p?.kind === 'user' && p.role === 'customer') {
      const owner = await this.repository.titularUserOf(tx, kase.membershipId);
      // A beneficiary's own account reaches that person's cases on that membership, nobody else's.
      if (owner !== p.userId) {
        const grant = await this.repository.personGrantOf(tx, p.userId);
        if (grant?.membershipId === kase.membershipId && grant.personId === kase.personId) return;
      }
      try {
        assertMayReach(actor, owner);
      } catch {
        throw new AppError('CASE_NOT_FOUND');
      }
    }
  }

  /** Staff, partners and providers acting on a case are in the audit log; the customer's own acts are not. */
  async auditAction(
    tx: Transaction,
    actor: Actor,
    action: string,
    caseId: string,
    details?: Record<string, unknown>,
  ) {
    const p = actor.principal;
    if (isStaff(p) || p?.kind === 'api_key' || (p?.kind === 'user' && p.role === 'provider')) {
      await this.audit.record(tx, actor, { action, recordType: 'case', recordId: caseId, details });
    }
  }

  // --- Writing -------------------------------------------------------------------------------

  async insert(tx: Transaction, kase: CaseRow): Promise<void> {
    await this.repository.insert(tx, kase);
  }

  async update(tx: Transaction, caseId: string, changes: Partial<CaseRow>): Promise<void> {
    await this.repository.update(tx, caseId, changes);
  }

  async append(
    tx: Transaction,
    actor: Actor,
    kase: CaseRow,
    type: string,
    state: CaseState,
    note: string | null = null,
    data: Record<string, unknown> = {},
  ): Promise<CaseEventRow> {
    const { previousState, ...row } = await this.repository.appendEvent(tx, {
      caseId: kase.id,
      type,
      state,
      at: this.clock.now(),
      ...eventActor(actor),
      note,
      data,
    });
    // The timeline is every act on a case; partners are told its opening and its state's moves.
    if (previousState === null || previousState !== state) {
      const facts = {
        caseId: kase.id,
        number: kase.number,
        membershipId: kase.membershipId,
        personId: kase.personId,
        serviceCode: kase.serviceCode,
        channel: kase.channel,
      };
      await this.eventLog.record(tx, [
        previousState === null
          ? { type: 'case.created', membershipId: kase.membershipId, data: { ...facts, state } }
          : {
              type: 'case.state_changed',
              membershipId: kase.membershipId,
              data: { ...facts, fromState: previousState, toState: state, event: type },
            },
      ]);
    }
    return row;
  }

  /**
   * What the case's kind works out for a new place before the move's transaction (dispatch: the
   * travel times, maybe over the network); handed to `movePlace`. Nothing for an unknown case.
   */
  async prepareMove(executor: Executor, caseId: string, point: Point): Promise<unknown> {
    const kase = await this.repository.byId(executor, caseId);
    if (!kase || isClosed(kase.state as CaseState)) return undefined;
    return this.moduleOf(kase.fulfilment).prepare?.({ serviceCode: kase.serviceCode, place: point });
  }

  /**
   * Moves the case's place (an agent's correction, the caller's shared location): locks the case,
   * refuses a closed one (CASE_PLACE_NOT_CHANGEABLE), writes the point with its precision,
   * accuracy and state, appends `place_updated` (who, how, the point before) and records it in the
   * audit log whoever did it — the caller's link is anonymous, so it is audited here rather than
   * through `auditAction`. Then the case's kind follows the place (dispatch re-ranks a case still
   * waiting for a provider, or refigures the assigned one's ETA), with `prepared`, what
   * `prepareMove` answered for this point before the transaction. The caller has checked that
   * `actor` may reach the case.
   */
  async movePlace(
    tx: Transaction,
    actor: Actor,
    caseId: string,
    place: PlaceChange,
    source: PlaceSource,
    details: Record<string, unknown> = {},
    prepared: unknown = undefined,
  ): Promise<CaseRow> {
    const kase = await this.lock(tx, caseId);
    if (isClosed(kase.state as CaseState)) throw new AppError('CASE_PLACE_NOT_CHANGEABLE');
    const now = this.clock.now();
    const address = place.address?.trim() || kase.addressText;
    await this.repository.update(tx, kase.id, {
      lat: place.lat,
      lng: place.lng,
      addressText: address,
      placePrecision: place.precision,
      placeAccuracyM: place.accuracyM,
      stateCode: place.stateCode,
      updatedAt: now,
    });
    const data = {
      source,
      lat: place.lat,
      lng: place.lng,
      precision: place.precision,
      accuracyM: place.accuracyM,
      stateCode: place.stateCode,
      ...(address !== kase.addressText ? { address } : {}),
      previous: { lat: kase.lat, lng: kase.lng, precision: kase.placePrecision, stateCode: kase.stateCode },
    };
    await this.append(tx, actor, kase, 'place_updated', kase.state as CaseState, null, data);
    await this.audit.record(tx, actor, {
      action: 'case.place_update',
      recordType: 'case',
      recordId: kase.id,
      details: { ...data, ...details },
    });
    const moved: CaseRow = {
      ...kase,
      lat: place.lat,
      lng: place.lng,
      addressText: address,
      placePrecision: place.precision,
      placeAccuracyM: place.accuracyM,
      stateCode: place.stateCode,
      updatedAt: now,
    };
    await this.moduleOf(kase.fulfilment).placeMoved?.(tx, actor, moved, prepared);
    return moved;
  }

  /** The case ends unserved: its kind gives back what it holds, the use comes back, the timeline says why. */
  async cancel(tx: Transaction, actor: Actor, kase: CaseRow, reason: string, note: string | null) {
    const now = this.clock.now();
    await this.moduleOf(kase.fulfilment).cancelled(tx, kase);
    if (kase.reservationId) await this.entitlements.release(tx, SYSTEM_ACTOR, kase.reservationId, reason);
    await this.repository.update(tx, kase.id, {
      state: 'cancelled',
      closedAt: now,
      closeReason: reason,
      updatedAt: now,
    });
    await this.append(tx, actor, kase, 'cancelled', 'cancelled', note, {
      reason,
      useReleased: kase.reservationId !== null,
    });
  }

  /** The use held for the case comes back (a claim rejected). */
  async releaseUse(tx: Transaction, kase: CaseRow, reason: string): Promise<void> {
    if (kase.reservationId) await this.entitlements.release(tx, SYSTEM_ACTOR, kase.reservationId, reason);
  }

  /** The service was given: the reserved use is confirmed and the kind tidies what it has pending. */
  async confirmUse(tx: Transaction, kase: CaseRow): Promise<void> {
    if (kase.reservationId) await this.entitlements.confirm(tx, SYSTEM_ACTOR, kase.reservationId);
    await this.moduleOf(kase.fulfilment).completed(tx, kase);
  }

  /**
   * Reserves the case's use in a savepoint (the decision is taken again under the membership's
   * lock). On a refusal the case closes as refused with the new reasons, its provider released,
   * the titular is told why (unless `actor`, whose act this is, is the customer on their own
   * screen), and null comes back.
   */
  async reserveOrRefuse(
    tx: Transaction,
    actor: Actor,
    kase: CaseRow,
    estimatedCostCentavos?: number,
  ): Promise<string | null> {
    const outcome = await this.reserveOrClose(tx, actor, kase, estimatedCostCentavos);
    return 'reservationId' in outcome ? outcome.reservationId : null;
  }

  /** The same, handing back the refusal's error (code, sentence, decision) for callers who answer it. */
  async reserveOrClose(
    tx: Transaction,
    actor: Actor,
    kase: CaseRow,
    estimatedCostCentavos?: number,
  ): Promise<{ reservationId: string } | { refusal: AppError }> {
    const now = this.clock.now();
    try {
      const { reservation, decision } = await tx.transaction((savepoint) =>
        this.entitlements.reserve(savepoint, SYSTEM_ACTOR, {
          membershipId: kase.membershipId,
          personId: kase.personId,
          serviceCode: kase.serviceCode,
          caseId: kase.id,
          request: {
            specialty: (kase.details as CaseDetails)?.specialty,
            estimatedCostCentavos,
            country: kase.country,
          },
        }),
      );
      await this.repository.update(tx, kase.id, { decision: stored(decision) });
      return { reservationId: reservation.id };
    } catch (error) {
      const decision =
        error instanceof AppError ? (error.options.extensions?.decision as Decision | undefined) : undefined;
      if (!(error instanceof AppError) || !decision) throw error;
      await this.repository.update(tx, kase.id, {
        state: 'refused',
        decision: stored(decision),
        providerId: null,
        closedAt: now,
        closeReason: error.code,
        updatedAt: now,
      });
      await this.append(tx, SYSTEM_ACTOR, kase, 'refused', 'refused', null, {
        reasons: decision.reasons.filter((r) => !r.ok).map((r) => r.code),
      });
      await this.messages.closedWithoutService(tx, actor, kase, 'refused', refusalReason(decision));
      return { refusal: error };
    }
  }

  // --- Presenting ----------------------------------------------------------------------------

  /** The case as its reader may see it, with its timeline and what its kind adds. */
  async view(tx: Transaction, kase: CaseRow, staff: boolean): Promise<CaseView> {
    // One after another: a transaction is one connection, and pg refuses overlapping queries on one.
    const events = await this.repository.events(tx, kase.id);
    const provider = kase.providerId ? await this.providers.provider(tx, kase.providerId) : undefined;
    const parts = await this.moduleOf(kase.fulfilment).viewParts(tx, kase, staff);
    const view = presentCase(
      kase,
      events,
      provider ?? null,
      this.clock.now(),
      audienceOf(staff, kase),
      parts,
    );
    if (staff && (await blockedMemberships(tx, [kase.membershipId])).size > 0) return withPersonBlocked(view);
    return view;
  }

  /** A list as staff read it: the people whose data an ARCO cancellation blocked are not named. */
  async withoutBlocked(executor: Executor, views: CaseView[]): Promise<CaseView[]> {
    const blocked = await blockedMemberships(
      executor,
      views.map((v) => v.membershipId),
    );
    return blocked.size === 0
      ? views
      : views.map((v) => (blocked.has(v.membershipId) ? withPersonBlocked(v) : v));
  }

  /** Reads the case again (under its lock) and presents it: the answer of an act. */
  async viewAfter(tx: Transaction, caseId: string, staff: boolean): Promise<CaseView> {
    return this.view(tx, await this.lock(tx, caseId), staff);
  }

  /** Cases in a list: no timeline; who holds each, read once for the page. */
  async presentList(executor: Executor, found: CaseRow[]): Promise<CaseView[]> {
    const now = this.clock.now();
    const held = await this.providers.providersByIds(
      executor,
      found.flatMap((c) => (c.providerId ? [c.providerId] : [])),
    );
    return found.map((c) =>
      presentCase(
        c,
        null,
        (c.providerId && held.get(c.providerId)) || null,
        now,
        STAFF_AUDIENCE,
        this.moduleOf(c.fulfilment).listParts(c),
      ),
    );
  }
}
