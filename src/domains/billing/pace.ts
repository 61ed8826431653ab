import { setTimeout as delay } from 'node:timers/promises';

/**
 * A billing run's pace: at most `perSecond` units of work a second (a unit is a charge created or
 * tried again, or a notice written), counted from the run's first batch.
 *
 * Why: unpaced, a run takes every core the processor's answers leave it, and the 24/7 line, on the
 * same database, answers slower while it runs (docs/performance.md, "The operating day"). A nightly
 * run has hours; the line has seconds. Paced, the run takes small batches (about half a second of
 * its work each) so the database sees small, even statements instead of bursts.
 *
 * The pace is in real time, not the platform's clock: it rations real machines.
 */
export interface PaceTimer {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const REAL_TIME: PaceTimer = {
  now: () => performance.now(),
  sleep: async (ms) => {
    await delay(ms);
  },
};

export class RunPace {
  private readonly perSecond: number;
  private started: number | null = null;
  private done = 0;

  /** `perSecond` unset or 0: unpaced (never waits, batches as configured). */
  constructor(
    perSecond: number | undefined,
    private readonly timer: PaceTimer = REAL_TIME,
  ) {
    this.perSecond = perSecond ?? 0;
  }

  get paced(): boolean {
    return this.perSecond > 0;
  }

  /** Waits until the work counted so far is due at the pace (a run behind its pace never waits). */
  async wait(): Promise<void> {
    if (!this.paced) return;
    const now = this.timer.now();
    if (this.started === null) {
      this.started = now;
      return;
    }
    const dueAt = this.started + (this.done / this.perSecond) * 1000;
    if (dueAt > now) await this.timer.sleep(dueAt - now);
  }

  count(work: number): void {
    this.done += work;
  }

  /** The batch a statement takes: as configured when unpaced; about half a second of work when paced. */
  batch(configured: number): number {
    if (!this.paced) return configured;
    return Math.max(1, Math.min(configured, Math.ceil(this.perSecond / 2)));
  }
}
