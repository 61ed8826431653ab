import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { idempotencyKeys } from '../../db/schema/index.ts';

export type IdempotencyRecord = typeof idempotencyKeys.$inferSelect;

export class IdempotencyRepository {
  async find(executor: Executor, scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const [row] = await executor
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
    return row;
  }

  /** Claims the key; false when another request already holds it (on PostgreSQL this waits for it). */
  async claim(executor: Executor, record: typeof idempotencyKeys.$inferInsert): Promise<boolean> {
    const inserted = await executor
      .insert(idempotencyKeys)
      .values(record)
      .onConflictDoNothing({ target: [idempotencyKeys.scope, idempotencyKeys.key] })
      .returning({ key: idempotencyKeys.key });
    return inserted.length > 0;
  }

  async complete(
    executor: Executor,
    scope: string,
    key: string,
    status: number,
    response: unknown,
  ): Promise<void> {
    await executor
      .update(idempotencyKeys)
      .set({ status, response })
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
  }
}
