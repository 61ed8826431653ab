import type { Executor } from '../../db/client.ts';
import type { EventType } from './catalogue.ts';

/** The sales channels a membership may have been sold through (the members domain's). */
export type SalesChannel = 'online' | 'phone' | 'bank';

/** An event as the domain that owns the change tells it. */
export interface NewEvent {
  type: EventType;
  /** The membership it concerns, which decides which partner sees it. */
  membershipId?: string | null;
  /** That membership's sales channel when the caller has it at hand (else the log looks it up). */
  channel?: SalesChannel | null;
  /** For an event about a partner's own things: its API key. */
  apiKeyId?: string | null;
  data: Record<string, unknown>;
  /** When it happened, if not now: a test clock's time (sandbox, docs/test-clocks.md). */
  occurredAt?: Date;
}

/**
 * The port every domain writes its events through, with the transaction of the change: the event
 * commits with it or not at all. Implemented by the events domain's `EventLog`.
 */
export interface EventRecorder {
  record(tx: Executor, events: readonly NewEvent[]): Promise<void>;
}
