import pLimit from 'p-limit';
import type { Database, Executor } from '../../db/client.ts';
import { type Clock, MEXICO_CITY, MINUTE_MS } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import type { Jobs } from '../../platform/jobs.ts';
import { SYSTEM_ACTOR } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import { partnerAudience } from './audience.ts';
import { nextCursor } from './cursor.ts';
import type { EventRecorder } from './recorder.ts';
import type { EventsRepository } from './repository.ts';
import type { AttemptResult, WebhookSender } from './webhook-http.ts';
import { LEASE_SECONDS, retryMinutesAfter, SCHEDULED_ATTEMPTS } from './webhook-schedule.ts';
import { signatureHeaders } from './webhook-signing.ts';
import type { ClaimedDelivery, EndpointRow, WebhooksRepository } from './webhooks-repository.ts';

/** One job per delivery owed (keyed by event and endpoint); its run sends whatever is due. */
export const WEBHOOK_DELIVER_QUEUE = 'webhooks-deliver';
/** Every minute: fan out what the log holds, then send what is due (the backstop of both). */
export const WEBHOOK_TICK_QUEUE = 'webhooks-tick';

const USER_AGENT = 'Libra-Webhooks/1.0';
/** Endpoints one fan-out transaction takes, and events it hands each at most. */
const ENDPOINTS_PER_PASS = 20;
const EVENTS_PER_ENDPOINT = 500;

/** Which of the keys given are live (not revoked): the identity domain answers (wired by the app). */
export type LiveKeys = (executor: Executor, apiKeyIds: string[]) => Promise<Set<string>>;

export interface DrainSummary {
  succeeded: number;
  retried: number;
  failed: number;
}

const singletonKeyOf = (d: { eventId: string; endpointId: string }) => `${d.eventId}:${d.endpointId}`;

/**
 * Webhook delivery. The fan-out walks the event log after each endpoint's cursor (in log order,
 * below the horizon) and makes one delivery per event and endpoint — a unique pair, so two
 * processes fanning out at once make it once — with a pg-boss job keyed by that pair. Sending
 * claims due deliveries (`for update skip locked`, then a lease), posts each outside any
 * transaction, and writes the attempt; a failure waits its turn in the schedule, and an endpoint
 * whose deliveries all failed for the whole schedule is disabled and its partner told.
 */
export class WebhookDelivery {
  private jobs: Jobs | null = null;
  private waking: Promise<void> | null = null;
  private wakeAgain = false;

  constructor(
    private readonly db: Database,
    private readonly repository: WebhooksRepository,
    private readonly events: EventsRepository,
    private readonly recorder: EventRecorder,
    private readonly audit: AuditService,
    private readonly sender: WebhookSender,
    private readonly clock: Clock,
    /** The wall clock: `webhook-timestamp` is checked by receivers against theirs. */
    private readonly signingClock: Clock,
    private readonly liveKeys: LiveKeys,
    private readonly concurrency = 8,
  ) {}

  registerJobs(jobs: Jobs): void {
    this.jobs = jobs;
    jobs.handle(WEBHOOK_DELIVER_QUEUE, async () => void (await this.drain()), {
      policy: 'stately',
      expireInSeconds: 600,
    });
    jobs.handle(
      WEBHOOK_TICK_QUEUE,
      async () => {
        await this.fanOut();
        await this.drain();
      },
      { policy: 'singleton', expireInSeconds: 600, schedule: { cron: '* * * * *', tz: MEXICO_CITY } },
    );
  }

  /**
   * Told that events committed (LISTEN, in processes with workers): fans out at once. Wake-ups
   * during a fan-out make one more pass after it, not one each.
   */
  wake(): void {
    if (this.waking) {
      this.wakeAgain = true;
      return;
    }
    this.waking = (async () => {
      do {
        this.wakeAgain = false;
        await this.fanOut().catch((error: Error) => process.emitWarning(`webhooks: ${error.message}`));
      } while (this.wakeAgain);
      this.waking = null;
    })();
  }

  /** Waits for a fan-out under way (at shutdown). */
  async whenIdle(): Promise<void> {
    await this.waking;
  }

  /** Makes the deliveries the log owes every enabled endpoint; answers how many were made. */
  async fanOut(): Promise<number> {
    let made = 0;
    let more = true;
    while (more) {
      more = false;
      let afterId: string | null = null;
      for (;;) {
        const pass = await this.db.transaction(async (tx) => {
          const endpoints = await this.repository.lockEnabled(tx, afterId, ENDPOINTS_PER_PASS);
          const live = await this.liveKeys(tx, [...new Set(endpoints.map((e) => e.apiKeyId))]);
          let count = 0;
          let full = false;
          for (const endpoint of endpoints) {
            // A revoked key's endpoints get nothing (and keep their place, should it matter).
            if (!live.has(endpoint.apiKeyId)) continue;
            const done = await this.fanOutTo(tx, endpoint);
            count += done.count;
            full ||= done.filled;
          }
          return { last: endpoints.at(-1)?.id ?? null, taken: endpoints.length, count, full };
        });
        made += pass.count;
        more ||= pass.full;
        if (pass.taken < ENDPOINTS_PER_PASS || !pass.last) break;
        afterId = pass.last;
      }
    }
    return made;
  }

  private async fanOutTo(tx: Executor, endpoint: EndpointRow): Promise<{ count: number; filled: boolean }> {
    const after = { txid: endpoint.cursorTxid, position: endpoint.cursorPosition };
    const page = await this.events.page(tx, {
      after,
      audience: partnerAudience(endpoint.apiKeyId),
      types: endpoint.eventTypes,
      limit: EVENTS_PER_ENDPOINT,
    });
    const now = this.clock.now();
    const made = await this.repository.insertDeliveries(tx, {
      endpointId: endpoint.id,
      eventIds: page.events.map((e) => e.id),
      lastAttempt: SCHEDULED_ATTEMPTS,
      now,
    });
    for (const delivery of made)
      await this.jobs?.nudge(
        tx,
        WEBHOOK_DELIVER_QUEUE,
        new Date(),
        {},
        {
          singletonKey: singletonKeyOf({ eventId: delivery.eventId, endpointId: endpoint.id }),
        },
      );
    const cursor = nextCursor(after, page, EVENTS_PER_ENDPOINT);
    if (cursor.txid !== after.txid || cursor.position !== after.position)
      await this.repository.updateEndpoint(tx, endpoint.id, {
        cursorTxid: cursor.txid,
        cursorPosition: cursor.position,
      });
    return { count: made.length, filled: page.events.length === EVENTS_PER_ENDPOINT };
  }

  /** Sends every delivery due now, a batch at a time, until none is left. */
  async drain(): Promise<DrainSummary> {
    const summary: DrainSummary = { succeeded: 0, retried: 0, failed: 0 };
    const limit = pLimit(this.concurrency);
    for (;;) {
      const now = this.clock.now();
      const claimed = await this.db.transaction((tx) =>
        this.repository.claimDue(tx, {
          now,
          leaseUntil: new Date(now.getTime() + LEASE_SECONDS * 1000),
          limit: this.concurrency * 2,
        }),
      );
      if (claimed.length === 0) return summary;
      const outcomes = await Promise.all(claimed.map((c) => limit(() => this.attempt(c))));
      for (const outcome of outcomes) summary[outcome]++;
    }
  }

  private async attempt(c: ClaimedDelivery): Promise<keyof DrainSummary> {
    const at = this.clock.now();
    const previousInForce = c.previousSecret && c.previousSecretExpiresAt && c.previousSecretExpiresAt > at;
    const secrets = previousInForce && c.previousSecret ? [c.secret, c.previousSecret] : [c.secret];
    // The bytes signed are the bytes sent.
    const body = JSON.stringify({
      id: c.eventId,
      type: c.eventType,
      timestamp: c.occurredAt.toISOString(),
      data: c.data,
    });
    const headers = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      ...signatureHeaders({ id: c.eventId, body, at: this.signingClock.now(), secrets }),
    };
    const result: AttemptResult = await this.sender.post(c.url, headers, body).catch((error: Error) => ({
      result: 'network_error',
      status: null,
      detail: error.message,
      durationMs: 0,
    }));
    return this.db.transaction(async (tx) => {
      const now = this.clock.now();
      await this.repository.insertAttempt(tx, {
        id: newId(),
        deliveryId: c.id,
        number: c.attempts,
        at,
        trigger: c.replay ? 'replay' : 'scheduled',
        responseStatus: result.status,
        result: result.result,
        detail: result.detail,
        durationMs: result.durationMs,
      });
      const done = { leaseUntil: null, updatedAt: now };
      if (result.result === 'ok') {
        await this.repository.settleClaimed(tx, c.id, c.attempts, {
          ...done,
          status: 'succeeded',
          nextAttemptAt: null,
          outcome: null,
        });
        await this.repository.touchSuccess(tx, c.endpointId, now);
        return 'succeeded';
      }
      if (c.attempts < c.lastAttempt) {
        const waitMs = retryMinutesAfter(c.attempts) * MINUTE_MS;
        await this.repository.settleClaimed(tx, c.id, c.attempts, {
          ...done,
          nextAttemptAt: new Date(now.getTime() + waitMs),
          outcome: result.result,
        });
        // The job runs on the wall clock; whether it is due is asked of the injected one.
        await this.jobs?.nudge(
          tx,
          WEBHOOK_DELIVER_QUEUE,
          new Date(Date.now() + waitMs),
          {},
          {
            singletonKey: singletonKeyOf(c),
          },
        );
        return 'retried';
      }
      const ended = await this.repository.settleClaimed(tx, c.id, c.attempts, {
        ...done,
        status: 'failed',
        nextAttemptAt: null,
        outcome: result.result,
      });
      // A replay that fails is only that; the schedule running out is what disables.
      if (ended && !c.replay) await this.disableIfFailing(tx, c, now);
      return 'failed';
    });
  }

  /**
   * The endpoint took nothing since this delivery was made, and this delivery's whole schedule (about
   * three days) failed: it is disabled, what it still owes ends as failed (replayable once it is
   * enabled again), and its partner is told by a `webhook_endpoint.disabled` event.
   */
  private async disableIfFailing(tx: Executor, c: ClaimedDelivery, now: Date): Promise<void> {
    const endpoint = await this.repository.endpointById(tx, c.endpointId, true);
    if (endpoint?.status !== 'enabled' || endpoint.deletedAt) return;
    // Successes are noted at most once a minute: one that close to this delivery's start counts.
    if (endpoint.lastSuccessAt && endpoint.lastSuccessAt.getTime() >= c.createdAt.getTime() - MINUTE_MS)
      return;
    const reason = 'persistent_failure';
    await this.repository.updateEndpoint(tx, endpoint.id, {
      status: 'disabled',
      disabledAt: now,
      disabledReason: reason,
      updatedAt: now,
    });
    await this.repository.endPending(tx, endpoint.id, {
      status: 'failed',
      outcome: 'endpoint_disabled',
      now,
    });
    await this.recorder.record(tx, [
      {
        type: 'webhook_endpoint.disabled',
        apiKeyId: endpoint.apiKeyId,
        data: {
          endpointId: endpoint.id,
          url: endpoint.url,
          reason,
          failingSince: c.createdAt.toISOString(),
          disabledAt: now.toISOString(),
        },
      },
    ]);
    await this.audit.record(tx, SYSTEM_ACTOR, {
      action: 'webhook_endpoint.disable',
      recordType: 'webhook_endpoint',
      recordId: endpoint.id,
      details: { reason, failingSince: c.createdAt.toISOString() },
    });
  }
}
