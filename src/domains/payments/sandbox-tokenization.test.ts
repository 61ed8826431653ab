import { beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../../test/support/database.ts';
import { TEST_CARD } from '../../../test/support/payments.ts';
import {
  describeWhatTheSandboxKeeps,
  refusal,
  SANDBOX_START as START,
  sandboxSuite,
} from '../../../test/support/sandbox.ts';
import { openDatabase } from '../../db/client.ts';
import type { ManualClock } from '../../lib/clock.ts';
import { SandboxRepository } from './repository.ts';
import { SandboxGateway } from './sandbox.ts';

/** The sandbox processor's tokenization: the documented test cards, and what it refuses. */
const sandbox = sandboxSuite();
const { card, key } = sandbox;
let database: TestDatabase;
let clock: ManualClock;
let gateway: SandboxGateway;
beforeAll(() => {
  ({ database, clock, gateway } = sandbox);
});

describe('tokenization of the documented test cards', () => {
  it.each([
    [TEST_CARD.visaCredit, 'visa', 'credit', '4242'],
    [TEST_CARD.mastercardCredit, 'mastercard', 'credit', '4444'],
    [TEST_CARD.visaDebit, 'visa', 'debit', '5556'],
    [TEST_CARD.insufficientFunds, 'visa', 'debit', '9995'],
    [TEST_CARD.alwaysDeclined, 'visa', 'credit', '0341'],
    [TEST_CARD.timesOut, 'visa', 'credit', '0119'],
  ])('%s → %s %s ending %s, a token the sandbox can describe', async (number, brand, type, last4) => {
    const summary = await gateway.tokenize(card(number));
    expect(summary).toEqual({
      token: expect.stringMatching(/^tok_sandbox_[A-Za-z0-9_-]{24}$/),
      brand,
      type,
      last4,
      expMonth: 12,
      expYear: 2030,
    });
    expect(await gateway.describeToken(summary.token)).toEqual(summary);
  });

  it('4000 0000 0000 0002 is declined at tokenization, and no token is made', async () => {
    const error = await refusal(gateway.tokenize(card(TEST_CARD.declinedAtTokenization)));
    expect(error.code).toBe('CARD_DECLINED');
    expect(error.status).toBe(402);
    expect(error.options.extensions).toEqual({ declineCode: 'card_declined' });
  });

  it('4000 0000 0000 0069 is expired whatever expiry is typed', async () => {
    for (const expYear of [2027, 2030, 2040]) {
      const error = await refusal(gateway.tokenize(card(TEST_CARD.expired, { expYear })));
      expect(error.code).toBe('CARD_EXPIRED');
    }
  });

  it('any other Luhn-valid number approves as credit, its brand from the prefix', async () => {
    const cases: [string, string, string][] = [
      ['4012888888881881', 'visa', '123'],
      ['5105105105105100', 'mastercard', '123'],
      ['2223003122003222', 'mastercard', '123'],
      ['2720999999999996', 'mastercard', '123'],
      ['378282246310005', 'amex', '1234'],
      ['341111111111111', 'amex', '1234'],
      ['6011111111111117', 'unknown', '123'],
      ['2721000000000004', 'unknown', '123'],
      ['4222222222222', 'visa', '123'],
    ];
    for (const [number, brand, cvv] of cases) {
      const summary = await gateway.tokenize(card(number, { cvv }));
      expect(summary, number).toMatchObject({ brand, type: 'credit', last4: number.slice(-4) });
      const outcome = await gateway.charge({
        idempotencyKey: key('other'),
        token: summary.token,
        amountCentavos: 21_800,
        currency: 'MXN',
        description: 'x',
      });
      expect(outcome.status, number).toBe('succeeded');
    }
  });

  it('accepts the number as people type it, in groups with spaces or dashes', async () => {
    expect((await gateway.tokenize(card('4242 4242 4242 4242'))).last4).toBe('4242');
    expect((await gateway.tokenize(card('5555-5555-5555-4444'))).brand).toBe('mastercard');
  });

  it('refuses numbers that are not card numbers', async () => {
    for (const number of [
      '4242424242424241',
      '424242424242',
      '42424242424242424242',
      '4242x4242424242424',
      '',
    ]) {
      expect((await refusal(gateway.tokenize(card(number)))).code, number).toBe('CARD_NUMBER_INVALID');
    }
  });

  it('refuses an expiry before this month in Mexico City, and accepts this month', async () => {
    expect(
      (await refusal(gateway.tokenize(card(TEST_CARD.visaCredit, { expMonth: 10, expYear: 2026 })))).code,
    ).toBe('CARD_EXPIRED');
    expect(
      (await refusal(gateway.tokenize(card(TEST_CARD.visaCredit, { expMonth: 12, expYear: 2025 })))).code,
    ).toBe('CARD_EXPIRED');
    await expect(
      gateway.tokenize(card(TEST_CARD.visaCredit, { expMonth: 11, expYear: 2026 })),
    ).resolves.toMatchObject({
      expMonth: 11,
    });
    // 30 Nov 21:00 in Mexico City is 1 Dec 03:00 UTC: a card ending 11/2026 is still good there.
    clock.set('2026-12-01T03:00:00Z');
    try {
      await expect(
        gateway.tokenize(card(TEST_CARD.visaCredit, { expMonth: 11, expYear: 2026 })),
      ).resolves.toBeDefined();
      clock.set('2026-12-01T06:00:00Z');
      expect(
        (await refusal(gateway.tokenize(card(TEST_CARD.visaCredit, { expMonth: 11, expYear: 2026 })))).code,
      ).toBe('CARD_EXPIRED');
    } finally {
      clock.set(START);
    }
  });

  it('refuses an expiry that is not a month and a plausible year', async () => {
    for (const expiry of [
      { expMonth: 0, expYear: 2030 },
      { expMonth: 13, expYear: 2030 },
      { expMonth: 1.5, expYear: 2030 },
      { expMonth: 12, expYear: 2047 },
      { expMonth: 12, expYear: 30 },
    ]) {
      expect(
        (await refusal(gateway.tokenize(card(TEST_CARD.visaCredit, expiry)))).code,
        JSON.stringify(expiry),
      ).toBe('CARD_EXPIRY_INVALID');
    }
  });

  it('refuses a security code that is not 3 digits, or 4 for American Express', async () => {
    for (const [number, cvv] of [
      [TEST_CARD.visaCredit, '12'],
      [TEST_CARD.visaCredit, '1234'],
      [TEST_CARD.visaCredit, '12a'],
      [TEST_CARD.visaCredit, ''],
      ['378282246310005', '123'],
      ['378282246310005', '12345'],
    ] as const) {
      expect((await refusal(gateway.tokenize(card(number, { cvv })))).code, `${number} ${cvv}`).toBe(
        'CARD_CVV_INVALID',
      );
    }
  });

  it('does not know tokens it did not make', async () => {
    expect(await gateway.describeToken('tok_sandbox_AAAAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
    expect(await gateway.describeToken('not a token')).toBeNull();
  });

  it('keeps tokens in the database: another instance, on its own connections, knows them', async () => {
    const summary = await gateway.tokenize(card(TEST_CARD.visaDebit));
    // On PostgreSQL a second pool, as another process would have; PGlite has one connection.
    const second = database.url ? await openDatabase({ url: database.url, maxConnections: 1 }) : undefined;
    try {
      const other = new SandboxGateway((second ?? database.handle).db, new SandboxRepository(), clock);
      expect(await other.describeToken(summary.token)).toEqual(summary);
    } finally {
      await second?.close();
    }
  });
});

describeWhatTheSandboxKeeps(sandbox);
