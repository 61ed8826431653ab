import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import type { CardDetails } from '../../src/domains/payments/gateway.ts';
import { SandboxRepository } from '../../src/domains/payments/repository.ts';
import { SandboxGateway, TEST_CARDS } from '../../src/domains/payments/sandbox.ts';
import { containsCardNumber } from '../../src/lib/card-numbers.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { AppError } from '../../src/lib/errors.ts';
import { freshDatabase, type TestDatabase } from './database.ts';

/** The instant the sandbox suites start at (a test that moves the clock puts it back here). */
export const SANDBOX_START = '2026-11-25T20:05:00Z';

/** What a sandbox suite (src/domains/payments/sandbox-*.test.ts) works with. */
export interface SandboxSuite {
  readonly database: TestDatabase;
  readonly clock: ManualClock;
  readonly gateway: SandboxGateway;
  /** Every number the file typed (through `card`), so that its last test can look for each in the tables. */
  readonly typed: ReadonlySet<string>;
  /** Card details with a number the suite typed (remembered, for `describeWhatTheSandboxKeeps`). */
  card(number: string, overrides?: Partial<CardDetails>): CardDetails;
  /** A fresh idempotency key, named after what it is for. */
  key(what: string): string;
  count(table: 'sandbox_charges' | 'sandbox_refunds', where?: SQL): Promise<number>;
  /** Tokenizes the card and charges it once, under a fresh key. */
  chargeOnce(
    number: string,
    amountCentavos?: number,
  ): Promise<{
    summary: Awaited<ReturnType<SandboxGateway['tokenize']>>;
    idempotencyKey: string;
    outcome: Awaited<ReturnType<SandboxGateway['charge']>>;
  }>;
}

/** The AppError a promise is refused with (anything else fails the test). */
export async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

/**
 * A sandbox on a fresh database of its own, its clock at `SANDBOX_START`: made before the file's
 * tests, dropped after them. Its parts are there once the file's `beforeAll` hooks run.
 */
export function sandboxSuite(): SandboxSuite {
  let database: TestDatabase | undefined;
  let clock: ManualClock | undefined;
  let gateway: SandboxGateway | undefined;
  const ready = <T>(part: T | undefined): T => {
    if (part === undefined) throw new Error('the sandbox suite is not set up yet (use it inside a test)');
    return part;
  };
  beforeAll(async () => {
    database = await freshDatabase();
    clock = new ManualClock(SANDBOX_START);
    gateway = new SandboxGateway(database.handle.db, new SandboxRepository(), clock);
  });
  afterAll(async () => database?.drop());

  const typed = new Set<string>();
  let serial = 0;
  const suite: SandboxSuite = {
    typed,
    get database() {
      return ready(database);
    },
    get clock() {
      return ready(clock);
    },
    get gateway() {
      return ready(gateway);
    },
    card(number, overrides = {}) {
      typed.add(number.replace(/[ -]/g, ''));
      return { number, expMonth: 12, expYear: 2030, cvv: '123', holderName: 'María López', ...overrides };
    },
    key: (what) => `${what}-${++serial}`,
    async count(table, where = sql`true`) {
      const [row] = await rows<{ n: number }>(
        suite.database.handle.db,
        sql`select count(*)::int8 as n from ${sql.identifier(table)} where ${where}`,
      );
      return row?.n ?? -1;
    },
    async chargeOnce(number, amountCentavos = 21_800) {
      const summary = await suite.gateway.tokenize(suite.card(number));
      const idempotencyKey = suite.key('charge');
      const outcome = await suite.gateway.charge({
        idempotencyKey,
        token: summary.token,
        amountCentavos,
        currency: 'MXN',
        description: 'Libra Plus — noviembre 2026',
      });
      return { summary, idempotencyKey, outcome };
    },
  };
  return suite;
}

/**
 * The file's last test: no sandbox table holds a card number, in any column — neither one of the
 * test cards (tokenized, charged and refunded here, so that the test stands alone) nor any other
 * number the file's tests typed. Each sandbox file ends with it, on its own database.
 */
export function describeWhatTheSandboxKeeps(suite: SandboxSuite): void {
  describe('what the sandbox keeps', () => {
    it('no sandbox table holds a card number, in any column', async () => {
      const { database, gateway, card, key, typed } = suite;
      const tables = await rows<{ table_name: string }>(
        database.handle.db,
        sql`select table_name from information_schema.tables
            where table_schema = 'public' and table_name like 'sandbox%' order by table_name`,
      );
      expect(tables.map((t) => t.table_name)).toEqual([
        'sandbox_card_tokens',
        'sandbox_charges',
        'sandbox_pac_stamps', // the sandbox PAC's stamps: checked too, though no card goes near them
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
}
