import type { Database, Executor } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { EventRecorder } from '../events/recorder.ts';
import type { PaymentGateway } from '../payments/gateway.ts';
import type { ChargesService } from './charges.ts';
import type { ChargesRepository } from './charges-repository.ts';
import type { BillingMessages } from './messages.ts';
import type { RefundsRepository } from './refunds-repository.ts';
import { presentRefund, type RefundView } from './views.ts';

/** A refund the processor accepted, as told to listeners inside the transaction that records it. */
export interface SucceededRefund {
  id: string;
  chargeId: string;
  amountCentavos: number;
}

/**
 * Told of every succeeded refund inside the transaction that records it (invoicing writes the
 * refund's credit note there), so the refund and what follows from it commit together.
 */
export type RefundSucceededListener = (tx: Executor, refund: SucceededRefund) => Promise<void>;

/**
 * Refunds: finance's (all or part of a charge) and the 30-day cancellation's (everything paid),
 * each recorded before the processor is asked, and finished later when the answer never came.
 * Part of `BillingService`, which builds it and answers for it.
 */
export class RefundsService {
  constructor(
    private readonly db: Database,
    private readonly repository: RefundsRepository,
    private readonly chargesRepository: ChargesRepository,
    private readonly charges: ChargesService,
    private readonly gateway: PaymentGateway,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly messages: BillingMessages,
    private readonly events: EventRecorder,
    private readonly listeners: readonly RefundSucceededListener[] = [],
  ) {}

  /** What the membership has paid and not had back: what a full refund would return. */
  async refundableCentavos(executor: Executor, membershipId: string): Promise<number> {
    const found = await this.chargesRepository.refundableCharges(executor, membershipId);
    return found.reduce((sum, c) => sum + c.amountCentavos - c.refundedCentavos, 0);
  }

  /**
   * Refunds everything a membership paid (the 30-day cancellation). Each charge's refund is keyed
   * by `keyPrefix` and the charge, so finishing it again after a crash refunds nothing twice.
   * Returns the refunds; `complete` is false when any is still pending.
   */
  async refundAll(
    actor: Actor,
    membershipId: string,
    reason: string,
    keyPrefix: string,
  ): Promise<{ refunds: RefundView[]; complete: boolean }> {
    const refunds: RefundView[] = [];
    const paid = await this.chargesRepository.chargesOf(this.db, membershipId);
    for (const charge of paid.filter((c) => c.status === 'succeeded')) {
      const key = `${keyPrefix}:${charge.id}`;
      const earlier = await this.repository.refundByRequestKey(this.db, charge.id, key);
      if (!earlier && charge.refundedCentavos >= charge.amountCentavos) continue;
      try {
        const { refund } = await this.refund(actor, charge.id, { reason }, key);
        refunds.push(refund);
      } catch (error) {
        // Finance already gave it all back (or has a refund of the rest on its way).
        if (error instanceof AppError && error.code === 'REFUND_EXCEEDS_CHARGE') continue;
        throw error;
      }
    }
    return { refunds, complete: refunds.every((r) => r.status === 'succeeded') };
  }

  /**
   * Gives back all or part of a charge. The refund is recorded (pending) before the processor is
   * asked, under the refund's id as its key, so a crash in between is finished later and never
   * refunds twice. The same Idempotency-Key on the same charge answers the same refund.
   */
  async refund(
    actor: Actor,
    chargeId: string,
    input: { amountCentavos?: number | undefined; reason: string },
    requestKey: string | undefined,
  ): Promise<{ refund: RefundView; replayed: boolean }> {
    const reason = input.reason.trim();
    if (!reason) {
      throw new AppError('VALIDATION_FAILED', { errors: [{ field: 'body/reason', message: 'is required' }] });
    }
    const key = requestKey ?? newId();
    const now = this.clock.now();
    const prepared = await this.db.transaction(async (tx) => {
      const charge = await this.charges.loadCharge(tx, actor, chargeId, true);
      const earlier = await this.repository.refundByRequestKey(tx, chargeId, key);
      if (earlier) {
        if (input.amountCentavos !== undefined && input.amountCentavos !== earlier.amountCentavos)
          throw new AppError('REFUND_KEY_REUSED');
        return { refund: earlier, charge, replayed: true };
      }
      if (charge.status !== 'succeeded' || !charge.gatewayChargeId)
        throw new AppError('CHARGE_NOT_REFUNDABLE');
      const committed = await this.repository.committedRefundCentavos(tx, chargeId);
      const refundable = charge.amountCentavos - committed;
      const amount = input.amountCentavos ?? refundable;
      if (amount <= 0 || amount > refundable) {
        throw new AppError('REFUND_EXCEEDS_CHARGE', { extensions: { refundableCentavos: refundable } });
      }
      const refund = {
        id: newId(),
        chargeId,
        amountCentavos: amount,
        reason,
        status: 'pending',
        failureReason: null,
        gatewayRefundId: null,
        requestKey: key,
        requestedByType: actor.principal ? actor.principal.kind : 'system',
        requestedById: actor.principal
          ? actor.principal.kind === 'user'
            ? actor.principal.userId
            : actor.principal.apiKeyId
          : null,
        createdAt: now,
        completedAt: null,
      };
      await this.repository.insertRefund(tx, refund);
      await this.events.record(tx, [
        {
          type: 'refund.created',
          membershipId: charge.membershipId,
          data: {
            refundId: refund.id,
            chargeId,
            membershipId: charge.membershipId,
            amountCentavos: amount,
            currency: 'MXN',
            status: 'pending',
          },
        },
      ]);
      await this.audit.record(tx, actor, {
        action: 'charge.refund',
        recordType: 'charge',
        recordId: chargeId,
        details: { refundId: refund.id, amountCentavos: amount, reason },
      });
      return { refund, charge, replayed: false };
    });
    if (prepared.refund.status === 'pending') {
      await this.completeRefund(
        prepared.refund.id,
        prepared.charge.gatewayChargeId ?? '',
        prepared.refund.amountCentavos,
      );
    }
    const refund = await this.repository.refundById(this.db, prepared.refund.id);
    if (!refund) throw new Error('refund vanished');
    return { refund: presentRefund(refund), replayed: prepared.replayed };
  }

  /** Asks the processor for the refund and records its answer; a processor error leaves it pending. */
  private async completeRefund(
    id: string,
    gatewayChargeId: string,
    amountCentavos: number,
  ): Promise<boolean> {
    let outcome: Awaited<ReturnType<PaymentGateway['refund']>>;
    try {
      outcome = await this.gateway.refund({ idempotencyKey: id, gatewayChargeId, amountCentavos });
    } catch {
      return false;
    }
    return this.db.transaction(async (tx) => {
      const done = await this.repository.completeRefund(
        tx,
        id,
        outcome.status === 'succeeded'
          ? { status: 'succeeded', gatewayRefundId: outcome.gatewayRefundId, failureReason: null }
          : { status: 'failed', gatewayRefundId: null, failureReason: outcome.reason },
        this.clock.now(),
      );
      if (!done) return false;
      const charge = await this.chargesRepository.chargeById(tx, done.chargeId);
      await this.events.record(tx, [
        {
          type: outcome.status === 'succeeded' ? 'refund.succeeded' : 'refund.failed',
          membershipId: charge?.membershipId ?? null,
          data: {
            refundId: id,
            chargeId: done.chargeId,
            membershipId: charge?.membershipId ?? null,
            amountCentavos,
            currency: 'MXN',
            status: outcome.status,
            ...(outcome.status === 'failed' ? { failureReason: outcome.reason } : {}),
          },
        },
      ]);
      if (outcome.status === 'succeeded') {
        await this.tellRefund(tx, done.chargeId, id, amountCentavos);
        for (const listener of this.listeners)
          await listener(tx, { id, chargeId: done.chargeId, amountCentavos });
      }
      return true;
    });
  }

  /** The member is told their money went back, in the transaction that records it. */
  private async tellRefund(tx: Executor, chargeId: string, refundId: string, amountCentavos: number) {
    const charge = await this.chargesRepository.chargeById(tx, chargeId);
    if (!charge) return;
    const numbers = await this.chargesRepository.membershipNumbers(tx, [charge.membershipId]);
    await this.messages.refundIssued(tx, {
      id: refundId,
      membershipId: charge.membershipId,
      membershipNumber: numbers.get(charge.membershipId) ?? '',
      amountCentavos,
      cardLast4: charge.cardLast4,
    });
  }

  /** Refunds left pending by a crash or a processor error, finished under their own key. */
  async completePendingRefunds(): Promise<number> {
    const olderThan = new Date(this.clock.now().getTime() - 60_000);
    const pending = await this.repository.pendingRefunds(this.db, olderThan, 500);
    let completed = 0;
    for (const refund of pending) {
      const charge = await this.chargesRepository.chargeById(this.db, refund.chargeId);
      if (
        charge?.gatewayChargeId &&
        (await this.completeRefund(refund.id, charge.gatewayChargeId, refund.amountCentavos))
      )
        completed++;
    }
    return completed;
  }
}
