import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { dispatchOffers, providers } from '../../db/schema/index.ts';

export type ProviderRow = typeof providers.$inferSelect;
export type OfferRow = typeof dispatchOffers.$inferSelect;

export class DispatchRepository {
  async insertProvider(executor: Executor, row: typeof providers.$inferInsert): Promise<void> {
    await executor.insert(providers).values(row);
  }

  async providerByName(executor: Executor, name: string): Promise<ProviderRow | undefined> {
    const [row] = await executor.select().from(providers).where(eq(providers.name, name));
    return row;
  }

  /**
   * `forUpdate` locks the row for a change that keeps its id (FOR NO KEY UPDATE): a plain FOR UPDATE
   * would also block the foreign-key check of anything updating a case of this provider, and a
   * location update (provider, then its cases) deadlocked with a status report (case, then that
   * check on the provider).
   */
  async providerById(executor: Executor, id: string, forUpdate = false): Promise<ProviderRow | undefined> {
    const query = executor.select().from(providers).where(eq(providers.id, id));
    const [row] = forUpdate ? await query.for('no key update') : await query;
    return row;
  }

  async listProviders(executor: Executor, serviceCode?: string): Promise<ProviderRow[]> {
    return executor
      .select()
      .from(providers)
      .where(serviceCode ? sql`${providers.services} @> array[${serviceCode}]::text[]` : undefined)
      .orderBy(asc(providers.name));
  }

  async updateProvider(
    executor: Executor,
    id: string,
    changes: Partial<typeof providers.$inferInsert>,
  ): Promise<void> {
    await executor.update(providers).set(changes).where(eq(providers.id, id));
  }

  async providersByIds(executor: Executor, ids: string[]): Promise<Map<string, ProviderRow>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const found = await executor.select().from(providers).where(inArray(providers.id, unique));
    return new Map(found.map((r) => [r.id, r]));
  }

  /**
   * Available providers that give the service, except those already asked about this job. An
   * offer withdrawn (the job's place moved and someone else was sooner) was no answer: that
   * provider may be asked again.
   */
  async candidates(executor: Executor, serviceCode: string, jobId: string): Promise<ProviderRow[]> {
    return executor
      .select()
      .from(providers)
      .where(
        and(
          eq(providers.available, true),
          sql`${providers.services} @> array[${serviceCode}]::text[]`,
          sql`not exists (select 1 from ${dispatchOffers} o where o.case_id = ${jobId} and o.provider_id = ${providers.id} and o.status <> 'withdrawn')`,
        ),
      );
  }

  async insertOffer(executor: Executor, row: typeof dispatchOffers.$inferInsert): Promise<void> {
    await executor.insert(dispatchOffers).values(row);
  }

  async offerById(executor: Executor, id: string, forUpdate = false): Promise<OfferRow | undefined> {
    const query = executor.select().from(dispatchOffers).where(eq(dispatchOffers.id, id));
    const [row] = forUpdate ? await query.for('update') : await query;
    return row;
  }

  async pendingOfferOf(executor: Executor, jobId: string): Promise<OfferRow | undefined> {
    const [row] = await executor
      .select()
      .from(dispatchOffers)
      .where(and(eq(dispatchOffers.caseId, jobId), eq(dispatchOffers.status, 'pending')))
      .for('update');
    return row;
  }

  async offersOfJob(executor: Executor, jobId: string): Promise<OfferRow[]> {
    return executor
      .select()
      .from(dispatchOffers)
      .where(eq(dispatchOffers.caseId, jobId))
      .orderBy(asc(dispatchOffers.attempt));
  }

  async updateOffer(
    executor: Executor,
    id: string,
    changes: Partial<typeof dispatchOffers.$inferInsert>,
  ): Promise<void> {
    await executor.update(dispatchOffers).set(changes).where(eq(dispatchOffers.id, id));
  }

  /** A provider's pending offers, newest first. */
  async pendingOffersFor(executor: Executor, providerId: string): Promise<OfferRow[]> {
    return executor
      .select()
      .from(dispatchOffers)
      .where(and(eq(dispatchOffers.providerId, providerId), eq(dispatchOffers.status, 'pending')))
      .orderBy(desc(dispatchOffers.offeredAt));
  }
}
