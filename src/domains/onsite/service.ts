import type { Database, Transaction } from '../../db/client.ts';
import { type Clock, MINUTE_MS } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import type { Jobs } from '../../platform/jobs.ts';
import { type Actor, isStaff, SYSTEM_ACTOR } from '../../platform/principal.ts';
import type { CaseKernel } from '../cases/kernel.ts';
import { ASSIGNED_STATES, type CaseState } from '../cases/lifecycle.ts';
import type { CaseRow } from '../cases/repository.ts';
import { eventActor } from '../cases/request.ts';
import type { CaseView } from '../cases/views.ts';
import { type CandidateView, type DispatchService, OFFER_EXPIRY_QUEUE } from '../dispatch/service.ts';
import { NO_PLAN, type TravelPlan } from '../dispatch/travel-plan.ts';
import type { Decision } from '../entitlements/decide.ts';
import type { EntitlementsService } from '../entitlements/service.ts';
import { jobOf, type OnsiteFulfilment } from './fulfilment.ts';
import { tellExcess, tellProviderAssigned } from './messages.ts';

/**
 * Sending a provider to a case: offers answered or expired, the agent's hand assignment, the
 * tow's excess accepted, and the dispatch (the use reserved). Dispatch ranks and keeps offers;
 * this service moves the case.
 */
export class OnsiteService {
  constructor(
    private readonly db: Database,
    private readonly kernel: CaseKernel,
    private readonly fulfilment: OnsiteFulfilment,
    private readonly dispatch: DispatchService,
    private readonly entitlements: EntitlementsService,
    private readonly clock: Clock,
  ) {}

  /** Background work this module owns. */
  registerJobs(jobs: Jobs): void {
    jobs.handle<{ offerId: string }>(OFFER_EXPIRY_QUEUE, (data) => this.expireOffer(data.offerId));
  }

  /**
   * The providers that give the case's service, by distance and ETA from its place (staff's
   * dispatch board), with the platform's clock at the time of the answer.
   */
  async candidates(actor: Actor, id: string): Promise<{ data: CandidateView[]; asOf: string }> {
    const kase = await this.db.transaction(async (tx) => {
      const found = await this.kernel.find(tx, id);
      if (!found) throw new AppError('CASE_NOT_FOUND');
      await this.kernel.authorize(tx, actor, found);
      await this.kernel.auditAction(tx, actor, 'case.candidates', id);
      return found;
    });
    // After the transaction: the travel times may come from a router over the network.
    const plan = await this.dispatch.plan(kase.serviceCode, kase);
    // The platform's "now" goes with the list: the board counts an offer down against it.
    return {
      data: await this.dispatch.survey(this.db, jobOf(kase), plan),
      asOf: this.clock.now().toISOString(),
    };
  }

  /**
   * Travel times from the providers to a case's place, asked of the routing port before the
   * transaction that will rank them (which re-checks them: a place or a unit that moved meanwhile
   * gets the road estimate). No such case: nothing planned.
   */
  private async planFor(caseId: string): Promise<TravelPlan> {
    const kase = await this.kernel.find(this.db, caseId);
    return kase ? this.dispatch.plan(kase.serviceCode, kase) : NO_PLAN;
  }

  async acceptOffer(
    actor: Actor,
    offerId: string,
    input: { quoteCentavos?: number | undefined; etaMinutes?: number | undefined },
  ): Promise<CaseView> {
    const providerId = this.dispatch.providerIdOf(actor);
    return this.db.transaction(async (tx) => {
      const seen = await this.dispatch.offer(tx, offerId);
      if (!seen || seen.providerId !== providerId) throw new AppError('OFFER_NOT_FOUND');
      const kase = await this.kernel.lock(tx, seen.caseId);
      const offer = await this.dispatch.offer(tx, offerId, true);
      if (!offer) throw new AppError('OFFER_NOT_FOUND');
      const now = this.clock.now();
      if (offer.status === 'expired' || (offer.status === 'pending' && now >= offer.expiresAt))
        throw new AppError('OFFER_EXPIRED');
      if (offer.status !== 'pending' || kase.state !== 'requested') throw new AppError('OFFER_NOT_PENDING');
      const quote = this.checkQuote(kase, input.quoteCentavos);
      await this.dispatch.closeOffer(tx, offer.id, { status: 'accepted', quoteCentavos: quote });
      await this.kernel.append(tx, actor, kase, 'offer_accepted', 'requested', null, {
        offerId: offer.id,
        providerId,
        ...(quote !== null ? { quoteCentavos: quote } : {}),
      });
      await this.kernel.auditAction(tx, actor, 'case.offer_accept', kase.id, { offerId });
      await this.assignProvider(tx, actor, kase, providerId, quote, input.etaMinutes ?? offer.etaMinutes);
      return this.kernel.viewAfter(tx, kase.id, false);
    });
  }

  async declineOffer(actor: Actor, offerId: string, reason: string | undefined): Promise<void> {
    const providerId = this.dispatch.providerIdOf(actor);
    const before = await this.dispatch.offer(this.db, offerId);
    const plan =
      before?.providerId === providerId && before.status === 'pending'
        ? await this.planFor(before.caseId)
        : NO_PLAN;
    await this.db.transaction(async (tx) => {
      const seen = await this.dispatch.offer(tx, offerId);
      if (!seen || seen.providerId !== providerId) throw new AppError('OFFER_NOT_FOUND');
      const kase = await this.kernel.lock(tx, seen.caseId);
      const offer = await this.dispatch.offer(tx, offerId, true);
      if (!offer || offer.status !== 'pending') throw new AppError('OFFER_NOT_PENDING');
      await this.dispatch.closeOffer(tx, offer.id, { status: 'declined', declineReason: reason ?? null });
      await this.kernel.append(tx, actor, kase, 'offer_declined', kase.state as CaseState, reason ?? null, {
        offerId,
        providerId,
      });
      await this.kernel.auditAction(tx, actor, 'case.offer_decline', kase.id, { offerId });
      await this.fulfilment.offerNext(tx, kase, plan);
    });
  }

  /** The offer-expiry job: an unanswered offer expires and the case goes to the next nearest. */
  async expireOffer(offerId: string): Promise<void> {
    const before = await this.dispatch.offer(this.db, offerId);
    if (!before || before.status !== 'pending') return;
    const plan = this.clock.now() < before.expiresAt ? NO_PLAN : await this.planFor(before.caseId);
    await this.db.transaction(async (tx) => {
      const seen = await this.dispatch.offer(tx, offerId);
      if (!seen || seen.status !== 'pending') return;
      const kase = await this.kernel.lock(tx, seen.caseId);
      const offer = await this.dispatch.offer(tx, offerId, true);
      if (!offer || offer.status !== 'pending') return;
      if (this.clock.now() < offer.expiresAt) {
        // Early by the business clock (an injected one): look again when it is due.
        await this.dispatch.scheduleExpiry(tx, offer);
        return;
      }
      await this.dispatch.closeOffer(tx, offer.id, { status: 'expired' });
      await this.kernel.append(tx, SYSTEM_ACTOR, kase, 'offer_expired', 'requested', null, {
        offerId,
        providerId: offer.providerId,
      });
      await this.fulfilment.offerNext(tx, kase, plan);
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
    const plan = await this.planFor(caseId);
    return this.db.transaction(async (tx) => {
      const kase = await this.kernel.lock(tx, caseId);
      if (kase.state !== 'requested')
        throw new AppError(
          (ASSIGNED_STATES as readonly string[]).includes(kase.state)
            ? 'CASE_ALREADY_DISPATCHED'
            : 'CASE_TRANSITION_INVALID',
        );
      const candidate = await this.dispatch.checkCanServe(tx, input.providerId, jobOf(kase), plan);
      const quote = this.checkQuote(kase, input.quoteCentavos);
      await this.dispatch.withdrawPending(tx, kase.id);
      await this.dispatch.recordHandAssignment(tx, kase.id, candidate, quote);
      const eta = input.etaMinutes ?? candidate.etaMinutes;
      await this.kernel.append(tx, actor, kase, 'assigned_by_hand', 'requested', input.reason, {
        providerId: input.providerId,
        providerName: candidate.provider.name,
        etaMinutes: eta,
        automaticEtaMinutes: candidate.etaMinutes,
      });
      await this.kernel.auditAction(tx, actor, 'case.assign', caseId, { providerId: input.providerId });
      await this.assignProvider(tx, actor, kase, input.providerId, quote, eta);
      return this.kernel.viewAfter(tx, caseId, true);
    });
  }

  /** The customer (or the agent, for a caller on the phone) accepts or rejects the tow's excess. */
  async answerExcess(actor: Actor, caseId: string, input: { accept: boolean; note?: string | undefined }) {
    return this.db.transaction(async (tx) => {
      const kase = await this.kernel.lock(tx, caseId);
      await this.kernel.authorize(tx, actor, kase);
      if (kase.state !== 'awaiting_excess_acceptance') throw new AppError('CASE_NO_EXCESS_PENDING');
      const now = this.clock.now();
      const who = eventActor(actor);
      if (input.accept) {
        await this.kernel.update(tx, caseId, {
          excessAcceptedAt: now,
          excessAcceptedBy: `${who.actorKind}:${who.actorName}`,
          updatedAt: now,
        });
        await this.kernel.append(
          tx,
          actor,
          kase,
          'excess_accepted',
          'awaiting_excess_acceptance',
          input.note ?? null,
          { excessCentavos: kase.excessCentavos },
        );
        // The dispatch that follows is Libra's (the provider was assigned before): the timeline
        // credits the customer with the acceptance only, not with "Proveedor asignado".
        await this.dispatchNow(tx, actor, { ...kase, excessAcceptedAt: now }, SYSTEM_ACTOR);
      } else {
        await this.kernel.cancel(tx, actor, kase, 'excess_declined', input.note ?? null);
      }
      await this.kernel.auditAction(
        tx,
        actor,
        input.accept ? 'case.excess_accept' : 'case.excess_decline',
        caseId,
      );
      return this.kernel.viewAfter(tx, caseId, isStaff(actor.principal));
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
    await this.kernel.update(tx, kase.id, changes);
    const assigned = { ...kase, ...changes };
    if (excess && excess > 0 && (await this.excessMustBeAccepted(tx, kase, quote as number))) {
      await this.kernel.update(tx, kase.id, { state: 'awaiting_excess_acceptance' });
      await this.kernel.append(
        tx,
        SYSTEM_ACTOR,
        assigned,
        'excess_pending',
        'awaiting_excess_acceptance',
        null,
        { quoteCentavos: quote, coveredCentavos: covered, excessCentavos: excess },
      );
      await tellExcess(this.kernel, tx, assigned, excess);
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
  private async dispatchNow(
    tx: Transaction,
    actor: Actor,
    kase: CaseRow,
    creditedTo: Actor = actor,
  ): Promise<void> {
    const reservationId = await this.kernel.reserveOrRefuse(tx, actor, kase, kase.quoteCentavos ?? undefined);
    if (!reservationId) return;
    const now = this.clock.now();
    await this.kernel.update(tx, kase.id, {
      state: 'dispatched',
      reservationId,
      dispatchedAt: now,
      updatedAt: now,
    });
    await this.kernel.append(tx, creditedTo, kase, 'dispatched', 'dispatched', null, {
      providerId: kase.providerId,
      etaMinutes: kase.etaMinutes,
      etaAt: kase.etaAt?.toISOString() ?? null,
      reservationId,
    });
    await tellProviderAssigned(this.kernel, tx, kase);
  }
}
