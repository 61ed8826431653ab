import { brandOf } from '../../src/domains/payments/cards.ts';
import type { CardSummary } from '../../src/domains/payments/gateway.ts';
import { SandboxGateway } from '../../src/domains/payments/sandbox.ts';
import type { TestApp } from './app.ts';

/** Documented sandbox test cards (docs/api.md), by what they do. */
export const TEST_CARD = {
  visaCredit: '4242424242424242',
  mastercardCredit: '5555555555554444',
  visaDebit: '4000056655665556',
  declinedAtTokenization: '4000000000000002',
  insufficientFunds: '4000000000009995',
  alwaysDeclined: '4000000000000341',
  expired: '4000000000000069',
  timesOut: '4000000000000119',
} as const;

/** The app's gateway as the sandbox, for tests that change what a card does (setBehaviour). */
export function sandboxOf(t: Pick<TestApp, 'services'>): SandboxGateway {
  if (!(t.services.payments instanceof SandboxGateway)) throw new Error('the test app is not on the sandbox');
  return t.services.payments;
}

/** A token for a test card, as the portal would get it before contracting. */
export async function tokenizeTestCard(
  t: Pick<TestApp, 'services'>,
  number: string = TEST_CARD.visaCredit,
  expiry: { expMonth: number; expYear: number } = { expMonth: 12, expYear: 2030 },
): Promise<CardSummary> {
  return t.services.payments.tokenize({
    number,
    ...expiry,
    cvv: brandOf(number) === 'amex' ? '1234' : '123',
  });
}
