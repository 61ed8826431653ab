import type { Database, Executor } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import type { RunLivenessRepository } from './liveness-repository.ts';

/**
 * Heartbeats a run may miss before it counts as dead. One late beat is a busy database or a long
 * pause of the event loop; three in a row is a process that is gone (killed, out of memory, its
 * machine stopped).
 */
export const SILENT_HEARTBEATS = 3;
/**
 * How often a run waiting for charges another run holds looks again: two small statements, often
 * enough to follow a live run's batch closely.
 */
const WAIT_POLL_MS = 250;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Heartbeat {
  /** Stops beating; resolves once a beat being written has been written. */
  stop(): Promise<void>;
}

/**
 * Whether billing runs are alive, and what happens to a dead one's work. A running run writes a
 * heartbeat every `heartbeatSeconds`; one silent for `SILENT_HEARTBEATS` of them is dead: its record
 * becomes `interrupted` and the charges it held are released at once (as `unknown`, to be asked
 * about before anything is sent again), so they do not wait for their claim to lapse.
 *
 * Taking over a run that was only slow is safe: both send the same attempt under the same
 * idempotency key, the processor charges once, and only the first answer is written.
 */
export class RunLiveness {
  constructor(
    private readonly db: Database,
    private readonly repository: RunLivenessRepository,
    private readonly clock: Clock,
    private readonly heartbeatSeconds: number,
  ) {}

  /** How long a run may be silent and still count as alive. */
  get silentAfterMs(): number {
    return SILENT_HEARTBEATS * this.heartbeatSeconds * 1000;
  }

  /**
   * Beats for the run until stopped, each beat also writing the run's counters so far (an
   * interrupted run's record then shows how far it got).
   */
  start(runId: string, counters: () => Record<string, number>): Heartbeat {
    let writing: Promise<void> | null = null;
    const beat = () => {
      // The last beat is still being written (the database is busy): one is enough.
      if (writing) return;
      writing = this.repository
        .beat(this.db, runId, this.clock.now(), counters())
        // A missed beat; should the database be gone, the run fails on its own next statement.
        .catch(() => {})
        .finally(() => {
          writing = null;
        });
    };
    const timer = setInterval(beat, this.heartbeatSeconds * 1000);
    // The run keeps the process alive while it works; the timer alone must not.
    timer.unref();
    return {
      stop: async () => {
        clearInterval(timer);
        await writing;
      },
    };
  }

  /**
   * Marks the runs silent too long `interrupted` and releases the charges they held, in one
   * transaction (both or neither). `self` is the run asking, never taken for dead: its own beat may
   * simply not have come round yet. Answers how many charges were released.
   */
  async takeOverSilent(self: string | null): Promise<number> {
    return this.db.transaction(async (tx) => {
      const now = this.clock.now();
      const silentSince = new Date(now.getTime() - this.silentAfterMs);
      const runs = await this.repository.interruptSilent(tx, silentSince, now, self);
      return this.repository.releaseClaims(tx, runs, now);
    });
  }

  /**
   * Once a run's own work is done, the charges other runs hold are a live run's, which it will
   * settle, or a dead one's, which nobody touches until the dead run is found silent. So the run
   * waits for them: each is settled or let go by its holder, or its holder falls silent and is
   * taken over. Whenever charges come free that way, `finish` asks about them and sends what the
   * processor never saw. Only what is held now is waited for (not what a live run takes later), and
   * a lapsed claim ends the wait too. Answers how many charges were taken over.
   */
  async awaitOthers(runId: string, finish: () => Promise<void>): Promise<number> {
    let taken = 0;
    let held = await this.repository.heldByOthers(this.db, runId, this.clock.now());
    while (held.length > 0) {
      await sleep(WAIT_POLL_MS);
      const released = await this.takeOverSilent(runId);
      taken += released;
      const still = await this.repository.stillHeld(this.db, runId, held, this.clock.now());
      // Let go without an answer (taken over here, or by a run that failed): nobody else's now.
      if (released > 0 || still.length < held.length) await finish();
      held = still;
    }
    return taken;
  }

  /** A run that stopped on an error lets go of what it held, for the next to ask about at once. */
  async release(tx: Executor, runId: string): Promise<number> {
    return this.repository.releaseClaims(tx, [runId], this.clock.now());
  }
}
