import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { sandboxCardTokens, sandboxCharges, sandboxPayouts, sandboxRefunds } from '../../db/schema/index.ts';

export type SandboxTokenRecord = typeof sandboxCardTokens.$inferSelect;
export type SandboxChargeRecord = typeof sandboxCharges.$inferSelect;
export type SandboxRefundRecord = typeof sandboxRefunds.$inferSelect;
export type SandboxPayoutRecord = typeof sandboxPayouts.$inferSelect;

/** The sandbox processor's records. */
export class SandboxRepository {
  async insertToken(executor: Executor, token: typeof sandboxCardTokens.$inferInsert): Promise<void> {
    await executor.insert(sandboxCardTokens).values(token);
  }

  async tokenByValue(executor: Executor, token: string): Promise<SandboxTokenRecord | undefined> {
    const [row] = await executor.select().from(sandboxCardTokens).where(eq(sandboxCardTokens.token, token));
    return row;
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

  /**
   * Inserts the charge unless its idempotency key is taken; returns whether it was inserted. A
   * concurrent insert with the same key waits for the other and then inserts nothing.
   */
  async insertChargeOnce(executor: Executor, charge: typeof sandboxCharges.$inferInsert): Promise<boolean> {
    const inserted = await executor
      .insert(sandboxCharges)
      .values(charge)
      .onConflictDoNothing({ target: sandboxCharges.idempotencyKey })
      .returning({ id: sandboxCharges.id });
    return inserted.length > 0;
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
