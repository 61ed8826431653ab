import { randomBytes } from 'node:crypto';
import type { Database } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { brandOf, cardDigits, cvvValid, expired, expiryPlausible } from './cards.ts';
import './errors.ts';
import type {
  CardDetails,
  CardSummary,
  CardType,
  ChargeOutcome,
  ChargeRequest,
  DeclineCode,
  PaymentGateway,
  PayoutRequest,
  PayoutResult,
  RefundOutcome,
  RefundRequest,
} from './gateway.ts';
import type { SandboxChargeRecord, SandboxRepository, SandboxTokenRecord } from './repository.ts';

/** What charges on a sandbox card do. */
export type SandboxBehaviour =
  | 'approve'
  | 'decline_card_declined'
  | 'decline_insufficient_funds'
  | 'decline_expired_card'
  /** The answer times out (`unknown`) but the charge went through: lookupCharge says succeeded. */
  | 'timeout';

export const SANDBOX_BEHAVIOURS: readonly SandboxBehaviour[] = [
  'approve',
  'decline_card_declined',
  'decline_insufficient_funds',
  'decline_expired_card',
  'timeout',
];

interface TestCard {
  type: CardType;
  /** Refused when tokenized; no token is made. */
  atTokenization?: 'card_declined' | 'expired_card';
  behaviour: SandboxBehaviour;
}

/**
 * The documented test cards (docs/api.md, README). Any other Luhn-valid number approves, as a
 * credit card of the brand its prefix says.
 */
export const TEST_CARDS: Readonly<Record<string, TestCard>> = {
  '4242424242424242': { type: 'credit', behaviour: 'approve' },
  '5555555555554444': { type: 'credit', behaviour: 'approve' },
  '4000056655665556': { type: 'debit', behaviour: 'approve' },
  '4000000000000002': { type: 'credit', atTokenization: 'card_declined', behaviour: 'approve' },
  '4000000000009995': { type: 'debit', behaviour: 'decline_insufficient_funds' },
  '4000000000000341': { type: 'credit', behaviour: 'decline_card_declined' },
  '4000000000000069': { type: 'credit', atTokenization: 'expired_card', behaviour: 'approve' },
  '4000000000000119': { type: 'credit', behaviour: 'timeout' },
};

const DECLINES: Partial<Record<SandboxBehaviour, DeclineCode>> = {
  decline_card_declined: 'card_declined',
  decline_insufficient_funds: 'insufficient_funds',
  decline_expired_card: 'expired_card',
};

const TOKEN = /^tok_sandbox_[A-Za-z0-9_-]{24}$/;

/** A processor-style identifier: prefix and 144 random bits, base64url. */
function gatewayId(prefix: string): string {
  return `${prefix}_${randomBytes(18).toString('base64url')}`;
}

function assertKey(idempotencyKey: string): void {
  if (typeof idempotencyKey !== 'string' || idempotencyKey.length < 1 || idempotencyKey.length > 255)
    throw new RangeError('idempotencyKey must be 1–255 characters');
}

function assertAmount(amountCentavos: number): void {
  if (!Number.isSafeInteger(amountCentavos) || amountCentavos <= 0)
    throw new RangeError(`amountCentavos must be a positive integer, got ${amountCentavos}`);
}

function summaryOf(row: SandboxTokenRecord): CardSummary {
  return {
    token: row.token,
    brand: row.brand as CardSummary['brand'],
    type: row.type as CardType,
    last4: row.last4,
    expMonth: row.expMonth,
    expYear: row.expYear,
  };
}

function outcomeOf(row: SandboxChargeRecord): ChargeOutcome {
  return row.status === 'succeeded'
    ? { status: 'succeeded', gatewayChargeId: row.gatewayChargeId }
    : {
        status: 'declined',
        gatewayChargeId: row.gatewayChargeId,
        declineCode: row.declineCode as DeclineCode,
      };
}

/**
 * A processor's test mode, kept in Libra's database: test cards behave as documented, tokens,
 * charges and refunds persist and are shared by every process, and idempotency keys work as a
 * processor's do. It keeps what a processor shows a merchant — never the number or the CVV.
 */
export class SandboxGateway implements PaymentGateway {
  readonly name = 'sandbox';

  constructor(
    private readonly db: Database,
    private readonly repository: SandboxRepository,
    private readonly clock: Clock,
  ) {}

  async tokenize(card: CardDetails): Promise<CardSummary> {
    const digits = cardDigits(card.number);
    if (!digits) throw new AppError('CARD_NUMBER_INVALID');
    const now = this.clock.now();
    if (!expiryPlausible(card.expMonth, card.expYear, now)) throw new AppError('CARD_EXPIRY_INVALID');
    if (expired(card.expMonth, card.expYear, now)) throw new AppError('CARD_EXPIRED');
    const brand = brandOf(digits);
    if (!cvvValid(brand, card.cvv)) throw new AppError('CARD_CVV_INVALID');

    const test = TEST_CARDS[digits];
    if (test?.atTokenization === 'card_declined')
      throw new AppError('CARD_DECLINED', { extensions: { declineCode: 'card_declined' } });
    if (test?.atTokenization === 'expired_card') throw new AppError('CARD_EXPIRED');

    const summary: CardSummary = {
      token: gatewayId('tok_sandbox'),
      brand,
      type: test?.type ?? 'credit',
      last4: digits.slice(-4),
      expMonth: card.expMonth,
      expYear: card.expYear,
    };
    await this.repository.insertToken(this.db, {
      id: newId(),
      ...summary,
      behaviour: test?.behaviour ?? 'approve',
      createdAt: now,
    });
    return summary;
  }

  async describeToken(token: string): Promise<CardSummary | null> {
    if (!TOKEN.test(token)) return null;
    const row = await this.repository.tokenByValue(this.db, token);
    return row ? summaryOf(row) : null;
  }

  /** Sandbox only: makes a card approve, decline or time out from now on (billing tests use it). */
  async setBehaviour(token: string, behaviour: SandboxBehaviour): Promise<void> {
    if (!SANDBOX_BEHAVIOURS.includes(behaviour)) throw new RangeError(`Unknown behaviour ${behaviour}`);
    if (!(await this.repository.setBehaviour(this.db, token, behaviour)))
      throw new AppError('CARD_TOKEN_UNKNOWN');
  }

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    assertKey(request.idempotencyKey);
    assertAmount(request.amountCentavos);
    if (request.currency !== 'MXN') throw new RangeError(`Unsupported currency ${String(request.currency)}`);

    const previous = await this.repository.chargeByKey(this.db, request.idempotencyKey);
    if (previous) return this.replay(previous, request);

    const card = TOKEN.test(request.token)
      ? await this.repository.tokenByValue(this.db, request.token)
      : undefined;
    if (!card) throw new AppError('CARD_TOKEN_UNKNOWN');

    const now = this.clock.now();
    // An issuer declines a card past its expiry month whatever the card would otherwise do.
    const behaviour: SandboxBehaviour = expired(card.expMonth, card.expYear, now)
      ? 'decline_expired_card'
      : (card.behaviour as SandboxBehaviour);
    const declineCode = DECLINES[behaviour] ?? null;
    const inserted = await this.repository.insertChargeOnce(this.db, {
      id: newId(),
      gatewayChargeId: gatewayId('ch_sandbox'),
      idempotencyKey: request.idempotencyKey,
      token: card.token,
      amountCentavos: request.amountCentavos,
      currency: request.currency,
      description: request.description,
      status: declineCode ? 'declined' : 'succeeded',
      declineCode,
      timedOut: behaviour === 'timeout',
      createdAt: now,
    });
    const stored = await this.repository.chargeByKey(this.db, request.idempotencyKey);
    if (!stored) throw new Error('sandbox charge vanished after insert');
    if (!inserted) return this.replay(stored, request);
    // The processor charged the card, but its answer never arrived.
    if (stored.timedOut) return { status: 'unknown' };
    return outcomeOf(stored);
  }

  /**
   * A repeated key gets the first charge's outcome, as a processor stores it: a retry after a
   * timeout learns that the charge went through, and nothing is charged again.
   */
  private replay(previous: SandboxChargeRecord, request: ChargeRequest): ChargeOutcome {
    if (
      previous.token !== request.token ||
      previous.amountCentavos !== request.amountCentavos ||
      previous.currency !== request.currency
    ) {
      throw new AppError('PAYMENT_IDEMPOTENCY_KEY_REUSED');
    }
    return outcomeOf(previous);
  }

  async lookupCharge(idempotencyKey: string): Promise<ChargeOutcome | null> {
    const row = await this.repository.chargeByKey(this.db, idempotencyKey);
    return row ? outcomeOf(row) : null;
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    assertKey(request.idempotencyKey);
    assertAmount(request.amountCentavos);
    return this.db.transaction(async (tx) => {
      const charge = await this.repository.lockChargeByGatewayId(tx, request.gatewayChargeId);
      if (!charge) return { status: 'failed', reason: 'charge_not_found' };

      const replayed = async (): Promise<RefundOutcome | null> => {
        const previous = await this.repository.refundByKey(tx, request.idempotencyKey);
        if (!previous) return null;
        if (previous.chargeId !== charge.id || previous.amountCentavos !== request.amountCentavos)
          throw new AppError('PAYMENT_IDEMPOTENCY_KEY_REUSED');
        return { status: 'succeeded', gatewayRefundId: previous.gatewayRefundId };
      };

      const earlier = await replayed();
      if (earlier) return earlier;
      if (charge.status !== 'succeeded') return { status: 'failed', reason: 'charge_not_succeeded' };
      const refunded = await this.repository.refundedCentavos(tx, charge.id);
      if (refunded + request.amountCentavos > charge.amountCentavos)
        return { status: 'failed', reason: 'amount_exceeds_refundable' };

      const gatewayRefundId = gatewayId('re_sandbox');
      const inserted = await this.repository.insertRefundOnce(tx, {
        id: newId(),
        gatewayRefundId,
        idempotencyKey: request.idempotencyKey,
        chargeId: charge.id,
        amountCentavos: request.amountCentavos,
        createdAt: this.clock.now(),
      });
      if (inserted) return { status: 'succeeded', gatewayRefundId };
      // The same key was used at the same moment on another charge.
      const concurrent = await replayed();
      if (!concurrent) throw new Error('sandbox refund key taken but not found');
      return concurrent;
    });
  }

  /**
   * Pays money into a known card, once per idempotency key: a repeated key with the same card and
   * amount answers the first payout; with another card or amount it is refused.
   */
  async payout(request: PayoutRequest): Promise<PayoutResult> {
    assertKey(request.idempotencyKey);
    assertAmount(request.amountCentavos);
    const replay = (row: { id: string; cardToken: string; amountCentavos: number }): PayoutResult => {
      if (row.cardToken !== request.cardToken || row.amountCentavos !== request.amountCentavos)
        throw new AppError('PAYMENT_IDEMPOTENCY_KEY_REUSED');
      return { id: row.id, amountCentavos: row.amountCentavos };
    };
    const previous = await this.repository.payoutByKey(this.db, request.idempotencyKey);
    if (previous) return replay(previous);
    const card = TOKEN.test(request.cardToken)
      ? await this.repository.tokenByValue(this.db, request.cardToken)
      : undefined;
    if (!card) throw new AppError('CARD_TOKEN_UNKNOWN');
    await this.repository.insertPayoutOnce(this.db, {
      id: gatewayId('po_sandbox'),
      cardToken: card.token,
      amountCentavos: request.amountCentavos,
      idempotencyKey: request.idempotencyKey,
      description: request.description,
      createdAt: this.clock.now(),
    });
    const stored = await this.repository.payoutByKey(this.db, request.idempotencyKey);
    if (!stored) throw new Error('sandbox payout vanished after insert');
    return replay(stored);
  }
}
