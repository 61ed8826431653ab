import type { Static } from '@sinclair/typebox';
import type { Database } from '../../db/client.ts';
import { type Clock, MINUTE_MS } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { distanceKm, type Point } from '../../lib/geo.ts';
import type { Actor } from '../../platform/principal.ts';
import type { CaseKernel } from '../cases/kernel.ts';
import { ASSIGNED_STATES, type CaseState, canMove, type ProviderStatus } from '../cases/lifecycle.ts';
import type { CaseRow } from '../cases/repository.ts';
import { type ProviderJobView, presentJob, UNIT_SHOWN_STATES } from '../cases/views.ts';
import { SETUP_MINUTES } from '../dispatch/geo.ts';
import type { DispatchService } from '../dispatch/service.ts';
import { tellProgress } from './messages.ts';
import type { OfferView } from './schemas.ts';

/** An offer as the provider decides on it: the job's place and need beside the offer's terms. */
export type OfferToDecide = Static<typeof OfferView>;

/** The provider itself (a person of the provider or its key), not an agent acting for it. */
function isProvider(actor: Actor): boolean {
  const p = actor.principal;
  return (p?.kind === 'user' && p.role === 'provider') || (p?.kind === 'api_key' && p.role === 'provider');
}

/**
 * The provider's side of its cases: the offers waiting for it, its jobs, the progress it reports
 * (on the way, on site, completed; attended or not, for an appointment) and where it is.
 */
export class ProviderJobsService {
  constructor(
    private readonly db: Database,
    private readonly kernel: CaseKernel,
    private readonly dispatch: DispatchService,
    private readonly clock: Clock,
  ) {}

  async pendingOffers(actor: Actor): Promise<OfferToDecide[]> {
    const providerId = this.dispatch.providerIdOf(actor);
    const offers = await this.dispatch.pendingOffersOf(this.db, providerId);
    const cases = await this.kernel.findMany(
      this.db,
      offers.map((o) => o.caseId),
    );
    const out: OfferToDecide[] = [];
    for (const o of offers) {
      const kase = cases.get(o.caseId);
      if (!kase) continue;
      out.push({
        id: o.id,
        caseId: kase.id,
        caseNumber: kase.number,
        serviceCode: kase.serviceCode,
        addressText: kase.addressText,
        lat: kase.lat,
        lng: kase.lng,
        precision: kase.placePrecision as OfferToDecide['precision'],
        description: kase.description,
        details: kase.details as Record<string, unknown>,
        distanceKm: o.distanceKm,
        etaMinutes: o.etaMinutes,
        offeredAt: o.offeredAt.toISOString(),
        expiresAt: o.expiresAt.toISOString(),
      });
    }
    return out;
  }

  async providerJobs(actor: Actor): Promise<ProviderJobView[]> {
    const providerId = this.dispatch.providerIdOf(actor);
    const jobs = await this.kernel.jobsOfProvider(this.db, providerId, [...ASSIGNED_STATES, 'booked']);
    return jobs.map(presentJob);
  }

  /**
   * One job of the caller's provider, in whatever state (so the provider still sees it once
   * completed or cancelled). Another provider's case answers as if it did not exist.
   */
  async providerJob(actor: Actor, caseId: string): Promise<ProviderJobView> {
    const providerId = this.dispatch.providerIdOf(actor);
    const kase = await this.kernel.find(this.db, caseId);
    if (!kase || kase.providerId !== providerId) throw new AppError('CASE_NOT_ASSIGNED_TO_YOU');
    return presentJob(kase);
  }

  /** Progress from the provider (or an agent on its behalf): en route, on site, completed. */
  async reportStatus(
    actor: Actor,
    caseId: string,
    input: { status: ProviderStatus; finalCostCentavos?: number | undefined; note?: string | undefined },
  ): Promise<ProviderJobView> {
    const asProvider = isProvider(actor);
    return this.db.transaction(async (tx) => {
      const kase = await this.kernel.lock(tx, caseId);
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
        await this.kernel.confirmUse(tx, kase);
      }
      if (input.status === 'completed') {
        changes.completedAt = now;
        changes.closedAt = now;
        changes.closeReason = 'completed';
        changes.finalCostCentavos = input.finalCostCentavos ?? kase.quoteCentavos ?? null;
        await this.kernel.confirmUse(tx, kase);
      }
      await this.kernel.update(tx, caseId, changes);
      await this.kernel.append(tx, actor, kase, input.status, input.status, input.note ?? null, {
        ...(input.status === 'attended' || input.status === 'no_show'
          ? { useConfirmed: kase.reservationId !== null }
          : {}),
        ...(input.status === 'completed'
          ? { finalCostCentavos: changes.finalCostCentavos, useConfirmed: kase.reservationId !== null }
          : {}),
      });
      if (input.status === 'en_route' || input.status === 'on_site' || input.status === 'completed')
        await tellProgress(this.kernel, tx, { ...kase, ...changes }, input.status, now);
      await this.kernel.auditAction(tx, actor, `case.${input.status}`, caseId);
      return presentJob({ ...kase, ...changes });
    });
  }

  /**
   * The unit going to the job (driver, vehicle, plates), told by the provider when accepting or on
   * the way, or by an agent on its behalf; it can be corrected until the job is done.
   */
  async setUnit(
    actor: Actor,
    caseId: string,
    unit: { driverName: string; vehicle: string; plates: string },
  ): Promise<ProviderJobView> {
    return this.db.transaction(async (tx) => {
      const kase = await this.kernel.lock(tx, caseId);
      if (isProvider(actor) && kase.providerId !== this.dispatch.providerIdOf(actor))
        throw new AppError('CASE_NOT_ASSIGNED_TO_YOU');
      if (!kase.providerId || !UNIT_SHOWN_STATES.includes(kase.state))
        throw new AppError('CASE_UNIT_NOT_OPEN');
      const now = this.clock.now();
      const changes: Partial<CaseRow> = {
        unitDriverName: unit.driverName.trim().replace(/\s+/g, ' '),
        unitVehicle: unit.vehicle.trim(),
        unitPlates: unit.plates.trim().toUpperCase(),
        updatedAt: now,
      };
      await this.kernel.update(tx, caseId, changes);
      // The event carries nothing of the driver: followers read the case again for what the
      // audience may see of the unit.
      await this.kernel.append(tx, actor, kase, 'unit_set', kase.state as CaseState);
      await this.kernel.auditAction(tx, actor, 'case.unit_set', caseId);
      return presentJob({ ...kase, ...changes });
    });
  }

  /**
   * The provider's position: jobs on the way get a new ETA, and their followers see it change.
   * A change under a minute is not news.
   */
  async providerMoved(actor: Actor, location: Point): Promise<{ updated: number }> {
    const providerId = this.dispatch.providerIdOf(actor);
    // Road minutes to each job's place, from the router, before the transaction; a job whose place
    // moved meanwhile (or a new job) gets the road estimate inside it.
    const planned = new Map<string, { lat: number; lng: number; road: number }>();
    for (const job of await this.kernel.jobsOfProvider(this.db, providerId, ['dispatched', 'en_route'])) {
      planned.set(job.id, {
        lat: job.lat,
        lng: job.lng,
        road: await this.dispatch.travelMinutes(location, job),
      });
    }
    return this.db.transaction(async (tx) => {
      await this.dispatch.moveTo(tx, providerId, location);
      const jobs = await this.kernel.jobsOfProvider(tx, providerId, ['dispatched', 'en_route']);
      const now = this.clock.now();
      let updated = 0;
      for (const job of jobs) {
        const kase = await this.kernel.lock(tx, job.id);
        const km = distanceKm(location, kase);
        const plan = planned.get(kase.id);
        const road =
          plan && plan.lat === kase.lat && plan.lng === kase.lng
            ? plan.road
            : this.dispatch.estimatedMinutes(location, kase);
        const minutes = kase.state === 'en_route' ? road : SETUP_MINUTES + road;
        const etaAt = new Date(now.getTime() + minutes * MINUTE_MS);
        if (kase.etaAt && Math.abs(etaAt.getTime() - kase.etaAt.getTime()) < MINUTE_MS) continue;
        await this.kernel.update(tx, kase.id, { etaMinutes: minutes, etaAt, updatedAt: now });
        await this.kernel.append(tx, actor, kase, 'eta_updated', kase.state as CaseState, null, {
          etaMinutes: minutes,
          etaAt: etaAt.toISOString(),
          distanceKm: Math.round(km * 100) / 100,
        });
        updated++;
      }
      return { updated };
    });
  }
}
