import type { Transaction } from '../../db/client.ts';
import type { Point } from '../../lib/geo.ts';
import type { Actor } from '../../platform/principal.ts';
import type { CaseRow } from './repository.ts';
import type { CaseDetails } from './request.ts';
import type { CaseViewParts } from './views.ts';

/**
 * How a service is given; the catalog says which for each service (`services.fulfilment`), and a
 * case follows its service's kind:
 * - `dispatch`: a provider goes to the place (tow, ambulance, home technicians);
 * - `appointment`: a slot the provider published is booked (specialist, nurse, equipment);
 * - `remote`: an on-duty professional takes the request and calls back (doctor, lawyer);
 * - `reimbursement`: a claim with its evidence is reviewed and paid (ATM robbery).
 */
export const FULFILMENTS = ['dispatch', 'appointment', 'remote', 'reimbursement'] as const;
export type Fulfilment = (typeof FULFILMENTS)[number];

/**
 * One kind of help, as the case kernel sees it. The kernel opens, cancels and closes every case;
 * a module says what its kind adds at each of those moments, and owns the acts only its kind has
 * (offers and the provider's progress, bookings, the professional's consultation, a claim's review)
 * with their routes. Like a workflow step that names its undo: what `opened` holds (an offer, a
 * slot, a use), `cancelled` gives back.
 */
export interface FulfilmentModule {
  readonly kind: Fulfilment;
  /**
   * Whether a case of this kind runs against the service's time targets (an appointment's time is
   * the slot the customer books, not a target to beat).
   */
  readonly measuredAgainstSla: boolean;
  /** Refuses details this kind cannot work with, before anything is written (throws an AppError). */
  checkRequest(details: CaseDetails | undefined, now: Date): void;
  /**
   * Work this kind does for a case at a place BEFORE the case's transaction, because it may wait on
   * the network (dispatch: every provider's travel time from the routing port). What it answers is
   * handed back, untouched, to `opened` and `placeMoved` in the transaction.
   */
  prepare?(request: { serviceCode: string; place: Point }): Promise<unknown>;
  /** An allowed case was just opened (and its `requested` event written): set it going. */
  opened(tx: Transaction, actor: Actor, kase: CaseRow, prepared?: unknown): Promise<void>;
  /**
   * The case's place moved (the kernel has written it and its `place_updated` event): keep what
   * this kind holds consistent with the new place (dispatch: re-rank and re-offer, or refigure the
   * assigned provider's ETA). `prepared` is `prepare`'s answer for the new place.
   */
  placeMoved?(tx: Transaction, actor: Actor, kase: CaseRow, prepared: unknown): Promise<void>;
  /** The case is being cancelled: give back what this kind holds for it (the kernel frees the use). */
  cancelled(tx: Transaction, kase: CaseRow): Promise<void>;
  /** The service was given (completed, attended, no-show): tidy what this kind still has pending. */
  completed(tx: Transaction, kase: CaseRow): Promise<void>;
  /** What this kind adds to the case read one at a time (in the reader's transaction). */
  viewParts(tx: Transaction, kase: CaseRow, staff: boolean): Promise<CaseViewParts>;
  /** What it adds to a case in a list, from the row alone. */
  listParts(kase: CaseRow): CaseViewParts;
}

/** A module with nothing to add at a moment starts from this. */
export const NOTHING_TO_DO = {
  checkRequest(): void {},
  async opened(): Promise<void> {},
  async cancelled(): Promise<void> {},
  async completed(): Promise<void> {},
  async viewParts(): Promise<CaseViewParts> {
    return {};
  },
  listParts(): CaseViewParts {
    return {};
  },
};
