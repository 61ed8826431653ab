import type { Database, Transaction } from '../../db/client.ts';
import { nextHumanNumber } from '../../db/numbers.ts';
import { type Clock, formatDateTime } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { IdempotencyService, Replayable } from '../../platform/idempotency/service.ts';
import type { Jobs } from '../../platform/jobs.ts';
import '../appointments/errors.ts';
import { type Actor, isStaff, SYSTEM_ACTOR } from '../../platform/principal.ts';
import type { AppointmentsRepository, SlotRow } from '../appointments/repository.ts';
import type { AuditService } from '../audit/service.ts';
import type { CatalogRepository } from '../catalog/repository.ts';
import { type ClaimDetails, claimDetailsOf } from '../claims/details.ts';
import { distanceKm, etaMinutes, type Point, travelMinutes } from '../dispatch/geo.ts';
import type { DispatchRepository, OfferRow } from '../dispatch/repository.ts';
import { type CandidateView, type DispatchService, OFFER_EXPIRY_QUEUE } from '../dispatch/service.ts';
import { type Decision, usageKey } from '../entitlements/decide.ts';
import type { EntitlementsService } from '../entitlements/service.ts';
import { assertMayReach } from '../members/service.ts';
import './errors.ts';
import { FULFILMENTS_AVAILABLE, type Fulfilment } from './fulfilment.ts';
import { ASSIGNED_STATES, type CaseState, canMove, isCancellable, type ProviderStatus } from './lifecycle.ts';
import type { CaseEventRow, CaseRow, CasesRepository } from './repository.ts';
import {
  type CaseView,
  type EventAudience,
  type ProviderJobView,
  presentCase,
  presentEvent,
  presentJob,
  STAFF_AUDIENCE,
} from './views.ts';

function audienceOf(staff: boolean, kase: Pick<CaseRow, 'providerId'>): EventAudience {
  return staff ? STAFF_AUDIENCE : { staff: false, assignedProviderId: kase.providerId };
}

export interface CaseInput {
  membershipId: string;
  /** `titular` or a beneficiary id. */
  personId: string;
  serviceCode: string;
  place: {
    address: string;
    lat: number;
    lng: number;
    stateCode?: string | undefined;
    country?: string | undefined;
  };
  description: string;
  details?: {
    specialty?: string | undefined;
    estimatedCostCentavos?: number | undefined;
    callbackPhone?: string | undefined;
    vehicle?: { make?: string; model?: string; year?: number; plates?: string; color?: string } | undefined;
    destination?: { address: string; lat?: number; lng?: number } | undefined;
    /** Reimbursement claims (claims/details.ts). */
    withdrawal?: ClaimDetails['withdrawal'] | undefined;
    cardDailyAtmMaximumCentavos?: number | undefined;
  };
}

/** Who did something, as the timeline shows it. */
function eventActor(actor: Actor): { actorKind: string; actorId: string | null; actorName: string } {
  const p = actor.principal;
  if (!p) return { actorKind: 'system', actorId: null, actorName: 'Libra' };
  if (p.kind === 'user') return { actorKind: p.role, actorId: p.userId, actorName: p.name };
  return { actorKind: `api_key:${p.role}`, actorId: p.apiKeyId, actorName: p.name };
}

function channelOf(actor: Actor): 'phone' | 'online' | 'bank' {
  const p = actor.principal;
  if (p?.kind === 'api_key') return 'bank';
  if (p?.kind === 'user' && p.role === 'customer') return 'online';
  return 'phone';
}

/** Decisions are stored as JSON: dates as ISO text, exactly as the API shows them. */
function stored(decision: Decision): Decision {
  return JSON.parse(JSON.stringify(decision));
}

const MINUTE_MS = 60_000;

/**
 * Assistance cases from the call to the provider at the door. The helpers `lock`, `authorize`,
 * `append`, `auditAction`, `reserveOrRefuse` and `view` are shared with the services of the other
 * case kinds (claims, remote consultations), which live beside this one and act on the same case. Each change locks the case row
 * first, so concurrent acts on one case (two acceptances, an acceptance and a hand assignment, a
 * cancellation and an arrival) happen one after the other and the second sees the first.
 */
export class CasesService {
  constructor(
    private readonly db: Database,
    private readonly repository: CasesRepository,
    private readonly dispatch: DispatchService,
    private readonly dispatchRepository: DispatchRepository,
    private readonly entitlements: EntitlementsService,
    private readonly catalog: CatalogRepository,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly appointments: AppointmentsRepository,
    private readonly clock: Clock,
  ) {}

  /** Background work this domain owns. */
  registerJobs(jobs: Jobs): void {
    jobs.handle<{ offerId: string }>(OFFER_EXPIRY_QUEUE, (data) => this.expireOffer(data.offerId));
  }

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

  async append(
    tx: Transaction,
    actor: Actor,
    kase: CaseRow,
    type: string,
    state: CaseState,
    note: string | null = null,
    data: Record<string, unknown> = {},
  ): Promise<CaseEventRow> {
    return this.repository.appendEvent(tx, {
      caseId: kase.id,
      type,
      state,
      at: this.clock.now(),
      ...eventActor(actor),
      note,
      data,
    });
  }

  async update(tx: Transaction, caseId: string, changes: Partial<CaseRow>): Promise<void> {
    await this.repository.update(tx, caseId, changes);
  }

  async lock(tx: Transaction, caseId: string): Promise<CaseRow> {
    const kase = await this.repository.byId(tx, caseId, true);
    if (!kase) throw new AppError('CASE_NOT_FOUND');
    return kase;
  }

  /** Customers reach their own cases; providers only through their jobs; staff and partners all. */
  async authorize(tx: Transaction, actor: Actor, kase: CaseRow): Promise<void> {
    const p = actor.principal;
    if (p?.kind === 'user' && p.role === 'provider') throw new AppError('CASE_NOT_FOUND');
    // Finance reviews claims; other cases (medical ones among them) are not its business.
    if (p?.kind === 'user' && p.role === 'finance' && kase.fulfilment !== 'reimbursement')
      throw new AppError('CASE_NOT_FOUND');
    if (p?.kind === 'user' && p.role === 'customer') {
      const owner = await this.repository.titularUserOf(tx, kase.membershipId);
      try {
        assertMayReach(actor, owner);
      } catch {
        throw new AppError('CASE_NOT_FOUND');
      }
    }
  }

  async view(tx: Transaction, kase: CaseRow, staff: boolean): Promise<CaseView> {
    const [events, provider, offers, notifications, documents] = await Promise.all([
      this.repository.events(tx, kase.id),
      kase.providerId
        ? this.dispatchRepository.providerById(tx, kase.providerId)
        : Promise.resolve(undefined),
      staff && kase.fulfilment === 'dispatch'
        ? this.dispatchRepository.offersOfCase(tx, kase.id)
        : Promise.resolve(null),
      kase.fulfilment === 'appointment'
        ? this.appointments.notificationsOf(tx, kase.id)
        : Promise.resolve(null),
      kase.fulfilment === 'reimbursement' ? this.repository.documentsOf(tx, kase.id) : Promise.resolve(null),
    ]);
    return presentCase(
      kase,
      events,
      provider ?? null,
      offers,
      this.clock.now(),
      notifications,
      documents,
      audienceOf(staff, kase),
    );
  }

  /**
   * Opens a case: the eligibility decision is taken and stored; a refused request is kept as
   * refused with its reasons; an allowed one is offered at once to the nearest provider.
   */
  async request(
    actor: Actor,
    input: CaseInput,
    idempotencyKey: string | undefined,
  ): Promise<Replayable<CaseView>> {
    const service = await this.catalog.serviceByCode(this.db, input.serviceCode);
    if (!service) throw new AppError('SERVICE_UNKNOWN', { extensions: { serviceCode: input.serviceCode } });
    const fulfilment = service.fulfilment as Fulfilment;
    if (!FULFILMENTS_AVAILABLE.includes(fulfilment))
      throw new AppError('FULFILMENT_NOT_AVAILABLE', { extensions: { fulfilment } });
    if (fulfilment === 'reimbursement') claimDetailsOf(input.details, this.clock.now());
    return this.db.transaction((tx) =>
      this.idempotency.run(
        tx,
        actor,
        { key: idempotencyKey, operation: 'POST /v1/cases', body: input },
        async () => {
          const now = this.clock.now();
          const country = (input.place.country ?? 'MX').toUpperCase();
          const { decision, personName } = await this.entitlements.decideIn(tx, actor, {
            membershipId: input.membershipId,
            personId: input.personId,
            serviceCode: input.serviceCode,
            request: {
              specialty: input.details?.specialty,
              estimatedCostCentavos: input.details?.estimatedCostCentavos,
              country,
            },
          });
          // An appointment's time is the slot the customer books, not a target to beat: no SLA.
          const sla =
            fulfilment === 'appointment' ? undefined : await this.repository.slaTarget(tx, input.serviceCode);
          const state: CaseState = decision.allowed ? 'requested' : 'refused';
          const kase: CaseRow = {
            id: newId(),
            number: await nextHumanNumber(tx, 'LP', now),
            membershipId: input.membershipId,
            personId: input.personId,
            personName: personName ?? '—',
            serviceCode: input.serviceCode,
            channel: channelOf(actor),
            fulfilment,
            slotId: null,
            appointmentAt: null,
            takenBy: null,
            approvedCentavos: null,
            payoutReference: null,
            state,
            addressText: input.place.address.trim(),
            lat: input.place.lat,
            lng: input.place.lng,
            stateCode: input.place.stateCode?.toUpperCase() ?? null,
            country,
            description: input.description.trim(),
            details: input.details ?? {},
            decision: stored(decision),
            reservationId: null,
            providerId: null,
            etaMinutes: null,
            etaAt: null,
            quoteCentavos: null,
            coveredCentavos: null,
            excessCentavos: null,
            excessAcceptedAt: null,
            excessAcceptedBy: null,
            finalCostCentavos: null,
            needsManualDispatch: false,
            requestedAt: now,
            dispatchedAt: null,
            enRouteAt: null,
            onSiteAt: null,
            completedAt: null,
            closedAt: decision.allowed ? null : now,
            closeReason: decision.allowed ? null : (decision.reasons.find((r) => !r.ok)?.code ?? null),
            dispatchDueAt: sla ? new Date(now.getTime() + sla.dispatchMinutes * MINUTE_MS) : null,
            arrivalDueAt: sla?.arrivalMinutes
              ? new Date(now.getTime() + sla.arrivalMinutes * MINUTE_MS)
              : null,
            lastSeq: 0,
            openedBy: eventActor(actor).actorName,
            updatedAt: now,
          };
          await this.repository.insert(tx, kase);
          await this.append(tx, actor, kase, 'requested', 'requested', null, { channel: kase.channel });
          if (!decision.allowed) {
            await this.append(tx, SYSTEM_ACTOR, kase, 'refused', 'refused', null, {
              reasons: decision.reasons.filter((r) => !r.ok).map((r) => r.code),
            });
          } else if (fulfilment === 'dispatch') {
            await this.offerNext(tx, kase);
          } else if (fulfilment === 'reimbursement') {
            // A claim holds its use from filing: a second one in the year is refused at once.
            const reservationId = await this.reserveOrRefuse(tx, kase);
            if (reservationId) {
              await this.repository.update(tx, kase.id, { state: 'under_review', reservationId });
              await this.append(tx, SYSTEM_ACTOR, kase, 'under_review', 'under_review');
            }
          }
          await this.auditAction(tx, actor, 'case.open', kase.id, { allowed: decision.allowed });
          const created = await this.lock(tx, kase.id);
          return { status: 201, body: await this.view(tx, created, isStaff(actor.principal)) };
        },
      ),
    );
  }

  /** Offers the case to the next provider, or flags it for an agent when nobody can take it. */
  private async offerNext(tx: Transaction, kase: CaseRow): Promise<OfferRow | null> {
    const offer = await this.dispatch.offerNext(tx, kase);
    if (offer) {
      await this.append(tx, SYSTEM_ACTOR, kase, 'offered', 'requested', null, {
        offerId: offer.id,
        providerId: offer.providerId,
        providerName: offer.providerName,
        attempt: offer.attempt,
        distanceKm: offer.distanceKm,
        etaMinutes: offer.etaMinutes,
        expiresAt: offer.expiresAt.toISOString(),
      });
      if (kase.needsManualDispatch)
        await this.repository.update(tx, kase.id, {
          needsManualDispatch: false,
          updatedAt: this.clock.now(),
        });
      return offer;
    }
    await this.repository.update(tx, kase.id, { needsManualDispatch: true, updatedAt: this.clock.now() });
    await this.append(tx, SYSTEM_ACTOR, kase, 'no_provider_available', 'requested');
    return null;
  }

  async get(actor: Actor, id: string): Promise<CaseView> {
    return this.db.transaction(async (tx) => {
      const kase = await this.repository.byId(tx, id);
      if (!kase) throw new AppError('CASE_NOT_FOUND');
      await this.authorize(tx, actor, kase);
      await this.auditAction(tx, actor, 'case.read', id);
      return this.view(tx, kase, isStaff(actor.principal));
    });
  }

  /**
   * The providers that give the case's service, by distance and ETA from its place (staff's
   * dispatch board), with the platform's clock at the time of the answer.
   */
  async candidates(actor: Actor, id: string): Promise<{ data: CandidateView[]; asOf: string }> {
    return this.db.transaction(async (tx) => {
      const kase = await this.repository.byId(tx, id);
      if (!kase) throw new AppError('CASE_NOT_FOUND');
      await this.authorize(tx, actor, kase);
      await this.auditAction(tx, actor, 'case.candidates', id);
      // The platform's "now" goes with the list: the board counts an offer down against it.
      return { data: await this.dispatch.survey(tx, kase), asOf: this.clock.now().toISOString() };
    });
  }

  /** Staff see every case (the queue); a customer sees their own. */
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
      const found = await this.repository.list(tx, {
        states: filter.states,
        fulfilment: p?.kind === 'user' && p.role === 'finance' ? 'reimbursement' : filter.fulfilment,
        membershipIds: filter.membershipId ? [filter.membershipId] : undefined,
        titularUserId: own ? p.userId : undefined,
        overdueAt: filter.overdue ? this.clock.now() : undefined,
        limit: filter.limit,
      });
      if (!own)
        await this.audit.record(tx, actor, {
          action: 'case.list',
          recordType: 'case',
          details: { count: found.length, ...(filter.overdue ? { overdue: true } : {}) },
        });
      const now = this.clock.now();
      const held = await this.repository.providersOf(
        tx,
        found.flatMap((c) => (c.providerId ? [c.providerId] : [])),
      );
      return found.map((c) =>
        presentCase(c, null, (c.providerId && held.get(c.providerId)) || null, null, now),
      );
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
      const kase = await this.repository.byId(tx, id);
      if (!kase) throw new AppError('CASE_NOT_FOUND');
      await this.authorize(tx, actor, kase);
      await this.auditAction(tx, actor, 'case.follow', id);
      return kase;
    });
  }

  async eventsAfter(caseId: string, afterSeq: number, staff: boolean) {
    const events = await this.repository.events(this.db, caseId, afterSeq);
    const kase = await this.repository.byId(this.db, caseId);
    const audience = kase ? audienceOf(staff, kase) : audienceOf(staff, { providerId: null });
    return { events: events.map((e) => presentEvent(e, audience)), kase };
  }

  // --- The provider's side -------------------------------------------------------------------

  async acceptOffer(
    actor: Actor,
    offerId: string,
    input: { quoteCentavos?: number | undefined; etaMinutes?: number | undefined },
  ): Promise<CaseView> {
    const providerId = this.dispatch.providerIdOf(actor);
    return this.db.transaction(async (tx) => {
      const seen = await this.dispatchRepository.offerById(tx, offerId);
      if (!seen || seen.providerId !== providerId) throw new AppError('OFFER_NOT_FOUND');
      const kase = await this.lock(tx, seen.caseId);
      const offer = await this.dispatchRepository.offerById(tx, offerId, true);
      if (!offer) throw new AppError('OFFER_NOT_FOUND');
      const now = this.clock.now();
      if (offer.status === 'expired' || (offer.status === 'pending' && now >= offer.expiresAt))
        throw new AppError('OFFER_EXPIRED');
      if (offer.status !== 'pending' || kase.state !== 'requested') throw new AppError('OFFER_NOT_PENDING');
      const quote = this.checkQuote(kase, input.quoteCentavos);
      await this.dispatchRepository.updateOffer(tx, offer.id, {
        status: 'accepted',
        respondedAt: now,
        quoteCentavos: quote,
      });
      await this.append(tx, actor, kase, 'offer_accepted', 'requested', null, {
        offerId: offer.id,
        providerId,
        ...(quote !== null ? { quoteCentavos: quote } : {}),
      });
      await this.auditAction(tx, actor, 'case.offer_accept', kase.id, { offerId });
      await this.assignProvider(tx, actor, kase, providerId, quote, input.etaMinutes ?? offer.etaMinutes);
      return this.view(tx, await this.lock(tx, kase.id), false);
    });
  }

  async declineOffer(actor: Actor, offerId: string, reason: string | undefined): Promise<void> {
    const providerId = this.dispatch.providerIdOf(actor);
    await this.db.transaction(async (tx) => {
      const seen = await this.dispatchRepository.offerById(tx, offerId);
      if (!seen || seen.providerId !== providerId) throw new AppError('OFFER_NOT_FOUND');
      const kase = await this.lock(tx, seen.caseId);
      const offer = await this.dispatchRepository.offerById(tx, offerId, true);
      if (!offer || offer.status !== 'pending') throw new AppError('OFFER_NOT_PENDING');
      await this.dispatchRepository.updateOffer(tx, offer.id, {
        status: 'declined',
        respondedAt: this.clock.now(),
        declineReason: reason ?? null,
      });
      await this.append(tx, actor, kase, 'offer_declined', kase.state as CaseState, reason ?? null, {
        offerId,
        providerId,
      });
      await this.auditAction(tx, actor, 'case.offer_decline', kase.id, { offerId });
      await this.offerNext(tx, kase);
    });
  }

  /** The offer-expiry job: an unanswered offer expires and the case goes to the next nearest. */
  async expireOffer(offerId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const seen = await this.dispatchRepository.offerById(tx, offerId);
      if (!seen || seen.status !== 'pending') return;
      const kase = await this.lock(tx, seen.caseId);
      const offer = await this.dispatchRepository.offerById(tx, offerId, true);
      if (!offer || offer.status !== 'pending') return;
      if (this.clock.now() < offer.expiresAt) {
        // Early by the business clock (an injected one): look again when it is due.
        await this.dispatch.scheduleExpiry(tx, offer);
        return;
      }
      await this.dispatchRepository.updateOffer(tx, offer.id, {
        status: 'expired',
        respondedAt: this.clock.now(),
      });
      await this.append(tx, SYSTEM_ACTOR, kase, 'offer_expired', 'requested', null, {
        offerId,
        providerId: offer.providerId,
      });
      await this.offerNext(tx, kase);
    });
  }

  /** A capped service needs the provider's quote; others take none. */
  private checkQuote(kase: CaseRow, quote: number | undefined): number | null {
    const cost = (kase.decision as Decision).cost;
    if (cost?.kind === 'capped') {
      if (quote === undefined) throw new AppError('QUOTE_REQUIRED');
      return quote;
    }
    return quote ?? null;
  }

  /**
   * The provider takes the case. When its quote goes over the cap and the excess must be
   * accepted first (the tow), the case waits for the customer; otherwise it is dispatched.
   */
  private async assignProvider(
    tx: Transaction,
    actor: Actor,
    kase: CaseRow,
    providerId: string,
    quote: number | null,
    eta: number,
  ): Promise<void> {
    const now = this.clock.now();
    const cost = (kase.decision as Decision).cost;
    let covered: number | null = null;
    let excess: number | null = null;
    if (cost?.kind === 'capped' && quote !== null) {
      covered = Math.min(quote, cost.capCentavos);
      excess = quote - covered;
    }
    const changes = {
      providerId,
      quoteCentavos: quote,
      coveredCentavos: covered,
      excessCentavos: excess,
      etaMinutes: eta,
      etaAt: new Date(now.getTime() + eta * MINUTE_MS),
      needsManualDispatch: false,
      updatedAt: now,
    };
    await this.repository.update(tx, kase.id, changes);
    const assigned = { ...kase, ...changes };
    if (excess && excess > 0 && (await this.excessMustBeAccepted(tx, kase, quote as number))) {
      await this.repository.update(tx, kase.id, { state: 'awaiting_excess_acceptance' });
      await this.append(tx, SYSTEM_ACTOR, assigned, 'excess_pending', 'awaiting_excess_acceptance', null, {
        quoteCentavos: quote,
        coveredCentavos: covered,
        excessCentavos: excess,
      });
      return;
    }
    await this.dispatchNow(tx, actor, { ...assigned, state: kase.state });
  }

  /** Whether the plan's rule asks the customer to accept this quote's excess before dispatch (the tow). */
  private async excessMustBeAccepted(tx: Transaction, kase: CaseRow, quote: number): Promise<boolean> {
    const { decision } = await this.entitlements.decideIn(tx, SYSTEM_ACTOR, {
      membershipId: kase.membershipId,
      personId: kase.personId,
      serviceCode: kase.serviceCode,
      request: { estimatedCostCentavos: quote, country: kase.country },
    });
    return decision.cost?.kind === 'capped' && decision.cost.excessMustBeAccepted;
  }

  /**
   * Dispatch: the use is reserved in the ledger (the decision is taken again, under the
   * membership's lock). A refusal now — the last use taken meanwhile, the membership fallen past
   * due — closes the case as refused with its reasons, and the provider is released.
   */
  private async dispatchNow(tx: Transaction, actor: Actor, kase: CaseRow): Promise<void> {
    const reservationId = await this.reserveOrRefuse(tx, kase, kase.quoteCentavos ?? undefined);
    if (!reservationId) return;
    const now = this.clock.now();
    await this.repository.update(tx, kase.id, {
      state: 'dispatched',
      reservationId,
      dispatchedAt: now,
      updatedAt: now,
    });
    await this.append(tx, actor, kase, 'dispatched', 'dispatched', null, {
      providerId: kase.providerId,
      etaMinutes: kase.etaMinutes,
      etaAt: kase.etaAt?.toISOString() ?? null,
      reservationId,
    });
  }

  /** The customer (or the agent, for a caller on the phone) accepts or rejects the tow's excess. */
  async answerExcess(actor: Actor, caseId: string, input: { accept: boolean; note?: string | undefined }) {
    return this.db.transaction(async (tx) => {
      const kase = await this.lock(tx, caseId);
      await this.authorize(tx, actor, kase);
      if (kase.state !== 'awaiting_excess_acceptance') throw new AppError('CASE_NO_EXCESS_PENDING');
      const now = this.clock.now();
      const who = eventActor(actor);
      if (input.accept) {
        await this.repository.update(tx, caseId, {
          excessAcceptedAt: now,
          excessAcceptedBy: `${who.actorKind}:${who.actorName}`,
          updatedAt: now,
        });
        await this.append(
          tx,
          actor,
          kase,
          'excess_accepted',
          'awaiting_excess_acceptance',
          input.note ?? null,
          {
            excessCentavos: kase.excessCentavos,
          },
        );
        await this.dispatchNow(tx, actor, { ...kase, excessAcceptedAt: now });
      } else {
        await this.close(tx, actor, kase, 'excess_declined', input.note ?? null);
      }
      await this.auditAction(tx, actor, input.accept ? 'case.excess_accept' : 'case.excess_decline', caseId);
      return this.view(tx, await this.lock(tx, caseId), isStaff(actor.principal));
    });
  }

  private async close(tx: Transaction, actor: Actor, kase: CaseRow, reason: string, note: string | null) {
    const now = this.clock.now();
    const pending = await this.dispatchRepository.pendingOfferOf(tx, kase.id);
    if (pending)
      await this.dispatchRepository.updateOffer(tx, pending.id, { status: 'withdrawn', respondedAt: now });
    if (kase.reservationId) await this.entitlements.release(tx, SYSTEM_ACTOR, kase.reservationId, reason);
    if (kase.slotId && kase.state === 'booked') {
      await this.appointments.addBooking(tx, kase.slotId, -1);
      await this.appointments.cancelPendingNotifications(tx, kase.id);
    }
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

  /** Cancelled before the provider arrives: the reserved use comes back. */
  async cancel(actor: Actor, caseId: string, reason: string): Promise<CaseView> {
    return this.db.transaction(async (tx) => {
      const kase = await this.lock(tx, caseId);
      await this.authorize(tx, actor, kase);
      if (!isCancellable(kase.state as CaseState)) throw new AppError('CASE_NOT_CANCELLABLE');
      await this.close(tx, actor, kase, 'cancelled_by_request', reason);
      await this.auditAction(tx, actor, 'case.cancel', caseId);
      return this.view(tx, await this.lock(tx, caseId), isStaff(actor.principal));
    });
  }

  /** An agent sends a provider of their choice, with a reason (the automatic offer is withdrawn). */
  async assignByHand(
    actor: Actor,
    caseId: string,
    input: {
      providerId: string;
      reason: string;
      etaMinutes?: number | undefined;
      quoteCentavos?: number | undefined;
    },
  ): Promise<CaseView> {
    return this.db.transaction(async (tx) => {
      const kase = await this.lock(tx, caseId);
      if (kase.state !== 'requested')
        throw new AppError(
          (ASSIGNED_STATES as readonly string[]).includes(kase.state)
            ? 'CASE_ALREADY_DISPATCHED'
            : 'CASE_TRANSITION_INVALID',
        );
      const candidate = await this.dispatch.checkCanServe(tx, input.providerId, kase);
      const quote = this.checkQuote(kase, input.quoteCentavos);
      const now = this.clock.now();
      const pending = await this.dispatchRepository.pendingOfferOf(tx, kase.id);
      if (pending)
        await this.dispatchRepository.updateOffer(tx, pending.id, { status: 'withdrawn', respondedAt: now });
      const previous = await this.dispatchRepository.offersOfCase(tx, kase.id);
      await this.dispatchRepository.insertOffer(tx, {
        id: newId(),
        caseId: kase.id,
        providerId: input.providerId,
        status: 'accepted',
        attempt: previous.length + 1,
        distanceKm: candidate.distanceKm,
        etaMinutes: candidate.etaMinutes,
        offeredAt: now,
        expiresAt: now,
        respondedAt: now,
        quoteCentavos: quote,
        declineReason: null,
      });
      const eta = input.etaMinutes ?? candidate.etaMinutes;
      await this.append(tx, actor, kase, 'assigned_by_hand', 'requested', input.reason, {
        providerId: input.providerId,
        providerName: candidate.provider.name,
        etaMinutes: eta,
        automaticEtaMinutes: candidate.etaMinutes,
      });
      await this.auditAction(tx, actor, 'case.assign', caseId, { providerId: input.providerId });
      await this.assignProvider(tx, actor, kase, input.providerId, quote, eta);
      return this.view(tx, await this.lock(tx, caseId), true);
    });
  }

  /** Progress from the provider (or an agent on its behalf): en route, on site, completed. */
  async reportStatus(
    actor: Actor,
    caseId: string,
    input: { status: ProviderStatus; finalCostCentavos?: number | undefined; note?: string | undefined },
  ): Promise<ProviderJobView> {
    const p = actor.principal;
    const asProvider =
      (p?.kind === 'user' && p.role === 'provider') || (p?.kind === 'api_key' && p.role === 'provider');
    return this.db.transaction(async (tx) => {
      const kase = await this.lock(tx, caseId);
      if (asProvider && kase.providerId !== this.dispatch.providerIdOf(actor))
        throw new AppError('CASE_NOT_ASSIGNED_TO_YOU');
      const from = kase.state as CaseState;
      if (!canMove(from, input.status) || !kase.providerId)
        throw new AppError('CASE_TRANSITION_INVALID', { extensions: { from, to: input.status } });
      const now = this.clock.now();
      const changes: Partial<CaseRow> = { state: input.status, updatedAt: now };
      if (input.status === 'en_route') changes.enRouteAt = now;
      if (input.status === 'on_site') {
        changes.onSiteAt = now;
        changes.etaAt = now;
      }
      if (input.status === 'attended' || input.status === 'no_show') {
        // A missed appointment took its slot: the use counts, as an attended one does.
        changes.closedAt = now;
        changes.closeReason = input.status;
        if (kase.reservationId) await this.entitlements.confirm(tx, SYSTEM_ACTOR, kase.reservationId);
        await this.appointments.cancelPendingNotifications(tx, caseId);
      }
      if (input.status === 'completed') {
        changes.completedAt = now;
        changes.closedAt = now;
        changes.closeReason = 'completed';
        changes.finalCostCentavos = input.finalCostCentavos ?? kase.quoteCentavos ?? null;
        if (kase.reservationId) await this.entitlements.confirm(tx, SYSTEM_ACTOR, kase.reservationId);
      }
      await this.repository.update(tx, caseId, changes);
      await this.append(tx, actor, kase, input.status, input.status, input.note ?? null, {
        ...(input.status === 'attended' || input.status === 'no_show'
          ? { useConfirmed: kase.reservationId !== null }
          : {}),
        ...(input.status === 'completed'
          ? { finalCostCentavos: changes.finalCostCentavos, useConfirmed: kase.reservationId !== null }
          : {}),
      });
      await this.auditAction(tx, actor, `case.${input.status}`, caseId);
      return presentJob({ ...kase, ...changes });
    });
  }

  /**
   * The provider's position: jobs on the way get a new ETA, and their followers see it change.
   * A change under a minute is not news.
   */
  async providerMoved(actor: Actor, location: Point): Promise<{ updated: number }> {
    const providerId = this.dispatch.providerIdOf(actor);
    return this.db.transaction(async (tx) => {
      await this.dispatch.moveTo(tx, providerId, location);
      const jobs = await this.repository.jobsOfProvider(tx, providerId, ['dispatched', 'en_route']);
      const now = this.clock.now();
      let updated = 0;
      for (const job of jobs) {
        const kase = await this.lock(tx, job.id);
        const km = distanceKm(location, kase);
        const minutes = kase.state === 'en_route' ? travelMinutes(km) : etaMinutes(km);
        const etaAt = new Date(now.getTime() + minutes * MINUTE_MS);
        if (kase.etaAt && Math.abs(etaAt.getTime() - kase.etaAt.getTime()) < MINUTE_MS) continue;
        await this.repository.update(tx, kase.id, { etaMinutes: minutes, etaAt, updatedAt: now });
        await this.append(tx, actor, kase, 'eta_updated', kase.state as CaseState, null, {
          etaMinutes: minutes,
          etaAt: etaAt.toISOString(),
          distanceKm: Math.round(km * 100) / 100,
        });
        updated++;
      }
      return { updated };
    });
  }

  async providerJobs(actor: Actor): Promise<ProviderJobView[]> {
    const providerId = this.dispatch.providerIdOf(actor);
    const jobs = await this.repository.jobsOfProvider(this.db, providerId, [...ASSIGNED_STATES, 'booked']);
    return jobs.map(presentJob);
  }

  /**
   * One job of the caller's provider, in whatever state (so the provider still sees it once
   * completed or cancelled). Another provider's case answers as if it did not exist.
   */
  async providerJob(actor: Actor, caseId: string): Promise<ProviderJobView> {
    const providerId = this.dispatch.providerIdOf(actor);
    const kase = await this.repository.byId(this.db, caseId);
    if (!kase || kase.providerId !== providerId) throw new AppError('CASE_NOT_ASSIGNED_TO_YOU');
    return presentJob(kase);
  }

  // --- Appointments --------------------------------------------------------------------------

  /** A provider publishes a slot for one of its services (and a specialty, for consultations). */
  async publishSlot(
    actor: Actor,
    input: {
      serviceCode: string;
      specialty?: string | undefined;
      startsAt: Date;
      durationMinutes: number;
      capacity: number;
    },
  ): Promise<SlotRow> {
    const providerId = this.dispatch.providerIdOf(actor);
    const now = this.clock.now();
    if (input.startsAt <= now) throw new AppError('SLOT_IN_PAST');
    return this.db.transaction(async (tx) => {
      const provider = await this.dispatchRepository.providerById(tx, providerId, true);
      if (!provider) throw new AppError('PROVIDER_NOT_FOUND');
      const service = await this.catalog.serviceByCode(tx, input.serviceCode);
      if (!service || service.fulfilment !== 'appointment' || !provider.services.includes(input.serviceCode))
        throw new AppError('PROVIDER_CANNOT_SERVE');
      const endsAt = new Date(input.startsAt.getTime() + input.durationMinutes * MINUTE_MS);
      const specialty = input.specialty ? usageKey(input.specialty) : null;
      const slot: SlotRow = {
        id: newId(),
        providerId,
        serviceCode: input.serviceCode,
        specialty,
        startsAt: input.startsAt,
        endsAt,
        capacity: input.capacity,
        booked: 0,
        createdAt: now,
      };
      if ((await this.appointments.overlapping(tx, slot)).length) throw new AppError('SLOT_OVERLAPS');
      await this.appointments.insertSlot(tx, slot);
      await this.audit.record(tx, actor, {
        action: 'slot.publish',
        recordType: 'provider',
        recordId: providerId,
      });
      return slot;
    });
  }

  /** Every slot a provider published starting in [from, to), full or not (the demo seed's check). */
  async publishedSlots(providerId: string, from: Date, to: Date): Promise<SlotRow[]> {
    return this.appointments.slotsStartingBetween(this.db, providerId, from, to);
  }

  async openSlots(
    providerId: string,
    filter: { serviceCode?: string | undefined; specialty?: string | undefined; days: number },
  ): Promise<SlotRow[]> {
    if (!(await this.dispatchRepository.providerById(this.db, providerId)))
      throw new AppError('PROVIDER_NOT_FOUND');
    const from = this.clock.now();
    return this.appointments.openSlots(this.db, {
      providerId,
      serviceCode: filter.serviceCode,
      specialty: filter.specialty ? usageKey(filter.specialty) : undefined,
      from,
      to: new Date(from.getTime() + filter.days * 24 * 60 * MINUTE_MS),
    });
  }

  /**
   * Books the appointment case into a slot, or moves it to another. The first booking reserves
   * the use (the decision is taken again under the membership's lock); a move keeps it. A use the
   * membership no longer has (the specialty or the year's last consultation taken by another case
   * meanwhile, the membership fallen past due) closes the case as refused with its reasons, like
   * every late refusal, and the caller is answered with that refusal's error — thrown once the
   * transaction has committed, so the refused case stays.
   */
  async book(actor: Actor, caseId: string, slotId: string): Promise<CaseView> {
    const outcome = await this.db.transaction(
      async (tx): Promise<{ view: CaseView } | { refusal: AppError }> => {
        const kase = await this.lock(tx, caseId);
        await this.authorize(tx, actor, kase);
        if (kase.fulfilment !== 'appointment' || !canMove(kase.state as CaseState, 'booked'))
          throw new AppError('CASE_NOT_BOOKABLE', { extensions: { state: kase.state } });
        const slot = await this.appointments.slotById(tx, slotId, true);
        if (!slot) throw new AppError('SLOT_NOT_FOUND');
        const specialty = (kase.details as CaseInput['details'])?.specialty;
        if (
          slot.serviceCode !== kase.serviceCode ||
          (slot.specialty !== null && (!specialty || usageKey(specialty) !== slot.specialty))
        )
          throw new AppError('SLOT_NOT_SUITABLE');
        const now = this.clock.now();
        if (slot.startsAt <= now) throw new AppError('SLOT_IN_PAST');
        const staff = isStaff(actor.principal);
        if (kase.slotId === slot.id) return { view: await this.view(tx, kase, staff) };
        if (slot.booked >= slot.capacity) throw new AppError('SLOT_FULL');
        const moving = kase.state === 'booked';
        let reservationId = kase.reservationId;
        if (!moving) {
          const reserved = await this.reserveOrClose(tx, kase);
          if ('refusal' in reserved) {
            const { refusal } = reserved;
            return {
              refusal: new AppError(refusal.code, {
                ...refusal.options,
                extensions: { ...refusal.options.extensions, caseId, caseState: 'refused' },
              }),
            };
          }
          reservationId = reserved.reservationId;
        } else if (kase.slotId) {
          await this.appointments.addBooking(tx, kase.slotId, -1);
          await this.appointments.cancelPendingNotifications(tx, caseId);
        }
        await this.appointments.addBooking(tx, slot.id, 1);
        await this.repository.update(tx, caseId, {
          state: 'booked',
          providerId: slot.providerId,
          slotId: slot.id,
          appointmentAt: slot.startsAt,
          reservationId,
          ...(moving ? {} : { dispatchedAt: now }),
          updatedAt: now,
        });
        const provider = await this.dispatchRepository.providerById(tx, slot.providerId);
        await this.append(tx, actor, kase, moving ? 'rescheduled' : 'booked', 'booked', null, {
          slotId: slot.id,
          providerId: slot.providerId,
          providerName: provider?.name ?? null,
          appointmentAt: slot.startsAt.toISOString(),
          ...(moving && kase.appointmentAt
            ? { previousAppointmentAt: kase.appointmentAt.toISOString() }
            : {}),
        });
        await this.appointments.insertNotifications(
          tx,
          this.appointmentMessages(kase, slot, provider?.name ?? '', now),
        );
        await this.auditAction(tx, actor, moving ? 'case.reschedule' : 'case.book', caseId, { slotId });
        return { view: await this.view(tx, await this.lock(tx, caseId), staff) };
      },
    );
    if ('refusal' in outcome) throw outcome.refusal;
    return outcome.view;
  }

  /**
   * Reserves the case's use in a savepoint (the decision is taken again under the membership's
   * lock). On a refusal the case closes as refused with the new reasons, its provider released,
   * and null comes back.
   */
  async reserveOrRefuse(
    tx: Transaction,
    kase: CaseRow,
    estimatedCostCentavos?: number,
  ): Promise<string | null> {
    const outcome = await this.reserveOrClose(tx, kase, estimatedCostCentavos);
    return 'reservationId' in outcome ? outcome.reservationId : null;
  }

  /** The same, handing back the refusal's error (code, sentence, decision) for callers who answer it. */
  private async reserveOrClose(
    tx: Transaction,
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
            specialty: (kase.details as CaseInput['details'])?.specialty,
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
      return { refusal: error };
    }
  }

  /** A confirmation now, and reminders a day and two hours before (those still ahead). */
  private appointmentMessages(kase: CaseRow, slot: SlotRow, providerName: string, now: Date) {
    const when = formatDateTime(slot.startsAt, 'es-MX');
    const whenEn = formatDateTime(slot.startsAt, 'en');
    const base = {
      caseId: kase.id,
      membershipId: kase.membershipId,
      channel: 'sms',
      status: 'pending',
      createdAt: now,
    };
    const messages = [
      {
        ...base,
        id: newId(),
        kind: 'appointment_confirmation',
        sendAt: now,
        bodyEs: `Tu cita con ${providerName} quedó agendada para el ${when}. Caso ${kase.number}.`,
        bodyEn: `Your appointment with ${providerName} is booked for ${whenEn}. Case ${kase.number}.`,
      },
    ];
    for (const hours of [24, 2]) {
      const sendAt = new Date(slot.startsAt.getTime() - hours * 60 * MINUTE_MS);
      if (sendAt <= now) continue;
      messages.push({
        ...base,
        id: newId(),
        kind: `appointment_reminder_${hours}h`,
        sendAt,
        bodyEs: `Recordatorio: tu cita con ${providerName} es el ${when}. Caso ${kase.number}.`,
        bodyEn: `Reminder: your appointment with ${providerName} is on ${whenEn}. Case ${kase.number}.`,
      });
    }
    return messages;
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
