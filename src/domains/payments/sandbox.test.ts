import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, onPostgres, type TestDatabase } from '../../../test/support/database.ts';
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

describe('charges in flight together', () => {
  const base = {
    currency: 'MXN' as const,
    amountCentavos: 21_800,
    description: 'Libra Plus — diciembre 2026',
  };

  /** Counts the statements the database driver is sent while `work` runs. */
  async function statementsDuring<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
    const driver = database.handle.driver;
    const target: { query: (...args: never[]) => unknown } =
      driver.kind === 'pglite' ? driver.client : driver.pool;
    const original = target.query;
    let statements = 0;
    target.query = (...args: never[]) => {
      statements++;
      return original.apply(target, args);
    };
    try {
      return { result: await work(), statements };
    } finally {
      target.query = original;
    }
  }

  it('500 charges at once on mixed cards: each its own outcome, 500 rows, one statement', async () => {
    const cards = [
      { number: TEST_CARD.visaCredit, expected: { status: 'succeeded' } },
      { number: TEST_CARD.mastercardCredit, expected: { status: 'succeeded' } },
      { number: TEST_CARD.visaDebit, expected: { status: 'succeeded' } },
      {
        number: TEST_CARD.insufficientFunds,
        expected: { status: 'declined', declineCode: 'insufficient_funds' },
      },
      { number: TEST_CARD.alwaysDeclined, expected: { status: 'declined', declineCode: 'card_declined' } },
      { number: TEST_CARD.timesOut, expected: { status: 'unknown' } },
      {
        number: TEST_CARD.visaCredit,
        expiry: { expMonth: 11, expYear: 2026 },
        expected: { status: 'declined', declineCode: 'expired_card' },
      },
    ];
    const tokens: string[] = [];
    for (const c of cards) tokens.push((await gateway.tokenize(card(c.number, c.expiry))).token);
    const prefix = key('mixed');
    const requests = Array.from({ length: 500 }, (_, i) => ({
      ...base,
      idempotencyKey: `${prefix}-${i}`,
      token: tokens[i % cards.length] as string,
      amountCentavos: 10_000 + i,
    }));
    // December: the card that ends 11/2026 has expired; the others have not.
    clock.set('2026-12-15T18:00:00Z');
    let outcomes: Awaited<ReturnType<typeof gateway.charge>>[];
    try {
      const run = await statementsDuring(() => Promise.all(requests.map((r) => gateway.charge(r))));
      outcomes = run.result;
      expect(run.statements).toBe(1);
    } finally {
      clock.set(START);
    }
    outcomes.forEach((outcome, i) => {
      expect(outcome, requests[i]?.idempotencyKey).toEqual({
        ...cards[i % cards.length]?.expected,
        ...(outcome.status === 'unknown' ? {} : { gatewayChargeId: expect.stringMatching(/^ch_sandbox_/) }),
      });
    });
    const ids = outcomes.flatMap((o) => (o.status === 'unknown' ? [] : [o.gatewayChargeId]));
    expect(new Set(ids).size).toBe(ids.length);
    expect(await count('sandbox_charges', sql`idempotency_key like ${`${prefix}-%`}`)).toBe(500);
    const [stored] = await rows<{ amounts: number; timedOut: number }>(
      database.handle.db,
      sql`select sum(amount_centavos)::int8 as amounts, count(*) filter (where timed_out)::int8 as "timedOut"
          from sandbox_charges where idempotency_key like ${`${prefix}-%`}`,
    );
    expect(stored).toEqual({
      amounts: requests.reduce((sum, r) => sum + r.amountCentavos, 0),
      timedOut: outcomes.filter((o) => o.status === 'unknown').length,
    });
    // A charge that timed out went through: its lookup, and a retry, say succeeded.
    const timedOut = requests[5] as (typeof requests)[number];
    const looked = await gateway.lookupCharge(timedOut.idempotencyKey);
    expect(looked).toEqual({ status: 'succeeded', gatewayChargeId: expect.any(String) });
    expect(await gateway.charge(timedOut)).toEqual(looked);
  });

  it('200 calls at once with one key make one charge, and every caller gets its outcome', async () => {
    const { token } = await gateway.tokenize(card(TEST_CARD.visaCredit));
    const request = { ...base, idempotencyKey: key('same'), token };
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => gateway.charge(request)));
    expect(outcomes[0]).toEqual({
      status: 'succeeded',
      gatewayChargeId: expect.stringMatching(/^ch_sandbox_/),
    });
    for (const outcome of outcomes) expect(outcome).toEqual(outcomes[0]);
    expect(await count('sandbox_charges', sql`idempotency_key = ${request.idempotencyKey}`)).toBe(1);
  });

  it('one key repeated in a batch behaves as calls one after another: the later ones are replays', async () => {
    // A timing-out card: the first call learns nothing, the repeats learn it went through.
    const slow = await gateway.tokenize(card(TEST_CARD.timesOut));
    const request = { ...base, idempotencyKey: key('same-timeout'), token: slow.token };
    const [first, ...rest] = await Promise.all(Array.from({ length: 5 }, () => gateway.charge(request)));
    expect(first).toEqual({ status: 'unknown' });
    for (const outcome of rest) expect(outcome).toEqual(await gateway.lookupCharge(request.idempotencyKey));
    expect(rest[0]?.status).toBe('succeeded');

    // An unknown card first: that call is refused, the next one charges, the rest replay it.
    const good = await gateway.tokenize(card(TEST_CARD.alwaysDeclined));
    const idempotencyKey = key('unknown-then-known');
    const answers = await Promise.allSettled([
      gateway.charge({ ...base, idempotencyKey, token: 'tok_sandbox_AAAAAAAAAAAAAAAAAAAAAAAA' }),
      gateway.charge({ ...base, idempotencyKey, token: 'not a token' }),
      gateway.charge({ ...base, idempotencyKey, token: good.token }),
      gateway.charge({ ...base, idempotencyKey, token: good.token }),
      gateway.charge({ ...base, idempotencyKey, token: 'tok_sandbox_AAAAAAAAAAAAAAAAAAAAAAAA' }),
    ]);
    const codes = answers.map((a) =>
      a.status === 'rejected' ? (a.reason as AppError).code : a.value.status,
    );
    expect(codes).toEqual([
      'CARD_TOKEN_UNKNOWN',
      'CARD_TOKEN_UNKNOWN',
      'declined',
      'declined',
      'PAYMENT_IDEMPOTENCY_KEY_REUSED',
    ]);
    expect(answers[3]).toEqual(answers[2]);
    expect(await count('sandbox_charges', sql`idempotency_key = ${idempotencyKey}`)).toBe(1);
  });

  it('a key reused for another amount or card in the same batch is refused, not charged', async () => {
    const { token } = await gateway.tokenize(card(TEST_CARD.visaCredit));
    const other = await gateway.tokenize(card(TEST_CARD.mastercardCredit));
    const request = { ...base, idempotencyKey: key('reuse'), token };
    const answers = await Promise.allSettled([
      gateway.charge(request),
      gateway.charge({ ...request, amountCentavos: request.amountCentavos + 1 }),
      gateway.charge({ ...request, token: other.token }),
      gateway.charge(request),
    ]);
    expect(answers[0]).toEqual({
      status: 'fulfilled',
      value: { status: 'succeeded', gatewayChargeId: expect.any(String) },
    });
    for (const refused of [answers[1], answers[2]]) {
      expect(refused?.status).toBe('rejected');
      expect(((refused as PromiseRejectedResult).reason as AppError).code).toBe(
        'PAYMENT_IDEMPOTENCY_KEY_REUSED',
      );
    }
    expect(answers[3]).toEqual(answers[0]);
    expect(await count('sandbox_charges', sql`idempotency_key = ${request.idempotencyKey}`)).toBe(1);
  });

  it('an invalid request in a batch fails alone', async () => {
    const { token } = await gateway.tokenize(card(TEST_CARD.visaDebit));
    const prefix = key('alone');
    const valid = Array.from({ length: 20 }, (_, i) => ({
      ...base,
      idempotencyKey: `${prefix}-${i}`,
      token,
    }));
    const invalid = [
      { request: { ...base, idempotencyKey: `${prefix}-zero`, token, amountCentavos: 0 }, error: RangeError },
      { request: { ...base, idempotencyKey: '', token }, error: RangeError },
      {
        request: { ...base, idempotencyKey: `${prefix}-usd`, token, currency: 'USD' as 'MXN' },
        error: RangeError,
      },
      {
        request: {
          ...base,
          idempotencyKey: `${prefix}-unknown`,
          token: 'tok_sandbox_BBBBBBBBBBBBBBBBBBBBBBBB',
        },
        error: AppError,
      },
      // A string PostgreSQL cannot store fails the statement: the batch is split until it fails alone.
      { request: { ...base, idempotencyKey: `${prefix}-nul`, token, description: 'a\u0000b' }, error: Error },
    ];
    const mixed = [...valid.slice(0, 7), ...invalid.map((i) => i.request), ...valid.slice(7)];
    const answers = await Promise.allSettled(mixed.map((r) => gateway.charge(r)));
    mixed.forEach((request, i) => {
      const answer = answers[i];
      const bad = invalid.find((x) => x.request === request);
      if (bad) {
        expect(answer?.status, request.idempotencyKey).toBe('rejected');
        expect((answer as PromiseRejectedResult).reason).toBeInstanceOf(bad.error);
      } else {
        expect(answer, request.idempotencyKey).toEqual({
          status: 'fulfilled',
          value: { status: 'succeeded', gatewayChargeId: expect.any(String) },
        });
      }
    });
    expect(((answers[10] as PromiseRejectedResult).reason as AppError).code).toBe('CARD_TOKEN_UNKNOWN');
    expect(await count('sandbox_charges', sql`idempotency_key like ${`${prefix}-%`}`)).toBe(20);
  });

  it('keys charged before are read in one more statement, and answer their first outcome', async () => {
    const declined = await chargeOnce(TEST_CARD.alwaysDeclined);
    await gateway.setBehaviour(declined.summary.token, 'approve');
    const replayed = {
      ...base,
      idempotencyKey: declined.idempotencyKey,
      token: declined.summary.token,
      description: 'Libra Plus — noviembre 2026',
    };
    const fresh = Array.from({ length: 50 }, () => ({
      ...base,
      idempotencyKey: key('fresh'),
      token: declined.summary.token,
    }));
    const run = await statementsDuring(() =>
      Promise.all([replayed, ...fresh, replayed].map((r) => gateway.charge(r))),
    );
    expect(run.statements).toBe(2);
    const [first, ...others] = run.result;
    expect(first).toEqual(declined.outcome);
    expect(others.pop()).toEqual(declined.outcome);
    for (const outcome of others) expect(outcome.status).toBe('succeeded');
  });

  it('another process charging the same keys at the same moment: one charge per key, the same answers', async () => {
    const { token } = await gateway.tokenize(card(TEST_CARD.mastercardCredit));
    const requests = Array.from({ length: 300 }, () => ({ ...base, idempotencyKey: key('race'), token }));
    // On PostgreSQL another pool, as another process would have; PGlite has one connection.
    const second = database.url ? await openDatabase({ url: database.url, maxConnections: 2 }) : undefined;
    try {
      const other = new SandboxGateway((second ?? database.handle).db, new SandboxRepository(), clock);
      // In the opposite order: batches insert in key order, so they cannot deadlock.
      const [mine, theirs] = await Promise.all([
        Promise.all(requests.map((r) => gateway.charge(r))),
        Promise.all([...requests].reverse().map((r) => other.charge(r))),
      ]);
      expect(mine).toEqual([...theirs].reverse());
      for (const outcome of mine) expect(outcome.status).toBe('succeeded');
    } finally {
      await second?.close();
    }
    expect(await count('sandbox_charges', sql`token = ${token}`)).toBe(300);
  });

  it.runIf(onPostgres)(
    'a key another process is inserting at that moment: the batch waits, then answers its charge (PostgreSQL)',
    async () => {
      const { token } = await gateway.tokenize(card(TEST_CARD.visaCredit));
      const theirs = { ...base, idempotencyKey: key('theirs'), token };
      const mine = { ...base, idempotencyKey: key('mine'), token };
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query('begin');
        await client.query(
          `insert into sandbox_charges (id, gateway_charge_id, idempotency_key, token, amount_centavos,
                                        currency, description, status, created_at)
           values (gen_random_uuid(), 'ch_sandbox_theirs', $1, $2, $3, 'MXN', 'x', 'succeeded', now())`,
          [theirs.idempotencyKey, token, theirs.amountCentavos],
        );
        const answers = Promise.all([gateway.charge(mine), gateway.charge(theirs)]);
        // The batch's insert waits for the uncommitted row; let the other process commit then.
        const waiting = async () =>
          (
            await rows<{ n: number }>(
              database.handle.db,
              sql`select count(*)::int8 as n from pg_stat_activity
                  where datname = current_database() and wait_event_type = 'Lock'`,
            )
          )[0]?.n ?? 0;
        while ((await waiting()) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
        await client.query('commit');
        const [mineOutcome, theirsOutcome] = await answers;
        expect(mineOutcome.status).toBe('succeeded');
        expect(theirsOutcome).toEqual({ status: 'succeeded', gatewayChargeId: 'ch_sandbox_theirs' });
      } finally {
        await client.end();
      }
      expect(await count('sandbox_charges', sql`token = ${token}`)).toBe(2);
    },
  );

  it('with latencyMs, answers come late, and no connection is held meanwhile', async () => {
    const latencyMs = 2_000;
    // One connection (PGlite has only one): were the wait to hold it, nothing else could run.
    const single = database.url ? await openDatabase({ url: database.url, maxConnections: 1 }) : undefined;
    const db = (single ?? database.handle).db;
    try {
      const slow = new SandboxGateway(db, new SandboxRepository(), clock, { latencyMs });
      const gatewayChargeId = (await chargeOnce(TEST_CARD.visaCredit)).outcome;
      if (gatewayChargeId.status !== 'succeeded') throw new Error('the test card should approve');
      const { token } = await gateway.tokenize(card(TEST_CARD.visaCredit));
      const request = { ...base, idempotencyKey: key('slow'), token };
      const refund = {
        idempotencyKey: key('slow-refund'),
        gatewayChargeId: gatewayChargeId.gatewayChargeId,
        amountCentavos: 100,
      };
      let answered = 0;
      const charged = slow.charge(request).finally(() => answered++);
      const refunded = slow.refund(refund).finally(() => answered++);
      // Both are stored before they answer, and the connection serves other statements meanwhile.
      const stored = async () =>
        (
          await rows<{ n: number }>(
            db,
            sql`select (select count(*) from sandbox_charges where idempotency_key = ${request.idempotencyKey})
                     + (select count(*) from sandbox_refunds where idempotency_key = ${refund.idempotencyKey})
                   as n`,
          )
        )[0]?.n;
      while (Number(await stored()) < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(answered).toBe(0);
      expect(await charged).toEqual({ status: 'succeeded', gatewayChargeId: expect.any(String) });
      expect((await refunded).status).toBe('succeeded');
      // Lookups and errors come late too, but come.
      const [looked] = await Promise.all([
        slow.lookupCharge(request.idempotencyKey),
        expect(slow.charge({ ...request, amountCentavos: 0 })).rejects.toThrow(RangeError),
      ]);
      expect(looked).toEqual(await charged);
      expect(() => new SandboxGateway(db, new SandboxRepository(), clock, { latencyMs: -1 })).toThrow(
        RangeError,
      );
    } finally {
      await single?.close();
    }
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
