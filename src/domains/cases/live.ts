import { type DatabaseHandle, listen } from '../../db/client.ts';
import { CASE_EVENTS_CHANNEL } from './repository.ts';

/**
 * Fans the database's case-event notifications out to this process's live subscribers. One
 * LISTEN per process: an event appended by any process reaches every browser following the case,
 * whichever process serves it. Subscribers are told "something new" and read the timeline from the
 * database, so order and completeness come from the table, not from the notifications.
 */
export class CaseEventsHub {
  private readonly subscribers = new Map<string, Set<() => void>>();
  /** Followers of every case (the console's case board): told which case changed. */
  private readonly everyCase = new Set<(caseId: string) => void>();
  private unlisten: (() => Promise<void>) | null = null;

  async start(database: DatabaseHandle): Promise<void> {
    this.unlisten = await listen(database, CASE_EVENTS_CHANNEL, (payload) => {
      const caseId = payload.split(':')[0] ?? '';
      for (const notify of this.subscribers.get(caseId) ?? []) notify();
      for (const notify of this.everyCase) notify(caseId);
    });
  }

  subscribe(caseId: string, notify: () => void): () => void {
    let set = this.subscribers.get(caseId);
    if (!set) {
      set = new Set();
      this.subscribers.set(caseId, set);
    }
    set.add(notify);
    return () => {
      set.delete(notify);
      if (set.size === 0) this.subscribers.delete(caseId);
    };
  }

  /** Hears of a new timeline event on any case, with the case's id (same LISTEN as the rest). */
  subscribeAll(notify: (caseId: string) => void): () => void {
    this.everyCase.add(notify);
    return () => {
      this.everyCase.delete(notify);
    };
  }

  /** Open live streams in this process: followers of one case, and of every case (the board). */
  streams(): { case: number; board: number } {
    let followers = 0;
    for (const set of this.subscribers.values()) followers += set.size;
    return { case: followers, board: this.everyCase.size };
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
  }
}
