import type { Database, Executor } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { type Actor, isStaff } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import { clearanceFor, withVerification } from '../members/clearance.ts';
import type { MembersService, OutstandingChargeRetried } from '../members/service.ts';
import type { VerificationNote } from '../members/verifications.ts';
import type { ChargeAttempts } from './attempts.ts';
import type { ChargeRecord, ChargesRepository } from './charges-repository.ts';
import { type ChargeView, DECLINE_LABELS, presentCharge } from './views.ts';

/**
 * Charges one at a time: who may see which (a customer their own), their views with attempts and
 * refunds, finance's retry, and what cancellation asks of a membership's charges. Part of
 * `BillingService`, which builds it and answers for it.
 */
export class ChargesService {
  constructor(
    private readonly db: Database,
    private readonly repository: ChargesRepository,
    private readonly members: MembersService,
    private readonly attempts: ChargeAttempts,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Charges as their views: attempts, refunds and membership numbers read once for all. */
  async present(executor: Executor, found: ChargeRecord[]): Promise<ChargeView[]> {
    const ids = found.map((c) => c.id);
    const attempts = await this.repository.attemptsOf(executor, ids);
    const refunds = await this.repository.refundsOf(executor, ids);
    const numbers = await this.repository.membershipNumbers(
      executor,
      found.map((c) => c.membershipId),
    );
    return found.map((c) =>
      presentCharge(
        c,
        attempts.filter((a) => a.chargeId === c.id),
        refunds.filter((r) => r.chargeId === c.id),
        numbers.get(c.membershipId) ?? '',
      ),
    );
  }

  private async view(executor: Executor, charge: ChargeRecord): Promise<ChargeView> {
    const [view] = await this.present(executor, [charge]);
    if (!view) throw new Error('charge view vanished');
    return view;
  }

  /** Reads by staff are reads of someone's personal data: audited, with the check that cleared an agent. */
  private async auditRead(
    executor: Executor,
    actor: Actor,
    action: string,
    recordId: string,
    verification: VerificationNote | null,
  ) {
    if (isStaff(actor.principal)) {
      const details = withVerification(undefined, verification);
      await this.audit.record(executor, actor, {
        action,
        recordType: 'charge',
        recordId,
        ...(details ? { details } : {}),
      });
    }
  }

  /** A charge the caller may see (a customer: their own), or CHARGE_NOT_FOUND. */
  async loadCharge(executor: Executor, actor: Actor, id: string, forUpdate = false): Promise<ChargeRecord> {
    const charge = await this.repository.chargeById(executor, id, forUpdate);
    if (!charge) throw new AppError('CHARGE_NOT_FOUND');
    try {
      await this.members.load(executor, actor, charge.membershipId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'MEMBERSHIP_NOT_FOUND')
        throw new AppError('CHARGE_NOT_FOUND');
      throw error;
    }
    return charge;
  }

  async charge(actor: Actor, id: string): Promise<ChargeView> {
    return this.db.transaction(async (tx) => {
      const charge = await this.loadCharge(tx, actor, id);
      const verification = await clearanceFor(tx, actor, charge.membershipId, this.clock.now(), 'billing');
      await this.auditRead(tx, actor, 'charge.read', id, verification);
      return this.view(tx, charge);
    });
  }

  async chargesOfMembership(actor: Actor, membershipId: string): Promise<ChargeView[]> {
    return this.db.transaction(async (tx) => {
      await this.members.load(tx, actor, membershipId);
      const verification = await clearanceFor(tx, actor, membershipId, this.clock.now(), 'billing');
      const found = await this.repository.chargesOf(tx, membershipId);
      if (isStaff(actor.principal)) {
        const details = withVerification(undefined, verification);
        await this.audit.record(tx, actor, {
          action: 'membership.charges_read',
          recordType: 'membership',
          recordId: membershipId,
          ...(details ? { details } : {}),
        });
      }
      return this.present(tx, found);
    });
  }

  /** Finance tries a declined charge again now, with the card on file. */
  async retry(actor: Actor, id: string): Promise<ChargeView> {
    await this.db.transaction(async (tx) => {
      const charge = await this.loadCharge(tx, actor, id);
      if (charge.status !== 'failed') throw new AppError('CHARGE_NOT_RETRYABLE');
      await this.audit.record(tx, actor, { action: 'charge.retry', recordType: 'charge', recordId: id });
    });
    const settled = await this.attempts.retryNow([id]);
    return this.db.transaction(async (tx) => {
      const charge = await this.loadCharge(tx, actor, id);
      // A debit card under DIRECT_DEBIT=file: the new attempt waits for the next collection file.
      if (settled.length === 0 && charge.status !== 'collecting') throw new AppError('CHARGE_NOT_RETRYABLE');
      return this.view(tx, charge);
    });
  }

  /**
   * After a new card: what the old one could not pay (its declined charges) is charged to it at
   * once, each charge once: the claim takes it from `failed` to `pending` under
   * `for update skip locked`, so a second card change meanwhile finds nothing to charge. A charge
   * whose answer is `unknown` is not tried again (reconciliation asks the processor about it).
   */
  async retryAfterCardReplaced(membershipId: string): Promise<OutstandingChargeRetried[]> {
    const settled = await this.attempts.retryNow(
      await this.repository.failedChargeIds(this.db, membershipId),
    );
    const outcomes: OutstandingChargeRetried[] = [];
    for (const s of settled) {
      const charge = await this.repository.chargeById(this.db, s.id);
      const declineCode = charge?.declineCode ?? null;
      outcomes.push({
        chargeId: s.id,
        amountCentavos: s.amountCentavos,
        status: s.status,
        declineCode,
        declineLabel: declineCode ? (DECLINE_LABELS[declineCode] ?? null) : null,
      });
    }
    return outcomes;
  }

  /** Stops retrying a membership's declines (it was cancelled), inside the caller's transaction. */
  async stopRetries(tx: Executor, membershipId: string): Promise<void> {
    await this.repository.stopRetries(tx, membershipId, this.clock.now());
  }

  /** When the period the membership last paid for ends (null: nothing paid). */
  async paidThrough(executor: Executor, membershipId: string, at: Date): Promise<Date | null> {
    return this.repository.paidThrough(executor, membershipId, at);
  }
}
