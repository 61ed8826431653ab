import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import type { EventRecorder, NewEvent, SalesChannel } from './recorder.ts';
import type { EventInsert, EventsRepository } from './repository.ts';

/** Announced at the commit of every transaction that wrote events: webhook fan-out wakes on it. */
export const EVENTS_CHANNEL = 'libra_events';

/** The sales channel of each membership, from the members domain (wired by the app). */
export type ChannelsOf = (executor: Executor, membershipIds: string[]) => Promise<Map<string, SalesChannel>>;

/**
 * The event log's writer: the `EventRecorder` every domain is handed. Events are inserted in the
 * caller's transaction, each with its membership's channel (looked up when the caller did not say
 * it), and a notification wakes the webhook fan-out when that transaction commits.
 */
export class EventLog implements EventRecorder {
  constructor(
    private readonly repository: EventsRepository,
    private readonly clock: Clock,
    private readonly channelsOf: ChannelsOf,
  ) {}

  async record(tx: Executor, events: readonly NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    const unknown = [
      ...new Set(events.flatMap((e) => (e.membershipId && !e.channel ? [e.membershipId] : []))),
    ];
    const channels = unknown.length > 0 ? await this.channelsOf(tx, unknown) : new Map();
    const now = this.clock.now();
    const rows: EventInsert[] = events.map((e) => ({
      id: newId(),
      type: e.type,
      occurredAt: e.occurredAt ?? now,
      membershipId: e.membershipId ?? null,
      channel: e.channel ?? (e.membershipId ? (channels.get(e.membershipId) ?? null) : null),
      apiKeyId: e.apiKeyId ?? null,
      data: e.data,
    }));
    await this.repository.insert(tx, rows);
    await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, '')`);
  }
}
