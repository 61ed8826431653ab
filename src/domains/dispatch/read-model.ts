import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { providers } from '../../db/schema/index.ts';

/**
 * What other domains may read of the provider registry, named by dispatch (its owner). Other
 * repositories call these with their own executor instead of selecting from `providers`.
 */

/** Whether the provider is registered (an account or an API key may name it). */
export async function providerExists(executor: Executor, providerId: string): Promise<boolean> {
  const [row] = await executor
    .select({ id: providers.id })
    .from(providers)
    .where(eq(providers.id, providerId));
  return row !== undefined;
}
