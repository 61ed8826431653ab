import { count, eq, gte, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { dispatchOffers, providers } from '../../db/schema/index.ts';

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

/** Each provider's dispatch phone, by id: where staff alerts (a new offer) are texted. */
export async function providerPhones(
  executor: Executor,
  providerIds: string[],
): Promise<Map<string, string>> {
  if (providerIds.length === 0) return new Map();
  const found = await executor
    .select({ id: providers.id, phone: providers.phone })
    .from(providers)
    .where(inArray(providers.id, [...new Set(providerIds)]));
  return new Map(found.map((r) => [r.id, r.phone]));
}

/** Each provider's name, by id: reports label their figures with it. */
export async function providerNames(executor: Executor, providerIds: string[]): Promise<Map<string, string>> {
  if (providerIds.length === 0) return new Map();
  const found = await executor
    .select({ id: providers.id, name: providers.name })
    .from(providers)
    .where(inArray(providers.id, [...new Set(providerIds)]));
  return new Map(found.map((r) => [r.id, r.name]));
}

/** Offers made since `since`, by their status now (operator metrics; the offers' BRIN index). */
export async function offersSince(
  executor: Executor,
  since: Date,
): Promise<{ status: string; offers: number }[]> {
  return executor
    .select({ status: dispatchOffers.status, offers: count().mapWith(Number) })
    .from(dispatchOffers)
    .where(gte(dispatchOffers.offeredAt, since))
    .groupBy(dispatchOffers.status);
}
