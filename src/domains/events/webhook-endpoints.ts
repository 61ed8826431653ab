import type { Database, Executor } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Jobs } from '../../platform/jobs.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import { partnerKeyOf } from './audience.ts';
import type { EventType } from './catalogue.ts';
import './errors.ts';
import type { EventsRepository } from './repository.ts';
import { WEBHOOK_DELIVER_QUEUE } from './webhook-delivery.ts';
import { MAX_ENDPOINTS_PER_KEY } from './webhook-schedule.ts';
import { newSecret } from './webhook-signing.ts';
import { checkWebhookUrl, type UrlPolicy } from './webhook-urls.ts';
import type { AttemptRow, DeliveryRow, EndpointRow, WebhooksRepository } from './webhooks-repository.ts';

export interface EndpointView {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  status: 'enabled' | 'disabled';
  disabledAt: string | null;
  disabledReason: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed' | 'cancelled';
  attempts: number;
  nextAttemptAt: string | null;
  outcome: string | null;
  createdAt: string;
  log: {
    number: number;
    at: string;
    trigger: 'scheduled' | 'replay';
    responseStatus: number | null;
    result: string;
    detail: string | null;
    durationMs: number;
  }[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function presentEndpoint(e: EndpointRow, now: Date): EndpointView {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes,
    status: e.status as EndpointView['status'],
    disabledAt: iso(e.disabledAt),
    disabledReason: e.disabledReason,
    previousSecretExpiresAt:
      e.previousSecretExpiresAt && e.previousSecretExpiresAt > now
        ? e.previousSecretExpiresAt.toISOString()
        : null,
    createdAt: e.createdAt.toISOString(),
  };
}

function presentDelivery(d: DeliveryRow & { eventType: string }, log: AttemptRow[]): DeliveryView {
  return {
    id: d.id,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status as DeliveryView['status'],
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
    outcome: d.outcome,
    createdAt: d.createdAt.toISOString(),
    log: log.map((a) => ({
      number: a.number,
      at: a.at.toISOString(),
      trigger: a.trigger as 'scheduled' | 'replay',
      responseStatus: a.responseStatus,
      result: a.result,
      detail: a.detail,
      durationMs: a.durationMs,
    })),
  };
}

/**
 * A partner's webhook endpoints (each belongs to the API key that made it; another key sees none
 * of them): make, list, delete, rotate the secret, enable again, the delivery log and replay.
 * Every change is in the audit log under the key.
 */
export class WebhookEndpointsService {
  private jobs: Jobs | null = null;

  constructor(
    private readonly db: Database,
    private readonly repository: WebhooksRepository,
    private readonly events: EventsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly urls: UrlPolicy,
  ) {}

  /** Replays wake the delivery queue at once (before this, the minute's tick finds them). */
  wakeWith(jobs: Jobs): void {
    this.jobs = jobs;
  }

  async create(
    actor: Actor,
    input: { url: string; description?: string | undefined; eventTypes?: EventType[] | undefined },
  ): Promise<EndpointView & { secret: string }> {
    const apiKeyId = partnerKeyOf(actor);
    const url = checkWebhookUrl(input.url, this.urls).toString();
    return this.db.transaction(async (tx) => {
      // First, before this transaction writes: it starts from what may still commit, not after it.
      const start = await this.events.horizon(tx);
      if ((await this.repository.countOfKey(tx, apiKeyId)) >= MAX_ENDPOINTS_PER_KEY)
        throw new AppError('WEBHOOK_ENDPOINT_LIMIT', { extensions: { max: MAX_ENDPOINTS_PER_KEY } });
      const now = this.clock.now();
      const row: EndpointRow = {
        id: newId(),
        apiKeyId,
        url,
        description: input.description?.trim() || null,
        eventTypes: [...new Set(input.eventTypes ?? [])],
        status: 'enabled',
        secret: newSecret(),
        previousSecret: null,
        previousSecretExpiresAt: null,
        cursorTxid: start.txid,
        cursorPosition: start.position,
        lastSuccessAt: null,
        disabledAt: null,
        disabledReason: null,
        createdAt: now,
        updatedAt: now,
        deletedAt: null,
      };
      await this.repository.insertEndpoint(tx, row);
      await this.record(tx, actor, 'webhook_endpoint.create', row.id, { url, eventTypes: row.eventTypes });
      return { ...presentEndpoint(row, now), secret: row.secret };
    });
  }

  async list(actor: Actor): Promise<{ data: EndpointView[] }> {
    const found = await this.repository.endpointsOfKey(this.db, partnerKeyOf(actor));
    const now = this.clock.now();
    return { data: found.map((e) => presentEndpoint(e, now)) };
  }

  async get(actor: Actor, id: string): Promise<EndpointView> {
    return presentEndpoint(await this.load(this.db, actor, id), this.clock.now());
  }

  /** Gone for good: nothing more is delivered, what was owed is cancelled; its log goes with it. */
  async delete(actor: Actor, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const endpoint = await this.load(tx, actor, id, true);
      const now = this.clock.now();
      await this.repository.updateEndpoint(tx, endpoint.id, { deletedAt: now, updatedAt: now });
      await this.repository.endPending(tx, endpoint.id, {
        status: 'cancelled',
        outcome: 'endpoint_deleted',
        now,
      });
      await this.record(tx, actor, 'webhook_endpoint.delete', endpoint.id);
    });
  }

  /**
   * A new secret, shown once; the previous one keeps signing beside it for `previousSecretHours`
   * (0: it stops now), so receivers can switch without losing a delivery.
   */
  async rotateSecret(
    actor: Actor,
    id: string,
    input: { previousSecretHours?: number | undefined },
  ): Promise<EndpointView & { secret: string }> {
    const hours = input.previousSecretHours ?? 24;
    return this.db.transaction(async (tx) => {
      const endpoint = await this.load(tx, actor, id, true);
      const now = this.clock.now();
      const changes = {
        secret: newSecret(),
        previousSecret: hours > 0 ? endpoint.secret : null,
        previousSecretExpiresAt: hours > 0 ? new Date(now.getTime() + hours * 3_600_000) : null,
        updatedAt: now,
      };
      await this.repository.updateEndpoint(tx, endpoint.id, changes);
      await this.record(tx, actor, 'webhook_endpoint.rotate_secret', endpoint.id, {
        previousSecretHours: hours,
      });
      return { ...presentEndpoint({ ...endpoint, ...changes }, now), secret: changes.secret };
    });
  }

  /**
   * Enabled again after it was disabled: deliveries start from now (what happened meanwhile is in
   * `GET /v1/events`, and its failed deliveries can be replayed).
   */
  async enable(actor: Actor, id: string): Promise<EndpointView> {
    return this.db.transaction(async (tx) => {
      const start = await this.events.horizon(tx);
      const endpoint = await this.load(tx, actor, id, true);
      if (endpoint.status === 'enabled') return presentEndpoint(endpoint, this.clock.now());
      const now = this.clock.now();
      const changes = {
        status: 'enabled',
        disabledAt: null,
        disabledReason: null,
        cursorTxid: start.txid,
        cursorPosition: start.position,
        updatedAt: now,
      };
      await this.repository.updateEndpoint(tx, endpoint.id, changes);
      await this.record(tx, actor, 'webhook_endpoint.enable', endpoint.id);
      return presentEndpoint({ ...endpoint, ...changes }, now);
    });
  }

  /** The delivery log, newest first, each delivery with its attempts. */
  async deliveries(
    actor: Actor,
    id: string,
    query: { status?: string | undefined; before?: string | undefined; limit: number },
  ): Promise<{ data: DeliveryView[]; next: string | null }> {
    const endpoint = await this.load(this.db, actor, id);
    const found = await this.repository.deliveriesOf(this.db, endpoint.id, query);
    const attempts = await this.repository.attemptsOf(
      this.db,
      found.map((d) => d.id),
    );
    const data = found.map((d) =>
      presentDelivery(
        d,
        attempts.filter((a) => a.deliveryId === d.id),
      ),
    );
    return { data, next: found.length === query.limit ? (found.at(-1)?.id ?? null) : null };
  }

  /**
   * Sends a delivery's event again, now, once more (with the same `webhook-id`: a receiver that kept
   * it can tell). A delivery still in its schedule is sent now and keeps the rest of its schedule.
   */
  async replay(actor: Actor, id: string, deliveryId: string): Promise<DeliveryView> {
    const delivered = await this.db.transaction(async (tx) => {
      const endpoint = await this.load(tx, actor, id, true);
      if (endpoint.status !== 'enabled') throw new AppError('WEBHOOK_ENDPOINT_DISABLED');
      const delivery = await this.repository.deliveryOf(tx, endpoint.id, deliveryId, true);
      if (!delivery) throw new AppError('WEBHOOK_DELIVERY_NOT_FOUND');
      const now = this.clock.now();
      const lastAttempt =
        delivery.status === 'pending'
          ? Math.max(delivery.lastAttempt, delivery.attempts + 1)
          : delivery.attempts + 1;
      await this.repository.settle(tx, delivery.id, {
        status: 'pending',
        nextAttemptAt: now,
        lastAttempt,
        replayRequested: true,
        outcome: null,
        updatedAt: now,
      });
      await this.jobs?.nudge(
        tx,
        WEBHOOK_DELIVER_QUEUE,
        new Date(),
        {},
        {
          singletonKey: `${delivery.eventId}:${endpoint.id}`,
        },
      );
      await this.record(tx, actor, 'webhook_delivery.replay', endpoint.id, { deliveryId });
      return delivery.id;
    });
    return presentDelivery(
      await this.deliveryWithType(id, delivered),
      await this.repository.attemptsOf(this.db, [delivered]),
    );
  }

  private async deliveryWithType(endpointId: string, deliveryId: string) {
    const row = await this.repository.deliveryOf(this.db, endpointId, deliveryId);
    const event = row ? await this.events.byId(this.db, row.eventId) : undefined;
    if (!row || !event) throw new AppError('WEBHOOK_DELIVERY_NOT_FOUND');
    return { ...row, eventType: event.type };
  }

  private async load(executor: Executor, actor: Actor, id: string, forUpdate = false): Promise<EndpointRow> {
    const found = await this.repository.endpointOfKey(executor, partnerKeyOf(actor), id, forUpdate);
    if (!found) throw new AppError('WEBHOOK_ENDPOINT_NOT_FOUND');
    return found;
  }

  private async record(
    tx: Executor,
    actor: Actor,
    action: string,
    endpointId: string,
    details?: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.record(tx, actor, {
      action,
      recordType: 'webhook_endpoint',
      recordId: endpointId,
      ...(details ? { details } : {}),
    });
  }
}
