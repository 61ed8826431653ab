import type { Transaction } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { type Actor, SYSTEM_ACTOR } from '../../platform/principal.ts';
import { type FulfilmentModule, NOTHING_TO_DO } from '../cases/fulfilment.ts';
import type { CaseKernel } from '../cases/kernel.ts';
import type { CaseRow } from '../cases/repository.ts';
import { type CaseViewParts, iso } from '../cases/views.ts';
import type { DispatchJob, DispatchService, PendingOffer } from '../dispatch/service.ts';
import { alertProviderOfOffer } from './messages.ts';

/** What dispatch is handed of a case: the job's id, its service and its place, nothing else. */
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

  async opened(tx: Transaction, _actor: Actor, kase: CaseRow): Promise<void> {
    await this.offerNext(tx, kase);
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
  async offerNext(tx: Transaction, kase: CaseRow): Promise<PendingOffer | null> {
    const offer = await this.dispatch.offerNext(tx, jobOf(kase));
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
