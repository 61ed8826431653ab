import type { Transaction } from '../../db/client.ts';
import { type Clock, MINUTE_MS } from '../../lib/clock.ts';
import type { Point } from '../../lib/geo.ts';
import { type Actor, SYSTEM_ACTOR } from '../../platform/principal.ts';
import { type FulfilmentModule, NOTHING_TO_DO } from '../cases/fulfilment.ts';
import type { CaseKernel } from '../cases/kernel.ts';
import type { CaseState } from '../cases/lifecycle.ts';
import type { CaseRow } from '../cases/repository.ts';
import { type CaseViewParts, iso } from '../cases/views.ts';
import { SETUP_MINUTES } from '../dispatch/geo.ts';
import type { DispatchJob, DispatchService, PendingOffer } from '../dispatch/service.ts';
import { NO_PLAN, TravelPlan } from '../dispatch/travel-plan.ts';
import { alertProviderOfOffer } from './messages.ts';

/** What dispatch is handed of a case: the job's id, its service and its place, nothing else. */
/** What `prepare` answered, as dispatch's plan (the estimate alone when nothing was prepared). */
export function planOf(prepared: unknown): TravelPlan {
  return prepared instanceof TravelPlan ? prepared : NO_PLAN;
}

export function jobOf(kase: CaseRow): DispatchJob {
  return {
    id: kase.id,
    serviceCode: kase.serviceCode,
    place: { lat: kase.lat, lng: kase.lng, stateCode: kase.stateCode },
  };
}

/**
 * The dispatch fulfilment: a provider goes to the place (tow, ambulance, home technicians). An
 * allowed case is offered at once to the nearest provider; a cancelled one withdraws its offer.
 */
export class OnsiteFulfilment implements FulfilmentModule {
  readonly kind = 'dispatch' as const;
  readonly measuredAgainstSla = true;
  readonly checkRequest = NOTHING_TO_DO.checkRequest;
  readonly completed = NOTHING_TO_DO.completed;
  readonly listParts = NOTHING_TO_DO.listParts;

  constructor(
    private readonly kernel: CaseKernel,
    private readonly dispatch: DispatchService,
    private readonly clock: Clock,
  ) {}

  /** Every provider's travel time to the place, from the routing port, before the transaction. */
  async prepare(request: { serviceCode: string; place: Point }): Promise<TravelPlan> {
    return this.dispatch.plan(request.serviceCode, request.place);
  }

  async opened(tx: Transaction, _actor: Actor, kase: CaseRow, prepared?: unknown): Promise<void> {
    await this.offerNext(tx, kase, planOf(prepared));
  }

  /**
   * The place moved. Waiting for a provider: the offer stays with the provider it was made to if
   * nobody not yet asked would now arrive sooner (its distance and ETA refigured), else it is
   * withdrawn and the case offered to the soonest from the new place; a case nobody could take is
   * offered again if someone now can. A provider already assigned keeps the case: its ETA and
   * distance are refigured from its unit to the new place (`eta_updated`). On site: nothing.
   */
  async placeMoved(tx: Transaction, actor: Actor, kase: CaseRow, prepared: unknown): Promise<void> {
    const plan = planOf(prepared);
    if (kase.state === 'requested') {
      const pending = await this.dispatch.reconsiderPending(tx, jobOf(kase), plan);
      if (pending.outcome === 'kept') return;
      if (pending.outcome === 'withdrawn') {
        await this.kernel.append(tx, SYSTEM_ACTOR, kase, 'offer_withdrawn', 'requested', null, {
          offerId: pending.offer.id,
          providerId: pending.offer.providerId,
          reason: 'place_moved',
        });
        await this.offerNext(tx, kase, plan);
        return;
      }
      if ((await this.dispatch.rank(tx, jobOf(kase), plan)).length > 0) await this.offerNext(tx, kase, plan);
      return;
    }
    const onTheWay: readonly CaseState[] = ['awaiting_excess_acceptance', 'dispatched', 'en_route'];
    if (!kase.providerId || !onTheWay.includes(kase.state as CaseState)) return;
    const provider = await this.dispatch.provider(tx, kase.providerId);
    if (!provider) return;
    const [trip] = this.dispatch.tripsOf([provider], kase, plan);
    const road = trip?.road ?? 0;
    const minutes = kase.state === 'en_route' ? road : SETUP_MINUTES + road;
    const now = this.clock.now();
    const etaAt = new Date(now.getTime() + minutes * MINUTE_MS);
    await this.kernel.update(tx, kase.id, { etaMinutes: minutes, etaAt, updatedAt: now });
    await this.kernel.append(tx, actor, kase, 'eta_updated', kase.state as CaseState, null, {
      etaMinutes: minutes,
      etaAt: etaAt.toISOString(),
      distanceKm: trip?.km ?? 0,
      reason: 'place_moved',
    });
  }

  async cancelled(tx: Transaction, kase: CaseRow): Promise<void> {
    await this.dispatch.withdrawPending(tx, kase.id);
  }

  /** Staff see every offer made for the case; others see none of dispatch's inner workings. */
  async viewParts(tx: Transaction, kase: CaseRow, staff: boolean): Promise<CaseViewParts> {
    if (!staff) return {};
    const offers = await this.dispatch.offersOfJob(tx, kase.id);
    return {
      offers: offers.map((o) => ({
        id: o.id,
        providerId: o.providerId,
        status: o.status,
        attempt: o.attempt,
        distanceKm: o.distanceKm,
        etaMinutes: o.etaMinutes,
        offeredAt: o.offeredAt.toISOString(),
        expiresAt: o.expiresAt.toISOString(),
        respondedAt: iso(o.respondedAt),
        quoteCentavos: o.quoteCentavos,
        declineReason: o.declineReason,
      })),
    };
  }

  /** Offers the case to the next provider, or flags it for an agent when nobody can take it. */
  async offerNext(tx: Transaction, kase: CaseRow, plan: TravelPlan): Promise<PendingOffer | null> {
    const offer = await this.dispatch.offerNext(tx, jobOf(kase), plan);
    if (offer) {
      await this.kernel.append(tx, SYSTEM_ACTOR, kase, 'offered', 'requested', null, {
        offerId: offer.id,
        providerId: offer.providerId,
        providerName: offer.providerName,
        attempt: offer.attempt,
        distanceKm: offer.distanceKm,
        etaMinutes: offer.etaMinutes,
        expiresAt: offer.expiresAt.toISOString(),
      });
      await alertProviderOfOffer(this.kernel, tx, kase, offer);
      if (kase.needsManualDispatch)
        await this.kernel.update(tx, kase.id, { needsManualDispatch: false, updatedAt: this.clock.now() });
      return offer;
    }
    await this.kernel.update(tx, kase.id, { needsManualDispatch: true, updatedAt: this.clock.now() });
    await this.kernel.append(tx, SYSTEM_ACTOR, kase, 'no_provider_available', 'requested');
    return null;
  }
}
