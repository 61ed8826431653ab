import type { Database, Executor, Transaction } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { phoneAt } from '../../lib/phone-input.ts';
import type { Jobs } from '../../platform/jobs.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import './errors.ts';
import type { Point } from '../../lib/geo.ts';
import { covers, etaMinutes, MEXICAN_STATES, type TravelTimes } from './geo.ts';
import {
  type Candidate,
  type CandidateView,
  coverageOf,
  type ProviderInput,
  type ProviderView,
  present,
  sooner,
} from './providers.ts';
import type { DispatchRepository, OfferRow, ProviderRow } from './repository.ts';
import { planTravel, type TravelPlan, tripsFromPlan } from './travel-plan.ts';

export type { Candidate, CandidateView, ProviderInput, ProviderView } from './providers.ts';
export { coverageOf } from './providers.ts';

export const OFFER_EXPIRY_QUEUE = 'dispatch-offer-expiry';

/**
 * What dispatch is handed: a job to send someone to. Its id is the id of whatever asked for it
 * (today an assistance case), which dispatch keeps on the offers and never looks behind.
 */
export interface DispatchJob {
  id: string;
  serviceCode: string;
  place: { lat: number; lng: number; stateCode: string | null };
}

/**
 * How many jobs each provider holds now. Dispatch does not keep the jobs' states (their owner
 * does), so the owner answers; a provider at its capacity is not offered another.
 */
export interface ProviderLoad {
  activeJobs(executor: Executor, providerIds: string[]): Promise<Map<string, number>>;
}

export type PendingOffer = OfferRow & { providerName: string };

/**
 * The provider network and the offers made to it. Choosing who goes is `rank()`: the soonest to
 * arrive (road time from the routing port, then straight distance) of the available providers that gives the service, covers the place and has room for one more job.
 */
export class DispatchService {
  constructor(
    private readonly db: Database,
    private readonly repository: DispatchRepository,
    private readonly audit: AuditService,
    private readonly jobs: Jobs,
    private readonly clock: Clock,
    private readonly offerTimeoutSeconds: number,
    private readonly load: ProviderLoad,
    private readonly travel: TravelTimes,
  ) {}

  /**
   * The routing port's road minutes from every provider giving the service to the place: call it
   * before the transaction that ranks (`rank`, `survey`, `offerNext`, `checkCanServe` take the plan
   * and never call the router themselves).
   */
  async plan(serviceCode: string, place: Point): Promise<TravelPlan> {
    const found = await this.repository.listProviders(this.db, serviceCode);
    return planTravel(this.travel, found, place);
  }

  /** Distance, ETA and road minutes from each unit to the place, by the plan: no network. */
  tripsOf(providers: readonly ProviderRow[], place: Point, plan: TravelPlan) {
    return tripsFromPlan(this.travel, plan, providers, place);
  }

  private trips(providers: readonly ProviderRow[], place: Point, plan: TravelPlan) {
    return this.tripsOf(providers, place, plan);
  }

  private checkInput(input: ProviderInput): void {
    const c = input.coverage;
    if (c.kind === 'states') {
      const unknown = c.states.filter((s) => !(MEXICAN_STATES as readonly string[]).includes(s));
      if (c.states.length === 0 || unknown.length > 0)
        throw new AppError('PROVIDER_COVERAGE_INVALID', { extensions: { unknownStates: unknown } });
    } else if (!(c.radiusKm > 0)) {
      throw new AppError('PROVIDER_COVERAGE_INVALID');
    }
  }

  async register(actor: Actor, input: ProviderInput): Promise<ProviderView> {
    this.checkInput(input);
    return this.db.transaction(async (tx) => {
      if (await this.repository.providerByName(tx, input.name.trim()))
        throw new AppError('PROVIDER_ALREADY_EXISTS');
      const now = this.clock.now();
      const c = input.coverage;
      const row = {
        id: newId(),
        name: input.name.trim(),
        phone: phoneAt('body/phone', input.phone),
        services: [...new Set(input.services)],
        coverageKind: c.kind,
        coverageCenterLat: c.kind === 'radius' ? c.center.lat : null,
        coverageCenterLng: c.kind === 'radius' ? c.center.lng : null,
        coverageRadiusKm: c.kind === 'radius' ? c.radiusKm : null,
        coverageStates: c.kind === 'states' ? c.states : null,
        lat: input.location.lat,
        lng: input.location.lng,
        locationUpdatedAt: now,
        available: input.available ?? true,
        capacity: input.capacity,
        createdAt: now,
        updatedAt: now,
      };
      await this.repository.insertProvider(tx, row);
      await this.audit.record(tx, actor, {
        action: 'provider.create',
        recordType: 'provider',
        recordId: row.id,
      });
      return present(row, 0);
    });
  }

  /** Seeding: registers the provider unless one with its name exists. */
  async ensure(actor: Actor, input: ProviderInput): Promise<{ id: string; created: boolean }> {
    const existing = await this.repository.providerByName(this.db, input.name);
    if (existing) return { id: existing.id, created: false };
    return { id: (await this.register(actor, input)).id, created: true };
  }

  async list(serviceCode?: string): Promise<ProviderView[]> {
    const found = await this.repository.listProviders(this.db, serviceCode);
    const jobs = await this.load.activeJobs(
      this.db,
      found.map((p) => p.id),
    );
    return found.map((p) => present(p, jobs.get(p.id) ?? 0));
  }

  async get(id: string): Promise<ProviderView> {
    const p = await this.repository.providerById(this.db, id);
    if (!p) throw new AppError('PROVIDER_NOT_FOUND');
    const jobs = await this.load.activeJobs(this.db, [id]);
    return present(p, jobs.get(id) ?? 0);
  }

  /** The provider the caller works for (a provider user or a provider's API key). */
  providerIdOf(actor: Actor): string {
    const id = actor.principal?.providerId;
    if (!id) throw new AppError('PROVIDER_ACCOUNT_UNLINKED');
    return id;
  }

  async setAvailability(
    actor: Actor,
    providerId: string,
    changes: { available?: boolean; capacity?: number },
  ) {
    return this.db.transaction(async (tx) => {
      const p = await this.repository.providerById(tx, providerId, true);
      if (!p) throw new AppError('PROVIDER_NOT_FOUND');
      await this.repository.updateProvider(tx, providerId, { ...changes, updatedAt: this.clock.now() });
      await this.audit.record(tx, actor, {
        action: 'provider.update',
        recordType: 'provider',
        recordId: providerId,
        details: changes,
      });
      const jobs = await this.load.activeJobs(tx, [providerId]);
      return present({ ...p, ...changes }, jobs.get(providerId) ?? 0);
    });
  }

  async moveTo(tx: Transaction, providerId: string, location: Point): Promise<ProviderRow> {
    const p = await this.repository.providerById(tx, providerId, true);
    if (!p) throw new AppError('PROVIDER_NOT_FOUND');
    const now = this.clock.now();
    await this.repository.updateProvider(tx, providerId, {
      ...location,
      locationUpdatedAt: now,
      updatedAt: now,
    });
    return { ...p, ...location, locationUpdatedAt: now };
  }

  /**
   * Providers that could take the job now, soonest to arrive first: available, giving the service, covering
   * the place, with room for another job, and not asked about this job before.
   */
  async rank(executor: Executor, job: DispatchJob, plan: TravelPlan): Promise<Candidate[]> {
    const found = await this.repository.candidates(executor, job.serviceCode, job.id);
    const jobs = await this.load.activeJobs(
      executor,
      found.map((p) => p.id),
    );
    const place = job.place;
    const able = found.filter((p) => covers(coverageOf(p), place) && (jobs.get(p.id) ?? 0) < p.capacity);
    const trips = this.trips(able, place, plan);
    return able
      .map((p, i) => ({
        provider: p,
        distanceKm: trips[i]?.km ?? 0,
        etaMinutes: trips[i]?.eta ?? etaMinutes(0),
      }))
      .sort(sooner);
  }

  /**
   * Every provider that gives the job's service, as the agent's dispatch board shows them:
   * distance and ETA from its unit to the place, and whether it could take the job now (covers
   * the place, available, room for another job). Those who could come first, nearest first. Unlike
   * `rank()` it keeps the ones already asked and the ones that cannot go, with why.
   */
  async survey(executor: Executor, job: DispatchJob, plan: TravelPlan): Promise<CandidateView[]> {
    const found = await this.repository.listProviders(executor, job.serviceCode);
    const jobs = await this.load.activeJobs(
      executor,
      found.map((p) => p.id),
    );
    const place = job.place;
    const trips = this.trips(found, place, plan);
    return found
      .map((p, i) => {
        const active = jobs.get(p.id) ?? 0;
        const inCoverage = covers(coverageOf(p), place);
        const hasRoom = active < p.capacity;
        return {
          providerId: p.id,
          name: p.name,
          phone: p.phone,
          distanceKm: trips[i]?.km ?? 0,
          etaMinutes: trips[i]?.eta ?? etaMinutes(0),
          covers: inCoverage,
          available: p.available,
          activeJobs: active,
          capacity: p.capacity,
          canTake: inCoverage && p.available && hasRoom,
        };
      })
      .sort(
        (a, b) =>
          Number(b.canTake) - Number(a.canTake) ||
          a.etaMinutes - b.etaMinutes ||
          a.distanceKm - b.distanceKm ||
          a.name.localeCompare(b.name),
      );
  }

  /**
   * Offers the job to the nearest candidate, with a job that expires the offer if it is not
   * answered in time; both commit with the caller's transaction. Null when nobody can take it.
   */
  async offerNext(tx: Transaction, job: DispatchJob, plan: TravelPlan): Promise<PendingOffer | null> {
    const [best] = await this.rank(tx, job, plan);
    if (!best) return null;
    const previous = await this.repository.offersOfJob(tx, job.id);
    const now = this.clock.now();
    const offer: OfferRow = {
      id: newId(),
      caseId: job.id,
      providerId: best.provider.id,
      status: 'pending',
      attempt: previous.length + 1,
      distanceKm: best.distanceKm,
      etaMinutes: best.etaMinutes,
      offeredAt: now,
      expiresAt: new Date(now.getTime() + this.offerTimeoutSeconds * 1000),
      respondedAt: null,
      quoteCentavos: null,
      declineReason: null,
    };
    await this.repository.insertOffer(tx, offer);
    await this.scheduleExpiry(tx, offer);
    return { ...offer, providerName: best.provider.name };
  }

  /** The job runs on the wall clock; the offer's deadline is on the injected one. */
  async scheduleExpiry(executor: Executor, offer: Pick<OfferRow, 'id' | 'expiresAt'>): Promise<void> {
    const remainingMs = Math.max(0, offer.expiresAt.getTime() - this.clock.now().getTime());
    await this.jobs.send(
      executor,
      OFFER_EXPIRY_QUEUE,
      { offerId: offer.id },
      new Date(Date.now() + remainingMs),
    );
  }

  /** Whether the provider can take the job by hand (an agent's assignment). */
  async checkCanServe(
    executor: Executor,
    providerId: string,
    job: DispatchJob,
    plan: TravelPlan,
  ): Promise<Candidate> {
    const p = await this.repository.providerById(executor, providerId);
    if (!p) throw new AppError('PROVIDER_NOT_FOUND');
    const place = job.place;
    if (!p.services.includes(job.serviceCode) || !covers(coverageOf(p), place))
      throw new AppError('PROVIDER_CANNOT_SERVE');
    const jobs = await this.load.activeJobs(executor, [providerId]);
    if (!p.available || (jobs.get(providerId) ?? 0) >= p.capacity) throw new AppError('PROVIDER_UNAVAILABLE');
    const [trip] = this.trips([p], place, plan);
    return { provider: p, distanceKm: trip?.km ?? 0, etaMinutes: trip?.eta ?? etaMinutes(0) };
  }

  /**
   * Road minutes from a unit to a place (a provider moving updates its jobs' ETAs with it). It may
   * ask the router over the network: outside any transaction; inside one, `estimatedMinutes`.
   */
  async travelMinutes(from: Point, to: Point): Promise<number> {
    const [trip] = await this.travel.table([from], to);
    return Math.max(0, Math.ceil(trip?.minutes ?? this.travel.estimate(from, to).minutes));
  }

  /** The road estimate from a unit to a place: no network (what a transaction uses when a plan is stale). */
  estimatedMinutes(from: Point, to: Point): number {
    return Math.max(0, Math.ceil(this.travel.estimate(from, to).minutes));
  }

  /**
   * The job's place moved while its offer waits for an answer. The offered provider keeps it when it
   * still covers the new place and nobody not yet asked would arrive sooner (the offer's distance
   * and ETA are then refigured from the new place); otherwise the offer is withdrawn, for the
   * caller to offer the job again. No pending offer: `none`.
   */
  async reconsiderPending(
    tx: Transaction,
    job: DispatchJob,
    plan: TravelPlan,
  ): Promise<{ outcome: 'none' } | { outcome: 'kept' | 'withdrawn'; offer: OfferRow }> {
    const pending = await this.repository.pendingOfferOf(tx, job.id);
    if (!pending) return { outcome: 'none' };
    const offered = await this.repository.providerById(tx, pending.providerId);
    const [best] = await this.rank(tx, job, plan);
    if (offered?.available && covers(coverageOf(offered), job.place)) {
      const [trip] = this.trips([offered], job.place, plan);
      const still = { provider: offered, distanceKm: trip?.km ?? 0, etaMinutes: trip?.eta ?? etaMinutes(0) };
      // A tie keeps the provider already asked: only a sooner (or as soon and nearer) one takes it.
      const beaten =
        best !== undefined &&
        (best.etaMinutes < still.etaMinutes ||
          (best.etaMinutes === still.etaMinutes && best.distanceKm < still.distanceKm));
      if (!beaten) {
        const figures = { distanceKm: still.distanceKm, etaMinutes: still.etaMinutes };
        await this.repository.updateOffer(tx, pending.id, figures);
        return { outcome: 'kept', offer: { ...pending, ...figures } };
      }
    }
    await this.repository.updateOffer(tx, pending.id, { status: 'withdrawn', respondedAt: this.clock.now() });
    return { outcome: 'withdrawn', offer: pending };
  }

  /** The caller's offers waiting for an answer, newest first (the job's owner says what each is). */
  async pendingOffersOf(executor: Executor, providerId: string): Promise<OfferRow[]> {
    return this.repository.pendingOffersFor(executor, providerId);
  }

  // --- Offers, as the job's owner moves them --------------------------------------------------

  async provider(executor: Executor, id: string): Promise<ProviderRow | undefined> {
    return this.repository.providerById(executor, id);
  }

  /** The provider's row, locked for the caller's transaction (publishing its slots one at a time). */
  async lockProvider(tx: Transaction, id: string): Promise<ProviderRow> {
    const p = await this.repository.providerById(tx, id, true);
    if (!p) throw new AppError('PROVIDER_NOT_FOUND');
    return p;
  }

  /** The providers with these ids (a list of jobs names who holds each), by id. */
  async providersByIds(executor: Executor, ids: string[]): Promise<Map<string, ProviderRow>> {
    return this.repository.providersByIds(executor, ids);
  }

  async offer(executor: Executor, id: string, forUpdate = false): Promise<OfferRow | undefined> {
    return this.repository.offerById(executor, id, forUpdate);
  }

  async offersOfJob(executor: Executor, jobId: string): Promise<OfferRow[]> {
    return this.repository.offersOfJob(executor, jobId);
  }

  /** The provider answered, or the time ran out: the offer is closed with what happened. */
  async closeOffer(
    tx: Transaction,
    offerId: string,
    outcome:
      | { status: 'accepted'; quoteCentavos: number | null }
      | { status: 'declined'; declineReason: string | null }
      | { status: 'expired' },
  ): Promise<void> {
    await this.repository.updateOffer(tx, offerId, { ...outcome, respondedAt: this.clock.now() });
  }

  /** The job is taken by hand or ends: its pending offer, if any, is withdrawn. */
  async withdrawPending(tx: Transaction, jobId: string): Promise<void> {
    const pending = await this.repository.pendingOfferOf(tx, jobId);
    if (pending)
      await this.repository.updateOffer(tx, pending.id, {
        status: 'withdrawn',
        respondedAt: this.clock.now(),
      });
  }

  /** An agent sent this provider: recorded as an offer accepted on the spot, after the others. */
  async recordHandAssignment(
    tx: Transaction,
    jobId: string,
    candidate: Candidate,
    quoteCentavos: number | null,
  ): Promise<void> {
    const now = this.clock.now();
    const previous = await this.repository.offersOfJob(tx, jobId);
    await this.repository.insertOffer(tx, {
      id: newId(),
      caseId: jobId,
      providerId: candidate.provider.id,
      status: 'accepted',
      attempt: previous.length + 1,
      distanceKm: candidate.distanceKm,
      etaMinutes: candidate.etaMinutes,
      offeredAt: now,
      expiresAt: now,
      respondedAt: now,
      quoteCentavos,
      declineReason: null,
    });
  }
}
