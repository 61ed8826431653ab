import { and, asc, count, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/client.ts';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from '../../db/schema/index.ts';

export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;

/** A delivery taken by a worker, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  attempts: number;
  lastAttempt: number;
  replay: boolean;
  createdAt: Date;
  url: string;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  eventType: string;
  occurredAt: Date;
  data: Record<string, unknown>;
}

/** The webhook tables' SQL: endpoints, the deliveries owed to them and each attempt. */
export class WebhooksRepository {
  async insertEndpoint(executor: Executor, row: typeof webhookEndpoints.$inferInsert): Promise<void> {
    await executor.insert(webhookEndpoints).values(row);
  }

  async endpointsOfKey(executor: Executor, apiKeyId: string): Promise<EndpointRow[]> {
    return executor
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.apiKeyId, apiKeyId), isNull(webhookEndpoints.deletedAt)))
      .orderBy(asc(webhookEndpoints.createdAt));
  }

  async countOfKey(executor: Executor, apiKeyId: string): Promise<number> {
    const [row] = await executor
      .select({ n: count() })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.apiKeyId, apiKeyId), isNull(webhookEndpoints.deletedAt)));
    return Number(row?.n ?? 0);
  }

  /** The key's endpoint (not deleted), optionally locked for a change. */
  async endpointOfKey(
    executor: Executor,
    apiKeyId: string,
    id: string,
    forUpdate = false,
  ): Promise<EndpointRow | undefined> {
    const query = executor
      .select()
      .from(webhookEndpoints)
      .where(
        and(
          eq(webhookEndpoints.id, id),
          eq(webhookEndpoints.apiKeyId, apiKeyId),
          isNull(webhookEndpoints.deletedAt),
        ),
      );
    const [row] = forUpdate ? await query.for('update') : await query;
    return row;
  }

  async endpointById(executor: Executor, id: string, forUpdate = false): Promise<EndpointRow | undefined> {
    const query = executor.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    const [row] = forUpdate ? await query.for('update') : await query;
    return row;
  }

  /**
   * Notes that the endpoint took a delivery. At most once a minute a row: a busy endpoint's
   * successes would otherwise lock its row all the time (the fan-out skips locked endpoints).
   */
  async touchSuccess(executor: Executor, id: string, now: Date): Promise<void> {
    await executor.execute(sql`
      update webhook_endpoints set last_success_at = ${now}
      where id = ${id} and (last_success_at is null or last_success_at < ${now}::timestamptz - interval '1 minute')`);
  }

  async updateEndpoint(executor: Executor, id: string, changes: Partial<EndpointRow>): Promise<void> {
    await executor.update(webhookEndpoints).set(changes).where(eq(webhookEndpoints.id, id));
  }

  /**
   * Enabled endpoints nobody else is fanning out to now (`skip locked`): each process's fan-out
   * takes different ones, and an endpoint's cursor moves in one transaction at a time.
   */
  async lockEnabled(executor: Executor, afterId: string | null, limit: number): Promise<EndpointRow[]> {
    return executor
      .select()
      .from(webhookEndpoints)
      .where(
        and(
          eq(webhookEndpoints.status, 'enabled'),
          isNull(webhookEndpoints.deletedAt),
          afterId ? gt(webhookEndpoints.id, afterId) : undefined,
        ),
      )
      .orderBy(asc(webhookEndpoints.id))
      .limit(limit)
      .for('update', { skipLocked: true });
  }

  /** One delivery per event for the endpoint; a pair that exists already is left as it is. */
  async insertDeliveries(
    executor: Executor,
    p: { endpointId: string; eventIds: string[]; lastAttempt: number; now: Date },
  ): Promise<{ id: string; eventId: string }[]> {
    if (p.eventIds.length === 0) return [];
    return rows(
      executor,
      sql`
      insert into webhook_deliveries (id, endpoint_id, event_id, status, attempts, last_attempt,
        next_attempt_at, created_at, updated_at)
      select libra_uuid_v7(), ${p.endpointId}::uuid, e.id, 'pending', 0, ${p.lastAttempt}, ${p.now}, ${p.now}, ${p.now}
      from unnest(${sql.param(p.eventIds)}::uuid[]) with ordinality as e(id, n)
      order by e.n
      on conflict (endpoint_id, event_id) do nothing
      returning id, event_id as "eventId"`,
    );
  }

  /**
   * Takes due deliveries (`for update skip locked`, then leased past this transaction), counting
   * the attempt now: a worker that dies mid-send lets it go when the lease passes.
   */
  async claimDue(
    executor: Executor,
    p: { now: Date; leaseUntil: Date; limit: number },
  ): Promise<ClaimedDelivery[]> {
    return rows<ClaimedDelivery>(
      executor,
      sql`
      with due as (
        select d.id, d.replay_requested from webhook_deliveries d
        join webhook_endpoints w on w.id = d.endpoint_id and w.status = 'enabled' and w.deleted_at is null
        where d.status = 'pending' and d.next_attempt_at <= ${p.now}
          and (d.lease_until is null or d.lease_until <= ${p.now})
        order by d.next_attempt_at, d.id
        limit ${p.limit}
        for update of d skip locked
      ),
      claimed as (
        update webhook_deliveries d set attempts = d.attempts + 1, lease_until = ${p.leaseUntil},
          replay_requested = false, updated_at = ${p.now}
        from due where d.id = due.id
        returning d.id, d.endpoint_id, d.event_id, d.attempts, d.last_attempt, d.created_at,
          due.replay_requested as replay
      )
      select c.id, c.endpoint_id as "endpointId", c.event_id as "eventId", c.attempts,
        c.last_attempt as "lastAttempt", c.replay, c.created_at as "createdAt", w.url, w.secret,
        w.previous_secret as "previousSecret", w.previous_secret_expires_at as "previousSecretExpiresAt",
        e.type as "eventType", e.occurred_at as "occurredAt", e.data
      from claimed c
      join webhook_endpoints w on w.id = c.endpoint_id
      join events e on e.id = c.event_id`,
    );
  }

  async settle(executor: Executor, id: string, changes: Partial<DeliveryRow>): Promise<void> {
    await executor.update(webhookDeliveries).set(changes).where(eq(webhookDeliveries.id, id));
  }

  /**
   * Writes an attempt's outcome unless the delivery was claimed again meanwhile (this worker's lease
   * passed): the later claim's outcome is the one that counts. False when it was.
   */
  async settleClaimed(
    executor: Executor,
    id: string,
    attempt: number,
    changes: Partial<DeliveryRow>,
  ): Promise<boolean> {
    const done = await executor
      .update(webhookDeliveries)
      .set(changes)
      .where(
        and(
          eq(webhookDeliveries.id, id),
          eq(webhookDeliveries.attempts, attempt),
          eq(webhookDeliveries.status, 'pending'),
        ),
      )
      .returning({ id: webhookDeliveries.id });
    return done.length > 0;
  }

  async insertAttempt(executor: Executor, row: typeof webhookAttempts.$inferInsert): Promise<void> {
    await executor.insert(webhookAttempts).values(row).onConflictDoNothing();
  }

  /** Ends what an endpoint still owes (it was disabled or deleted), with why. */
  async endPending(
    executor: Executor,
    endpointId: string,
    p: { status: 'failed' | 'cancelled'; outcome: string; now: Date },
  ): Promise<void> {
    await executor
      .update(webhookDeliveries)
      .set({ status: p.status, outcome: p.outcome, nextAttemptAt: null, leaseUntil: null, updatedAt: p.now })
      .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, 'pending')));
  }

  async deliveriesOf(
    executor: Executor,
    endpointId: string,
    q: { status?: string | undefined; before?: string | undefined; limit: number },
  ): Promise<(DeliveryRow & { eventType: string })[]> {
    return rows(
      executor,
      sql`
      select d.id, d.endpoint_id as "endpointId", d.event_id as "eventId", d.status, d.attempts,
        d.last_attempt as "lastAttempt", d.replay_requested as "replayRequested",
        d.next_attempt_at as "nextAttemptAt", d.lease_until as "leaseUntil", d.outcome,
        d.created_at as "createdAt", d.updated_at as "updatedAt", e.type as "eventType"
      from webhook_deliveries d join events e on e.id = d.event_id
      where d.endpoint_id = ${endpointId}
        ${q.status ? sql`and d.status = ${q.status}` : sql``}
        ${q.before ? sql`and d.id < ${q.before}::uuid` : sql``}
      order by d.id desc
      limit ${q.limit}`,
    );
  }

  async deliveryOf(
    executor: Executor,
    endpointId: string,
    id: string,
    forUpdate = false,
  ): Promise<DeliveryRow | undefined> {
    const query = executor
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.endpointId, endpointId)));
    const [row] = forUpdate ? await query.for('update') : await query;
    return row;
  }

  async attemptsOf(executor: Executor, deliveryIds: string[]): Promise<AttemptRow[]> {
    if (deliveryIds.length === 0) return [];
    return executor
      .select()
      .from(webhookAttempts)
      .where(inArray(webhookAttempts.deliveryId, deliveryIds))
      .orderBy(asc(webhookAttempts.deliveryId), asc(webhookAttempts.number));
  }
}
