import { DateTime } from 'luxon';
import { MEXICO_CITY } from '../../lib/clock.ts';
import type { CardSummary, PaymentGateway } from '../payments/gateway.ts';
import '../payments/errors.ts';
import { fieldError } from './checks.ts';
import './errors.ts';

/** The card summary as the membership stores it: the processor's token and what a person may see. */
export function cardColumns(card: CardSummary) {
  return {
    cardToken: card.token,
    cardBrand: card.brand,
    cardType: card.type,
    cardLast4: card.last4,
    cardExpMonth: card.expMonth,
    cardExpYear: card.expYear,
  };
}

/** The processor's summary of a token, refused when unknown or past its expiry month (Mexico City). */
export async function usableCard(payments: PaymentGateway, token: string, now: Date): Promise<CardSummary> {
  return checkedCard(await payments.describeToken(token), now);
}

/** A summary the processor gave (or null: it knows no such token), refused as `usableCard` refuses. */
export function checkedCard(
  card: CardSummary | null | undefined,
  now: Date,
  /** The Mexico City month of `now`, when the caller worked it out once for many cards. */
  thisMonth: { year: number; month: number } = DateTime.fromJSDate(now, { zone: MEXICO_CITY }),
): CardSummary {
  if (!card) throw fieldError('CARD_TOKEN_UNKNOWN', 'body/cardToken');
  if (card.expYear < thisMonth.year || (card.expYear === thisMonth.year && card.expMonth < thisMonth.month)) {
    throw fieldError('CARD_EXPIRED', 'body/cardToken');
  }
  return card;
}

/**
 * The summaries of many tokens (a bank file's batch): in one call when the processor can, else one
 * call per token, a few at a time. Tokens it does not know are left out.
 */
export async function describeCards(
  payments: PaymentGateway,
  tokens: readonly string[],
): Promise<Map<string, CardSummary>> {
  if (payments.describeTokens) return payments.describeTokens(tokens);
  const found = new Map<string, CardSummary>();
  for (let i = 0; i < tokens.length; i += 16) {
    const part = tokens.slice(i, i + 16);
    const cards = await Promise.all(part.map((token) => payments.describeToken(token)));
    cards.forEach((card, n) => {
      if (card) found.set(part[n] as string, card);
    });
  }
  return found;
}
