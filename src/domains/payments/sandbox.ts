import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { brandOf, cardDigits, cvvValid, expired, expiryPlausible, firstValidExpiry } from './cards.ts';
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
import type {
  SandboxChargeAttempt,
  SandboxChargeRecord,
  SandboxChargeRule,
  SandboxRepository,
  SandboxTokenRecord,
} from './repository.ts';

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

/** What a charge records on a card with each behaviour (the expired rule picks the behaviour). */
const CHARGE_RULES: readonly SandboxChargeRule[] = SANDBOX_BEHAVIOURS.map((behaviour) => {
  const declineCode = DECLINES[behaviour] ?? null;
  return {
    behaviour,
    status: declineCode ? 'declined' : 'succeeded',
    declineCode,
    timedOut: behaviour === 'timeout',
  };
});

/** Charges decided together: those that arrive in one tick, at most this many. */
const MAX_BATCH = 1000;

interface PendingCharge {
  request: ChargeRequest;
  /** Answers the caller with what `answer` gives; only the first call counts. */
  settle(answer: () => Promise<ChargeOutcome>): void;
}

/** Whether the database refused a row's data: SQLSTATE class 22 (data exception) or 23 (constraint). */
function dataError(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code)) return true;
  }
  return false;
}

export interface SandboxOptions {
  /**
   * Simulated processor latency: charge, lookupCharge and refund answer this many milliseconds
   * after their work is done (holding no connection meanwhile). Default 0.
   */
  latencyMs?: number;
}

/**
 * A processor's test mode, kept in Libra's database: test cards behave as documented, tokens,
 * charges and refunds persist and are shared by every process, and idempotency keys work as a
 * processor's do. It keeps what a processor shows a merchant — never the number or the CVV.
 *
 * Charges arriving in the same tick are decided together, in one statement (two when a key was
 * already taken or a card is unknown), so a billing run with hundreds of charges in flight does not pay a few round
 * trips for each; every call still gets its own answer, as if the calls had run one after another.
 */
export class SandboxGateway implements PaymentGateway {
  readonly name = 'sandbox';
  private readonly latencyMs: number;
  private pending: PendingCharge[] = [];
  private flushScheduled = false;

  constructor(
    private readonly db: Database,
    private readonly repository: SandboxRepository,
    private readonly clock: Clock,
    options: SandboxOptions = {},
  ) {
    const latencyMs = options.latencyMs ?? 0;
    if (!Number.isFinite(latencyMs) || latencyMs < 0)
      throw new RangeError(`latencyMs must be a non-negative number, got ${latencyMs}`);
    this.latencyMs = latencyMs;
  }

  /** Runs `work`, then answers (its result or its error) after the simulated latency. */
  private async answer<T>(work: () => Promise<T>): Promise<T> {
    if (this.latencyMs === 0) return work();
    const settled = await work().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    await sleep(this.latencyMs);
    if (!settled.ok) throw settled.error;
    return settled.value;
  }

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

  async describeTokens(tokens: readonly string[]): Promise<Map<string, CardSummary>> {
    const wellFormed = [...new Set(tokens.filter((t) => TOKEN.test(t)))];
    const found = new Map<string, CardSummary>();
    if (wellFormed.length === 0) return found;
    for (const row of await this.repository.tokensByValue(this.db, wellFormed)) {
      found.set(row.token, summaryOf(row));
    }
    return found;
  }

  /** Sandbox only: makes a card approve, decline or time out from now on (billing tests use it). */
  async setBehaviour(token: string, behaviour: SandboxBehaviour): Promise<void> {
    if (!SANDBOX_BEHAVIOURS.includes(behaviour)) throw new RangeError(`Unknown behaviour ${behaviour}`);
    if (!(await this.repository.setBehaviour(this.db, token, behaviour)))
      throw new AppError('CARD_TOKEN_UNKNOWN');
  }

  charge(request: ChargeRequest): Promise<ChargeOutcome> {
    return this.answer(async () => {
      assertKey(request.idempotencyKey);
      assertAmount(request.amountCentavos);
      if (request.currency !== 'MXN')
        throw new RangeError(`Unsupported currency ${String(request.currency)}`);
      return new Promise<ChargeOutcome>((resolve) => {
        let settled = false;
        const settle = (answer: () => Promise<ChargeOutcome>) => {
          if (settled) return;
          settled = true;
          resolve(answer());
        };
        this.pending.push({ request, settle });
        if (this.pending.length >= MAX_BATCH) void this.flush();
        else if (!this.flushScheduled) {
          this.flushScheduled = true;
          setImmediate(() => {
            this.flushScheduled = false;
            void this.flush();
          });
        }
      });
    });
  }

  /** Decides the waiting charges. Never rejects: every charge of the batch is answered. */
  private async flush(): Promise<void> {
    const batch = this.pending.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    try {
      await this.decide(batch);
    } catch (error) {
      for (const charge of batch) charge.settle(() => Promise.reject(error));
    }
    for (const charge of batch)
      charge.settle(() => Promise.reject(new Error('sandbox charge left undecided')));
  }

  /**
   * One insert for the whole batch (per key, the first attempt with a known card), then one read
   * of the keys it did not insert. The read is a statement of its own: a key another process took
   * at the same moment is only visible to a snapshot taken after the insert waited for it.
   */
  private async decide(batch: PendingCharge[]): Promise<void> {
    const now = this.clock.now();
    const attempts: SandboxChargeAttempt[] = batch.map(({ request }) => ({
      id: newId(),
      gatewayChargeId: gatewayId('ch_sandbox'),
      idempotencyKey: request.idempotencyKey,
      token: TOKEN.test(request.token) ? request.token : null,
      amountCentavos: request.amountCentavos,
      currency: request.currency,
      description: request.description,
    }));
    let inserted: SandboxChargeRecord[];
    try {
      inserted = await this.repository.insertChargesOnce(this.db, attempts, {
        createdAt: now,
        outcomes: CHARGE_RULES,
        // An issuer declines a card past its expiry month whatever the card would otherwise do.
        firstValidExpiry: firstValidExpiry(now),
        expiredBehaviour: 'decline_expired_card',
      });
    } catch (error) {
      // One request's data (a description Postgres cannot store, say) fails the whole statement:
      // decide the halves one after the other, so that it fails alone and a key repeated in the
      // second half still comes after its first use.
      if (batch.length === 1 || !dataError(error)) throw error;
      const half = Math.ceil(batch.length / 2);
      for (const part of [batch.slice(0, half), batch.slice(half)]) {
        await this.decide(part).catch((partError: unknown) => {
          for (const charge of part) charge.settle(() => Promise.reject(partError));
        });
      }
      return;
    }

    // Per key: which attempt was inserted (its position in the batch) and the row it made.
    const insertedIds = new Map(inserted.map((row) => [row.id, row]));
    const fresh = new Map<string, { position: number; row: SandboxChargeRecord }>();
    attempts.forEach((attempt, position) => {
      const row = insertedIds.get(attempt.id);
      if (row) fresh.set(attempt.idempotencyKey, { position, row });
    });
    const answer = (charge: PendingCharge, position: number, stored: SandboxChargeRecord | undefined) =>
      charge.settle(async () => {
        const first = fresh.get(charge.request.idempotencyKey);
        // Attempts before the inserted one had no known card; with no row at all, none had.
        if (!stored || (first && position < first.position)) throw new AppError('CARD_TOKEN_UNKNOWN');
        // The processor charged the card, but its answer never arrived.
        if (first?.position === position) return stored.timedOut ? { status: 'unknown' } : outcomeOf(stored);
        return this.replay(stored, charge.request);
      });

    // Keys this batch inserted are answered now; the others wait for the read.
    const others = new Set<string>();
    batch.forEach((charge, position) => {
      const first = fresh.get(charge.request.idempotencyKey);
      if (first) answer(charge, position, first.row);
      else others.add(charge.request.idempotencyKey);
    });
    if (others.size === 0) return;
    const existing = new Map(
      (await this.repository.chargesByKeys(this.db, [...others])).map((row) => [row.idempotencyKey, row]),
    );
    batch.forEach((charge, position) => {
      if (!fresh.has(charge.request.idempotencyKey))
        answer(charge, position, existing.get(charge.request.idempotencyKey));
    });
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

  lookupCharge(idempotencyKey: string): Promise<ChargeOutcome | null> {
    return this.answer(async () => {
      const row = await this.repository.chargeByKey(this.db, idempotencyKey);
      return row ? outcomeOf(row) : null;
    });
  }

  refund(request: RefundRequest): Promise<RefundOutcome> {
    return this.answer(() => this.refundNow(request));
  }

  private async refundNow(request: RefundRequest): Promise<RefundOutcome> {
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
