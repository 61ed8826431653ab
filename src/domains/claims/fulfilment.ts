import type { Transaction } from '../../db/client.ts';
import { type Actor, SYSTEM_ACTOR } from '../../platform/principal.ts';
import { type FulfilmentModule, NOTHING_TO_DO } from '../cases/fulfilment.ts';
import type { CaseKernel } from '../cases/kernel.ts';
import type { CaseRow } from '../cases/repository.ts';
import type { CaseDetails } from '../cases/request.ts';
import type { CaseViewParts } from '../cases/views.ts';
import { claimDetailsOf } from './details.ts';
import './errors.ts';
import type { ClaimsRepository } from './repository.ts';
import { presentClaim } from './views.ts';

/**
 * The reimbursement fulfilment (the ATM robbery): the request must describe the withdrawal, and a
 * claim holds its use from filing, so a second one in the year is refused at once. The review and
 * the payout are `ClaimsService`.
 */
export class ClaimFulfilment implements FulfilmentModule {
  readonly kind = 'reimbursement' as const;
  readonly measuredAgainstSla = true;
  readonly cancelled = NOTHING_TO_DO.cancelled;
  readonly completed = NOTHING_TO_DO.completed;

  constructor(
    private readonly kernel: CaseKernel,
    private readonly repository: ClaimsRepository,
  ) {}

  checkRequest(details: CaseDetails | undefined, now: Date): void {
    claimDetailsOf(details, now);
  }

  async opened(tx: Transaction, actor: Actor, kase: CaseRow): Promise<void> {
    const reservationId = await this.kernel.reserveOrRefuse(tx, actor, kase);
    if (reservationId) {
      await this.kernel.update(tx, kase.id, { state: 'under_review', reservationId });
      await this.kernel.append(tx, SYSTEM_ACTOR, kase, 'under_review', 'under_review');
    }
  }

  async viewParts(tx: Transaction, kase: CaseRow): Promise<CaseViewParts> {
    return { claim: presentClaim(kase, await this.repository.documentsOf(tx, kase.id)) };
  }

  listParts(kase: CaseRow): CaseViewParts {
    return { claim: presentClaim(kase, null) };
  }
}
