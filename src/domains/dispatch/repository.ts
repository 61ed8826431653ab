import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/client.ts';
import { cases, dispatchOffers, providers } from '../../db/schema/index.ts';
import { ASSIGNED_STATES } from '../cases/lifecycle.ts';

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

  async providerById(executor: Executor, id: string, forUpdate = false): Promise<ProviderRow | undefined> {
    const query = executor.select().from(providers).where(eq(providers.id, id));
    const [row] = forUpdate ? await query.for('update') : await query;
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

  /** Jobs each provider holds now, by provider id. */
  async activeJobs(executor: Executor, providerIds: string[]): Promise<Map<string, number>> {
    if (providerIds.length === 0) return new Map();
    const found = await executor
      .select({ providerId: cases.providerId, n: sql<number>`count(*)::int` })
      .from(cases)
      .where(and(inArray(cases.providerId, providerIds), inArray(cases.state, [...ASSIGNED_STATES])))
      .groupBy(cases.providerId);
    return new Map(found.map((r) => [r.providerId as string, Number(r.n)]));
  }

  /** Available providers that give the service, except those already asked about this case. */
  async candidates(executor: Executor, serviceCode: string, caseId: string): Promise<ProviderRow[]> {
    return executor
      .select()
      .from(providers)
      .where(
        and(
          eq(providers.available, true),
          sql`${providers.services} @> array[${serviceCode}]::text[]`,
          sql`not exists (select 1 from ${dispatchOffers} o where o.case_id = ${caseId} and o.provider_id = ${providers.id})`,
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

  async pendingOfferOf(executor: Executor, caseId: string): Promise<OfferRow | undefined> {
    const [row] = await executor
      .select()
      .from(dispatchOffers)
      .where(and(eq(dispatchOffers.caseId, caseId), eq(dispatchOffers.status, 'pending')))
      .for('update');
    return row;
  }

  async offersOfCase(executor: Executor, caseId: string): Promise<OfferRow[]> {
    return executor
      .select()
      .from(dispatchOffers)
      .where(eq(dispatchOffers.caseId, caseId))
      .orderBy(asc(dispatchOffers.attempt));
  }

  async updateOffer(
    executor: Executor,
    id: string,
    changes: Partial<typeof dispatchOffers.$inferInsert>,
  ): Promise<void> {
    await executor.update(dispatchOffers).set(changes).where(eq(dispatchOffers.id, id));
  }

  /** A provider's pending offers, newest first, with what it needs to decide. */
  async pendingOffersFor(executor: Executor, providerId: string) {
    return rows<{
      id: string;
      caseId: string;
      caseNumber: string;
      serviceCode: string;
      addressText: string;
      lat: number;
      lng: number;
      description: string;
      details: Record<string, unknown>;
      distanceKm: number;
      etaMinutes: number;
      offeredAt: Date;
      expiresAt: Date;
    }>(
      executor,
      sql`select o.id, o.case_id as "caseId", c.number as "caseNumber", c.service_code as "serviceCode",
                 c.address_text as "addressText", c.lat, c.lng, c.description, c.details,
                 o.distance_km as "distanceKm", o.eta_minutes as "etaMinutes",
                 o.offered_at as "offeredAt", o.expires_at as "expiresAt"
            from dispatch_offers o join cases c on c.id = o.case_id
           where o.provider_id = ${providerId} and o.status = 'pending'
           order by o.offered_at desc`,
    );
  }
}
