import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { TEST_CARD } from '../../../test/support/payments.ts';
import { openDatabase, rows } from '../../db/client.ts';
import { containsCardNumber } from '../../lib/card-numbers.ts';
import { ManualClock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import type { CardDetails } from './gateway.ts';
import { SandboxRepository } from './repository.ts';
import { SandboxGateway, TEST_CARDS } from './sandbox.ts';

const START = '2026-11-25T20:05:00Z';
let database: TestDatabase;
let clock: ManualClock;
let gateway: SandboxGateway;

beforeAll(async () => {
  database = await freshDatabase();
  clock = new ManualClock(START);
  gateway = new SandboxGateway(database.handle.db, new SandboxRepository(), clock);
});
afterAll(async () => database?.drop());

/** Every number this file types, so that the last test can look for each in the tables. */
const typed = new Set<string>();

function card(number: string, overrides: Partial<CardDetails> = {}): CardDetails {
  typed.add(number.replace(/[ -]/g, ''));
  return { number, expMonth: 12, expYear: 2030, cvv: '123', holderName: 'María López', ...overrides };
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

let serial = 0;
const key = (what: string) => `${what}-${++serial}`;

async function count(table: 'sandbox_charges' | 'sandbox_refunds', where = sql`true`): Promise<number> {
  const [row] = await rows<{ n: number }>(
    database.handle.db,
    sql`select count(*)::int8 as n from ${sql.identifier(table)} where ${where}`,
  );
  return row?.n ?? -1;
}

async function chargeOnce(number: string, amountCentavos = 21_800) {
  const summary = await gateway.tokenize(card(number));
  const idempotencyKey = key('charge');
  const outcome = await gateway.charge({
    idempotencyKey,
    token: summary.token,
    amountCentavos,
    currency: 'MXN',
    description: 'Libra Plus — noviembre 2026',
  });
  return { summary, idempotencyKey, outcome };
}

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

describe('charges', () => {
  it('approving cards succeed', async () => {
    for (const number of [TEST_CARD.visaCredit, TEST_CARD.mastercardCredit, TEST_CARD.visaDebit]) {
      const { outcome, idempotencyKey } = await chargeOnce(number);
      expect(outcome).toEqual({
        status: 'succeeded',
        gatewayChargeId: expect.stringMatching(/^ch_sandbox_/),
      });
      expect(await gateway.lookupCharge(idempotencyKey)).toEqual(outcome);
    }
  });

  it('4000 0000 0000 9995 is declined for insufficient funds, 0341 as card_declined, every time', async () => {
    for (const [number, declineCode] of [
      [TEST_CARD.insufficientFunds, 'insufficient_funds'],
      [TEST_CARD.alwaysDeclined, 'card_declined'],
    ] as const) {
      const first = await chargeOnce(number);
      expect(first.outcome).toEqual({ status: 'declined', gatewayChargeId: expect.any(String), declineCode });
      const again = await gateway.charge({
        idempotencyKey: key('retry'),
        token: first.summary.token,
        amountCentavos: 21_800,
        currency: 'MXN',
        description: 'reintento',
      });
      expect(again).toMatchObject({ status: 'declined', declineCode });
    }
  });

  it('the same idempotency key returns the first outcome and never charges twice', async () => {
    const { summary, idempotencyKey, outcome } = await chargeOnce(TEST_CARD.visaCredit);
    const request = {
      idempotencyKey,
      token: summary.token,
      amountCentavos: 21_800,
      currency: 'MXN' as const,
      description: 'Libra Plus — noviembre 2026',
    };
    expect(await gateway.charge(request)).toEqual(outcome);
    expect(await gateway.charge(request)).toEqual(outcome);
    expect(await count('sandbox_charges', sql`idempotency_key = ${idempotencyKey}`)).toBe(1);

    // A declined first attempt is replayed as declined, even after the card would approve.
    const declined = await chargeOnce(TEST_CARD.alwaysDeclined);
    await gateway.setBehaviour(declined.summary.token, 'approve');
    expect(
      await gateway.charge({
        ...request,
        idempotencyKey: declined.idempotencyKey,
        token: declined.summary.token,
      }),
    ).toEqual(declined.outcome);
  });

  it('the same key for another card or amount is refused, not charged', async () => {
    const { summary, idempotencyKey } = await chargeOnce(TEST_CARD.visaCredit);
    const other = await gateway.tokenize(card(TEST_CARD.mastercardCredit));
    const base = { idempotencyKey, currency: 'MXN' as const, description: 'x' };
    for (const changed of [
      { ...base, token: summary.token, amountCentavos: 21_801 },
      { ...base, token: other.token, amountCentavos: 21_800 },
    ]) {
      expect((await refusal(gateway.charge(changed))).code).toBe('PAYMENT_IDEMPOTENCY_KEY_REUSED');
    }
    expect(await count('sandbox_charges', sql`idempotency_key = ${idempotencyKey}`)).toBe(1);
  });

  it('concurrent charges with one key make one charge', async () => {
    const summary = await gateway.tokenize(card(TEST_CARD.visaCredit));
    const request = {
      idempotencyKey: key('concurrent'),
      token: summary.token,
      amountCentavos: 21_800,
      currency: 'MXN' as const,
      description: 'x',
    };
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => gateway.charge(request)));
    expect(new Set(outcomes.map((o) => JSON.stringify(o))).size).toBe(1);
    expect(outcomes[0]?.status).toBe('succeeded');
    expect(await count('sandbox_charges', sql`idempotency_key = ${request.idempotencyKey}`)).toBe(1);
  });

  it('4000 0000 0000 0119 times out (unknown) but charged: lookup says succeeded, a retry does not charge again', async () => {
    const { summary, idempotencyKey, outcome } = await chargeOnce(TEST_CARD.timesOut);
    expect(outcome).toEqual({ status: 'unknown' });
    const looked = await gateway.lookupCharge(idempotencyKey);
    expect(looked).toEqual({ status: 'succeeded', gatewayChargeId: expect.stringMatching(/^ch_sandbox_/) });
    const retried = await gateway.charge({
      idempotencyKey,
      token: summary.token,
      amountCentavos: 21_800,
      currency: 'MXN',
      description: 'Libra Plus — noviembre 2026',
    });
    expect(retried).toEqual(looked);
    expect(await count('sandbox_charges', sql`token = ${summary.token}`)).toBe(1);
  });

  it('lookupCharge knows nothing of a key never charged', async () => {
    expect(await gateway.lookupCharge('never-used')).toBeNull();
  });

  it('refuses an unknown token and nonsense amounts without recording anything', async () => {
    const before = await count('sandbox_charges');
    const base = { idempotencyKey: key('bad'), currency: 'MXN' as const, description: 'x' };
    const unknown = await refusal(
      gateway.charge({ ...base, token: 'tok_sandbox_AAAAAAAAAAAAAAAAAAAAAAAA', amountCentavos: 100 }),
    );
    expect(unknown.code).toBe('CARD_TOKEN_UNKNOWN');
    const { token } = await gateway.tokenize(card(TEST_CARD.visaCredit));
    for (const amountCentavos of [0, -100, 10.5]) {
      await expect(gateway.charge({ ...base, token, amountCentavos })).rejects.toThrow(RangeError);
    }
    await expect(gateway.charge({ ...base, token, amountCentavos: 100, idempotencyKey: '' })).rejects.toThrow(
      RangeError,
    );
    expect(await count('sandbox_charges')).toBe(before);
  });

  it('a card past its expiry month is declined as expired_card', async () => {
    const { token } = await gateway.tokenize(card(TEST_CARD.visaCredit, { expMonth: 11, expYear: 2026 }));
    clock.set('2026-12-15T18:00:00Z');
    try {
      const outcome = await gateway.charge({
        idempotencyKey: key('expired'),
        token,
        amountCentavos: 21_800,
        currency: 'MXN',
        description: 'x',
      });
      expect(outcome).toMatchObject({ status: 'declined', declineCode: 'expired_card' });
    } finally {
      clock.set(START);
    }
  });

  it('setBehaviour turns an approving card into a declining one and back', async () => {
    const { token } = await gateway.tokenize(card(TEST_CARD.visaCredit));
    const charge = () =>
      gateway.charge({
        idempotencyKey: key('switch'),
        token,
        amountCentavos: 21_800,
        currency: 'MXN',
        description: 'x',
      });
    expect((await charge()).status).toBe('succeeded');
    await gateway.setBehaviour(token, 'decline_insufficient_funds');
    expect(await charge()).toMatchObject({ status: 'declined', declineCode: 'insufficient_funds' });
    await gateway.setBehaviour(token, 'timeout');
    expect(await charge()).toEqual({ status: 'unknown' });
    await gateway.setBehaviour(token, 'approve');
    expect((await charge()).status).toBe('succeeded');
    expect(
      (await refusal(gateway.setBehaviour('tok_sandbox_AAAAAAAAAAAAAAAAAAAAAAAA', 'approve'))).code,
    ).toBe('CARD_TOKEN_UNKNOWN');
  });
});

describe('refunds', () => {
  async function succeededCharge(amountCentavos = 21_800): Promise<string> {
    const { outcome } = await chargeOnce(TEST_CARD.visaCredit, amountCentavos);
    if (outcome.status !== 'succeeded') throw new Error('the test card should approve');
    return outcome.gatewayChargeId;
  }

  it('refund in parts up to what was charged, never more', async () => {
    const gatewayChargeId = await succeededCharge(21_800);
    const refund = (amountCentavos: number) =>
      gateway.refund({ idempotencyKey: key('refund'), gatewayChargeId, amountCentavos });
    expect(await refund(21_801)).toEqual({ status: 'failed', reason: 'amount_exceeds_refundable' });
    expect(await refund(10_000)).toEqual({
      status: 'succeeded',
      gatewayRefundId: expect.stringMatching(/^re_sandbox_/),
    });
    expect(await refund(11_801)).toEqual({ status: 'failed', reason: 'amount_exceeds_refundable' });
    expect((await refund(11_800)).status).toBe('succeeded');
    expect(await refund(1)).toEqual({ status: 'failed', reason: 'amount_exceeds_refundable' });
  });

  it('the same key returns the first refund and refunds once', async () => {
    const gatewayChargeId = await succeededCharge(21_800);
    const request = { idempotencyKey: key('refund'), gatewayChargeId, amountCentavos: 15_000 };
    const first = await gateway.refund(request);
    expect(first.status).toBe('succeeded');
    expect(await gateway.refund(request)).toEqual(first);
    expect(await count('sandbox_refunds', sql`idempotency_key = ${request.idempotencyKey}`)).toBe(1);
    expect((await refusal(gateway.refund({ ...request, amountCentavos: 1_000 }))).code).toBe(
      'PAYMENT_IDEMPOTENCY_KEY_REUSED',
    );
  });

  it('concurrent refunds never add up to more than the charge', async () => {
    const gatewayChargeId = await succeededCharge(21_800);
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () =>
        gateway.refund({ idempotencyKey: key('race'), gatewayChargeId, amountCentavos: 10_000 }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'succeeded')).toHaveLength(2);
    const [row] = await rows<{ total: number }>(
      database.handle.db,
      sql`select coalesce(sum(r.amount_centavos), 0)::int8 as total from sandbox_refunds r
          join sandbox_charges c on c.id = r.charge_id where c.gateway_charge_id = ${gatewayChargeId}`,
    );
    expect(row?.total).toBe(20_000);
  });

  it('fails for a declined charge or one the processor does not know', async () => {
    const declined = await chargeOnce(TEST_CARD.alwaysDeclined);
    if (declined.outcome.status !== 'declined') throw new Error('the test card should decline');
    expect(
      await gateway.refund({
        idempotencyKey: key('refund'),
        gatewayChargeId: declined.outcome.gatewayChargeId,
        amountCentavos: 100,
      }),
    ).toEqual({ status: 'failed', reason: 'charge_not_succeeded' });
    expect(
      await gateway.refund({
        idempotencyKey: key('refund'),
        gatewayChargeId: 'ch_sandbox_nope',
        amountCentavos: 100,
      }),
    ).toEqual({ status: 'failed', reason: 'charge_not_found' });
  });
});

describe('payouts', () => {
  it('pays a known card once per key, and refuses the key with another amount or card', async () => {
    const { token } = await gateway.tokenize(card(TEST_CARD.visaDebit));
    const request = {
      cardToken: token,
      amountCentavos: 90_000,
      idempotencyKey: key('payout'),
      description: 'x',
    };
    const first = await gateway.payout(request);
    expect(first).toEqual({ id: expect.stringMatching(/^po_sandbox_/), amountCentavos: 90_000 });
    expect(await gateway.payout(request)).toEqual(first);
    const [row] = await rows<{ n: number }>(
      database.handle.db,
      sql`select count(*)::int8 as n from sandbox_payouts where idempotency_key = ${request.idempotencyKey}`,
    );
    expect(Number(row?.n)).toBe(1);
    expect((await refusal(gateway.payout({ ...request, amountCentavos: 1 }))).code).toBe(
      'PAYMENT_IDEMPOTENCY_KEY_REUSED',
    );
    const unknown = { ...request, idempotencyKey: key('payout'), cardToken: 'tok_sandbox_nope' };
    expect((await refusal(gateway.payout(unknown))).code).toBe('CARD_TOKEN_UNKNOWN');
  });
});

describe('what the sandbox keeps', () => {
  it('no sandbox table holds a card number, in any column', async () => {
    const tables = await rows<{ table_name: string }>(
      database.handle.db,
      sql`select table_name from information_schema.tables
          where table_schema = 'public' and table_name like 'sandbox%' order by table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      'sandbox_card_tokens',
      'sandbox_charges',
      'sandbox_payouts',
      'sandbox_refunds',
    ]);
    // Every test card goes through tokenization, a charge and a refund here (so that this test
    // stands alone); the other numbers this file typed were tokenized by the tests above.
    for (const number of Object.keys(TEST_CARDS)) {
      const summary = await gateway.tokenize(card(number)).catch(() => null);
      if (!summary) continue;
      const idempotencyKey = key('kept');
      const outcome = await gateway.charge({
        idempotencyKey,
        token: summary.token,
        amountCentavos: 21_800,
        currency: 'MXN',
        description: 'Libra Plus — noviembre 2026',
      });
      const charged = outcome.status === 'unknown' ? await gateway.lookupCharge(idempotencyKey) : outcome;
      if (charged?.status === 'succeeded') {
        const refund = { idempotencyKey: key('kept'), gatewayChargeId: charged.gatewayChargeId };
        expect((await gateway.refund({ ...refund, amountCentavos: 100 })).status).toBe('succeeded');
      }
    }
    expect(typed.size).toBeGreaterThanOrEqual(Object.keys(TEST_CARDS).length);
    let rowsSeen = 0;
    for (const { table_name } of tables) {
      const found = await rows<{ r: string }>(
        database.handle.db,
        sql`select row_to_json(t)::text as r from ${sql.identifier(table_name)} t`,
      );
      rowsSeen += found.length;
      for (const { r } of found) {
        expect(containsCardNumber(r), r).toBe(false);
        const compact = r.replace(/[ -]/g, '');
        for (const number of typed) {
          if (number.length >= 13) expect(compact, table_name).not.toContain(number);
        }
      }
    }
    // Six tokens, six charges and four refunds at least.
    expect(rowsSeen).toBeGreaterThanOrEqual(16);
  });
});
