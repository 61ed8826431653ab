import type { Executor } from '../../db/client.ts';
import { chargesAttemptedByStatus } from '../billing/read-model.ts';
import { casesPerHour, lowRatings, ratingsByProvider, slaCounts } from '../cases/read-model.ts';
import { serviceNames } from '../catalog/read-model.ts';
import { complaintBacklog } from '../complaints/read-model.ts';
import { providerNames } from '../dispatch/read-model.ts';
import { membershipCountsByState } from '../members/read-model.ts';

export interface HourCount {
  hour: Date;
  serviceCode: string;
  cases: number;
}

export interface SlaCount {
  serviceCode: string;
  dispatchMeasured: number;
  dispatchWithin: number;
  arrivalMeasured: number;
  arrivalWithin: number;
}

export interface Window {
  from: Date;
  to: Date;
}

/**
 * The supervisors' reports: counts, and the low ratings' comments (what customers wrote about a
 * service; no name, only the case number). Reports own no table; each count
 * is asked of the read model of the domain whose table it counts, inside the report's transaction.
 */
export class ReportsRepository {
  /** Cases requested in the window (refused requests are not cases worked), per hour and service. */
  async casesPerHour(executor: Executor, window: Window): Promise<HourCount[]> {
    return casesPerHour(executor, window);
  }

  /** Per service, the cases with SLA targets measured and met (the same rule as a case's `sla.breached`). */
  async sla(executor: Executor, window: Window, now: Date): Promise<SlaCount[]> {
    return slaCounts(executor, window, now);
  }

  /** Complaints waiting on staff now, by status, and those of them past their due date. */
  async complaintBacklog(executor: Executor, now: Date) {
    return complaintBacklog(executor, now);
  }

  /** Charges with an attempt in the window, by their status now. */
  async chargesAttempted(executor: Executor, window: Window): Promise<{ status: string; charges: number }[]> {
    return chargesAttemptedByStatus(executor, window);
  }

  /** Memberships not cancelled, by state, now. */
  async membershipsByState(executor: Executor): Promise<{ state: string; memberships: number }[]> {
    return membershipCountsByState(executor);
  }

  /** Ratings given in the window, per provider (count and sum). */
  async ratingsByProvider(executor: Executor, window: Window) {
    return ratingsByProvider(executor, window);
  }

  /** The low ratings of the window, with their comments, newest first. */
  async lowRatings(executor: Executor, window: Window, atMost: number, limit: number) {
    return lowRatings(executor, window, atMost, limit);
  }

  async providerNames(executor: Executor, ids: string[]) {
    return providerNames(executor, ids);
  }

  async serviceNames(executor: Executor, codes: string[]) {
    return serviceNames(executor, codes);
  }
}
