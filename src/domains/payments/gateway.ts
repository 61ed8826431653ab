/**
 * The payment-gateway port: everything Libra asks of a card processor. Libra never holds a card
 * number; it keeps the processor's token and the summary below, and charges and refunds by token.
 * Adapters: `SandboxGateway` (sandbox.ts), which behaves like a processor's test mode.
 */

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'carnet' | 'unknown';
export type CardType = 'credit' | 'debit';

/** What Libra may keep about a card. */
export interface CardSummary {
  token: string;
  brand: CardBrand;
  type: CardType;
  last4: string;
  expMonth: number;
  expYear: number;
}

export type DeclineCode = 'card_declined' | 'insufficient_funds' | 'expired_card';

export interface ChargeRequest {
  /**
   * One key per attempt: the processor answers a repeated key with the first attempt's outcome,
   * declines included, and never charges twice. A retry after a decline needs a new key.
   */
  idempotencyKey: string;
  token: string;
  amountCentavos: number;
  currency: 'MXN';
  description: string;
}

export type ChargeOutcome =
  | { status: 'succeeded'; gatewayChargeId: string }
  | { status: 'declined'; gatewayChargeId: string; declineCode: DeclineCode }
  | { status: 'unknown' }; // processor timed out: ask again later with lookupCharge, never charge twice

export interface RefundRequest {
  idempotencyKey: string;
  gatewayChargeId: string;
  amountCentavos: number;
}

export type RefundOutcome =
  | { status: 'succeeded'; gatewayRefundId: string }
  | { status: 'failed'; reason: string };

export interface PayoutRequest {
  /** The card that receives the money (a membership's card token). */
  cardToken: string;
  amountCentavos: number;
  /** One payout per key: a repeated key answers the first payout and pays nothing more. */
  idempotencyKey: string;
  description: string;
}

export interface PayoutResult {
  /** The processor's reference for the payout. */
  id: string;
  amountCentavos: number;
}

export interface CardDetails {
  number: string;
  expMonth: number;
  expYear: number;
  cvv: string;
  holderName?: string | undefined;
}

export interface PaymentGateway {
  readonly name: string;
  /** Card details → token (sandbox tokenization; a real processor does this in the browser). */
  tokenize(card: CardDetails): Promise<CardSummary>;
  /** The summary behind a token, or null if the processor does not know it. */
  describeToken(token: string): Promise<CardSummary | null>;
  /** The summaries of many tokens at once (those it knows), for bulk work: optional. */
  describeTokens?(tokens: readonly string[]): Promise<Map<string, CardSummary>>;
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  /** What happened to the charge made with this idempotency key, or null if none was made. */
  lookupCharge(idempotencyKey: string): Promise<ChargeOutcome | null>;
  refund(request: RefundRequest): Promise<RefundOutcome>;
  /** Sends money to a card (a reimbursement claim paid out). Idempotent on the key. */
  payout(request: PayoutRequest): Promise<PayoutResult>;
}
