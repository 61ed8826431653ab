import { eq, inArray, sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/client.ts';
import { sandboxCardTokens, sandboxCharges, sandboxPayouts, sandboxRefunds } from '../../db/schema/index.ts';

export type SandboxTokenRecord = typeof sandboxCardTokens.$inferSelect;
export type SandboxChargeRecord = typeof sandboxCharges.$inferSelect;
export type SandboxRefundRecord = typeof sandboxRefunds.$inferSelect;
export type SandboxPayoutRecord = typeof sandboxPayouts.$inferSelect;

/** One charge request of a batch, as the service numbered it. */
export interface SandboxChargeAttempt {
  id: string;
  gatewayChargeId: string;
  idempotencyKey: string;
  /** Null for a string that cannot be a sandbox token: it matches no card. */
  token: string | null;
  amountCentavos: number;
  currency: string;
  description: string;
}

/** What a charge on a card with this behaviour records. */
export interface SandboxChargeRule {
  behaviour: string;
  status: string;
  declineCode: string | null;
  timedOut: boolean;
}

export interface SandboxChargeRules {
  createdAt: Date;
  /**
   * What each behaviour records; every behaviour a card can have must be here (one missing leaves
   * the status null, which the table refuses: an error, never a charge taken for an unknown card).
   */
  outcomes: readonly SandboxChargeRule[];
  /** A card whose expiry (year, month) is before this month charges as `expiredBehaviour`. */
  firstValidExpiry: { year: number; month: number };
  expiredBehaviour: string;
}

interface ChargeRow {
  id: string;
  gateway_charge_id: string;
  idempotency_key: string;
  token: string;
  amount_centavos: number;
  currency: string;
  description: string;
  status: string;
  decline_code: string | null;
  timed_out: boolean;
  created_at: Date;
}

function chargeRecordOf(row: ChargeRow): SandboxChargeRecord {
  return {
    id: row.id,
    gatewayChargeId: row.gateway_charge_id,
    idempotencyKey: row.idempotency_key,
    token: row.token,
    amountCentavos: row.amount_centavos,
    currency: row.currency,
    description: row.description,
    status: row.status,
    declineCode: row.decline_code,
    timedOut: row.timed_out,
    createdAt: row.created_at,
  };
}

/** The sandbox processor's records. */
export class SandboxRepository {
  async insertToken(executor: Executor, token: typeof sandboxCardTokens.$inferInsert): Promise<void> {
    await executor.insert(sandboxCardTokens).values(token);
  }

  async tokenByValue(executor: Executor, token: string): Promise<SandboxTokenRecord | undefined> {
    const [row] = await executor.select().from(sandboxCardTokens).where(eq(sandboxCardTokens.token, token));
    return row;
  }

  async tokensByValue(executor: Executor, tokens: string[]): Promise<SandboxTokenRecord[]> {
    if (tokens.length === 0) return [];
    return executor.select().from(sandboxCardTokens).where(inArray(sandboxCardTokens.token, tokens));
  }

  /** Returns false when no such token exists. */
  async setBehaviour(executor: Executor, token: string, behaviour: string): Promise<boolean> {
    const updated = await executor
      .update(sandboxCardTokens)
      .set({ behaviour })
      .where(eq(sandboxCardTokens.token, token))
      .returning({ id: sandboxCardTokens.id });
    return updated.length > 0;
  }

  async chargeByKey(executor: Executor, idempotencyKey: string): Promise<SandboxChargeRecord | undefined> {
    const [row] = await executor
      .select()
      .from(sandboxCharges)
      .where(eq(sandboxCharges.idempotencyKey, idempotencyKey));
    return row;
  }

  /** The charges made with any of these keys (in no particular order). */
  async chargesByKeys(
    executor: Executor,
    idempotencyKeys: readonly string[],
  ): Promise<SandboxChargeRecord[]> {
    if (idempotencyKeys.length === 0) return [];
    return executor
      .select()
      .from(sandboxCharges)
      .where(sql`${sandboxCharges.idempotencyKey} = any(${sql.param(idempotencyKeys)}::text[])`);
  }

  /**
   * A batch of charges in one statement. For each idempotency key the first attempt (in array
   * order) whose token is a known card is inserted, unless the key is taken; its status, decline
   * code and timeout come from `rules` by the card's behaviour, read in the same statement. Returns
   * the rows inserted: a key with none was taken (by an earlier charge, or another process's at the
   * same moment, which this waits for) or had no known card. Rows go in in key order, so that two
   * batches sharing keys take their locks in the same order and cannot deadlock.
   */
  async insertChargesOnce(
    executor: Executor,
    attempts: readonly SandboxChargeAttempt[],
    rules: SandboxChargeRules,
  ): Promise<SandboxChargeRecord[]> {
    if (attempts.length === 0) return [];
    const column = <K extends keyof SandboxChargeAttempt>(name: K) => sql.param(attempts.map((a) => a[name]));
    const outcome = <K extends keyof SandboxChargeRule>(name: K) =>
      sql.param(rules.outcomes.map((o) => o[name]));
    const inserted = await rows<ChargeRow>(
      executor,
      sql`with attempt as (
            select * from unnest(
              ${column('id')}::uuid[], ${column('gatewayChargeId')}::text[],
              ${column('idempotencyKey')}::text[], ${column('token')}::text[],
              ${column('amountCentavos')}::int8[], ${column('currency')}::text[],
              ${column('description')}::text[]
            ) with ordinality as a(id, gateway_charge_id, idempotency_key, token, amount_centavos,
                                   currency, description, ord)
          ),
          rule as (
            select * from unnest(
              ${outcome('behaviour')}::text[], ${outcome('status')}::text[],
              ${outcome('declineCode')}::text[], ${outcome('timedOut')}::bool[]
            ) as r(behaviour, status, decline_code, timed_out)
          ),
          chosen as (
            select distinct on (a.idempotency_key) a.*,
              case when (card.exp_year, card.exp_month)
                        < (${rules.firstValidExpiry.year}::int, ${rules.firstValidExpiry.month}::int)
                   then ${rules.expiredBehaviour}::text else card.behaviour end as behaviour
            from attempt a join sandbox_card_tokens card on card.token = a.token
            order by a.idempotency_key, a.ord
          )
          insert into sandbox_charges (id, gateway_charge_id, idempotency_key, token, amount_centavos,
                                       currency, description, status, decline_code, timed_out, created_at)
          select c.id, c.gateway_charge_id, c.idempotency_key, c.token, c.amount_centavos, c.currency,
                 c.description, r.status, r.decline_code, r.timed_out, ${rules.createdAt.toISOString()}::timestamptz
          from chosen c left join rule r on r.behaviour = c.behaviour
          order by c.idempotency_key
          on conflict (idempotency_key) do nothing
          returning *`,
    );
    return inserted.map(chargeRecordOf);
  }

  /** The charge, locked until the transaction ends, so that refunds on it are decided one at a time. */
  async lockChargeByGatewayId(
    executor: Executor,
    gatewayChargeId: string,
  ): Promise<SandboxChargeRecord | undefined> {
    const [row] = await executor
      .select()
      .from(sandboxCharges)
      .where(eq(sandboxCharges.gatewayChargeId, gatewayChargeId))
      .for('update');
    return row;
  }

  async refundByKey(executor: Executor, idempotencyKey: string): Promise<SandboxRefundRecord | undefined> {
    const [row] = await executor
      .select()
      .from(sandboxRefunds)
      .where(eq(sandboxRefunds.idempotencyKey, idempotencyKey));
    return row;
  }

  async refundedCentavos(executor: Executor, chargeId: string): Promise<number> {
    const [row] = await executor
      .select({ total: sql<string>`coalesce(sum(${sandboxRefunds.amountCentavos}), 0)` })
      .from(sandboxRefunds)
      .where(eq(sandboxRefunds.chargeId, chargeId));
    return Number(row?.total ?? 0);
  }

  async insertRefundOnce(executor: Executor, refund: typeof sandboxRefunds.$inferInsert): Promise<boolean> {
    const inserted = await executor
      .insert(sandboxRefunds)
      .values(refund)
      .onConflictDoNothing({ target: sandboxRefunds.idempotencyKey })
      .returning({ id: sandboxRefunds.id });
    return inserted.length > 0;
  }

  async payoutByKey(executor: Executor, idempotencyKey: string): Promise<SandboxPayoutRecord | undefined> {
    const [row] = await executor
      .select()
      .from(sandboxPayouts)
      .where(eq(sandboxPayouts.idempotencyKey, idempotencyKey));
    return row;
  }

  /** Inserts the payout unless its idempotency key is taken; returns whether it was inserted. */
  async insertPayoutOnce(executor: Executor, payout: typeof sandboxPayouts.$inferInsert): Promise<boolean> {
    const inserted = await executor
      .insert(sandboxPayouts)
      .values(payout)
      .onConflictDoNothing({ target: sandboxPayouts.idempotencyKey })
      .returning({ id: sandboxPayouts.id });
    return inserted.length > 0;
  }
}
