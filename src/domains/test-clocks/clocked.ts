import type { Clock } from '../../lib/clock.ts';
import type { EventRecorder } from '../events/recorder.ts';

/**
 * The event log as a test clock's work writes to it: each event happened at the clock's time and
 * says which clock it comes from (`data.testClockId`), so a partner tells test events apart.
 */
export function clockedRecorder(inner: EventRecorder, testClockId: string, clock: Clock): EventRecorder {
  return {
    record: (tx, events) =>
      inner.record(
        tx,
        events.map((e) => ({
          ...e,
          occurredAt: e.occurredAt ?? clock.now(),
          data: { ...e.data, testClockId },
        })),
      ),
  };
}
