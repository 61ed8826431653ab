import { AppError } from '../../lib/errors.ts';
import './errors.ts';

/** What a reimbursement claim carries in the case's `details`. */
export interface ClaimDetails {
  withdrawal: { amountCentavos: number; at: string; atm: string };
  cardDailyAtmMaximumCentavos: number;
}

/**
 * The claim's details, or CLAIM_DETAILS_REQUIRED naming what is missing. The request schema
 * already checked each field's form; here the claim must have them all, and (when filed, at `now`)
 * the withdrawal must not be in the future.
 */
export function claimDetailsOf(details: unknown, now?: Date): ClaimDetails {
  const d = (details ?? {}) as Partial<ClaimDetails>;
  const missing: string[] = [];
  if (!d.withdrawal) missing.push('details/withdrawal');
  if (!d.cardDailyAtmMaximumCentavos) missing.push('details/cardDailyAtmMaximumCentavos');
  if (missing.length)
    throw new AppError('CLAIM_DETAILS_REQUIRED', {
      errors: missing.map((field) => ({ field: `body/${field}`, message: 'is required for a claim' })),
    });
  const claim = d as ClaimDetails;
  const at = new Date(claim.withdrawal.at);
  if (Number.isNaN(at.getTime()))
    throw new AppError('CLAIM_DETAILS_REQUIRED', {
      errors: [{ field: 'body/details/withdrawal/at', message: 'must be a date-time' }],
    });
  if (now && at > now) throw new AppError('CLAIM_WITHDRAWAL_IN_FUTURE');
  return claim;
}

/** What is paid: the withdrawal, never above the card's 24-hour maximum nor the reviewer's amount. */
export function approvedAmount(claim: ClaimDetails, reviewerCentavos?: number): number {
  return Math.min(
    claim.withdrawal.amountCentavos,
    claim.cardDailyAtmMaximumCentavos,
    reviewerCentavos ?? Number.POSITIVE_INFINITY,
  );
}
