import { sql } from 'drizzle-orm';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, type TestDatabase } from '../../../test/support/database.ts';
import { TEST_CARD } from '../../../test/support/payments.ts';
import {
  describeWhatTheSandboxKeeps,
  SANDBOX_START as START,
  sandboxSuite,
} from '../../../test/support/sandbox.ts';
import { openDatabase, rows } from '../../db/client.ts';
import type { ManualClock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { SandboxRepository } from './repository.ts';
import { SandboxGateway } from './sandbox.ts';

/**
 * The sandbox processor under many calls at once: batched into few statements, one charge per key
 * whoever asks, an invalid request failing alone, and latency that holds no connection.
 */
const sandbox = sandboxSuite();
const { card, key, count, chargeOnce } = sandbox;
let database: TestDatabase;
let clock: ManualClock;
let gateway: SandboxGateway;
beforeAll(() => {
  ({ database, clock, gateway } = sandbox);
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

describeWhatTheSandboxKeeps(sandbox);
