import type { Services } from '../app.ts';
import type { Executor } from '../db/client.ts';
import type { ManualClock } from '../lib/clock.ts';
import type { Actor } from '../platform/principal.ts';
import type { HistoryActors } from './actors.ts';
import type { City, Person } from './people.ts';
import type { Random } from './random.ts';

export type SalesChannel = 'online' | 'phone' | 'bank';

/** A member of the simulated history, as the generator remembers it (the database has the rest). */
export interface SimMember {
  id: string;
  /** The membership's number, which the caller reads out to be checked. */
  number: string;
  index: number;
  channel: SalesChannel;
  plan: string;
  city: City;
  person: Person;
  contractedAt: Date;
  /** Its card declines every charge until it is replaced. */
  declining: boolean;
  cancelled: boolean;
  /** Online members sign in to their own account (they rate their services there). */
  customer: Actor | null;
}

/** What the history made, counted as it made it (the CLI prints it; tests and benchmarks read it). */
export interface HistoryStats {
  members: Record<SalesChannel, number>;
  plans: Record<string, number>;
  cases: Record<string, number>;
  casesByHour: number[];
  weekendCases: number;
  offers: { accepted: number; declined: number; expired: number };
  excesses: { accepted: number; declined: number };
  casesCompleted: number;
  ratings: number;
  casesCancelled: number;
  /** Not covered when asked or when dispatched (a limit reached). */
  casesRefused: number;
  consultationsClosed: number;
  complaints: { filed: number; resolved: number };
  cancellations: { done: number; refunded: number };
  billing: { runs: number; succeeded: number; declined: number; recovered: number };
  /** Requests the platform refused (a limit reached, a service not covered …), by error code. */
  refused: Record<string, number>;
}

export function emptyStats(): HistoryStats {
  return {
    members: { online: 0, phone: 0, bank: 0 },
    plans: {},
    cases: {},
    casesByHour: Array.from({ length: 24 }, () => 0),
    weekendCases: 0,
    offers: { accepted: 0, declined: 0, expired: 0 },
    excesses: { accepted: 0, declined: 0 },
    casesCompleted: 0,
    ratings: 0,
    casesCancelled: 0,
    casesRefused: 0,
    consultationsClosed: 0,
    complaints: { filed: 0, resolved: 0 },
    cancellations: { done: 0, refunded: 0 },
    billing: { runs: 0, succeeded: 0, declined: 0, recovered: 0 },
    refused: {},
  };
}

/** What every part of the generator works with: the services on the simulated clock, and the timeline. */
export interface HistoryContext {
  services: Services;
  /** For the reads the services take an executor for (a case's offers). */
  db: Executor;
  clock: ManualClock;
  random: Random;
  actors: HistoryActors;
  stats: HistoryStats;
  members: SimMember[];
  /** The simulated period's end: nothing is scheduled after it. */
  end: Date;
  /** Does `task` at `at` (on the simulated clock); after the period's end it is dropped. */
  at(at: Date, task: () => Promise<void>): void;
}

interface Entry {
  at: number;
  seq: number;
  task: () => Promise<void>;
}

/** The simulation's agenda: tasks by time (then by when they were added), a binary heap. */
export class Timeline {
  private readonly heap: Entry[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  add(at: Date, task: () => Promise<void>): void {
    this.heap.push({ at: at.getTime(), seq: this.seq++, task });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The earliest task at or before `until`, taken off the agenda. */
  takeUntil(until: number): Entry | undefined {
    const first = this.heap[0];
    if (!first || first.at > until) return undefined;
    const last = this.heap.pop() as Entry;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && this.before(l, m)) m = l;
        if (r < this.heap.length && this.before(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return first;
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a] as Entry;
    const y = this.heap[b] as Entry;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const t = this.heap[a] as Entry;
    this.heap[a] = this.heap[b] as Entry;
    this.heap[b] = t;
  }
}

export const MINUTES = (n: number) => n * 60_000;

export function later(from: Date, minutes: number): Date {
  return new Date(from.getTime() + MINUTES(minutes));
}
