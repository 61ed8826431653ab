import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../../test/support/database.ts';
import { TEST_CARD } from '../../../test/support/payments.ts';
import {
  describeWhatTheSandboxKeeps,
  refusal,
  SANDBOX_START as START,
  sandboxSuite,
} from '../../../test/support/sandbox.ts';
import { rows } from '../../db/client.ts';
import type { ManualClock } from '../../lib/clock.ts';
import type { SandboxGateway } from './sandbox.ts';

/** The sandbox processor's charges, refunds and payouts, one call at a time. */
const sandbox = sandboxSuite();
const { card, key, count, chargeOnce } = sandbox;
let database: TestDatabase;
let clock: ManualClock;
let gateway: SandboxGateway;
beforeAll(() => {
  ({ database, clock, gateway } = sandbox);
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

describeWhatTheSandboxKeeps(sandbox);
