import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { users } from '../../db/schema/index.ts';

/**
 * What other domains may read of accounts, named by identity (the table's owner). Other
 * repositories call these with their own executor instead of selecting from `users`.
 */

/** The sign-in email of an account (where a beneficiary's own complaint is answered), if it exists. */
export async function userEmailOf(executor: Executor, userId: string): Promise<string | undefined> {
  const [row] = await executor.select({ email: users.email }).from(users).where(eq(users.id, userId));
  return row?.email;
}
