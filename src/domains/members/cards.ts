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
  const card = await payments.describeToken(token);
  if (!card) throw fieldError('CARD_TOKEN_UNKNOWN', 'body/cardToken');
  const thisMonth = DateTime.fromJSDate(now, { zone: MEXICO_CITY });
  if (card.expYear < thisMonth.year || (card.expYear === thisMonth.year && card.expMonth < thisMonth.month)) {
    throw fieldError('CARD_EXPIRED', 'body/cardToken');
  }
  return card;
}
