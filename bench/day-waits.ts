/**
 * What the database's busy backends are doing, sampled every 100 ms while a phase runs: running on
 * CPU (no wait event) or waiting (for WAL, a lock, I/O, a client…), counted by wait event. Tells
 * the line's tail under the billing run from CPU, WAL flushes and locks.
 */

import { sql } from 'drizzle-orm';
import { type DatabaseHandle, rows } from '../src/db/client.ts';

export class WaitSampler {
  private readonly counts = new Map<string, Map<string, number>>();
  private timer: NodeJS.Timeout | undefined;
  private phase = '';
  private busy = false;

  constructor(private readonly database: DatabaseHandle) {}

  start(phase: string): void {
    this.stop();
    this.phase = phase;
    this.timer = setInterval(() => void this.sample(), 100);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const found = await rows<{ what: string; n: number }>(
        this.database.db,
        sql`select coalesce(wait_event_type || ':' || wait_event, 'CPU') as what, count(*)::int as n
            from pg_stat_activity
            where datname = current_database() and state = 'active' and pid <> pg_backend_pid()
            group by 1`,
      );
      const phase = this.counts.get(this.phase) ?? new Map<string, number>();
      phase.set('(samples)', (phase.get('(samples)') ?? 0) + 1);
      for (const r of found) phase.set(r.what, (phase.get(r.what) ?? 0) + r.n);
      this.counts.set(this.phase, phase);
    } finally {
      this.busy = false;
    }
  }

  /** Per phase: busy backends on average, and the most frequent states (share of busy samples). */
  lines(): string[] {
    return [...this.counts].map(([phase, counts]) => {
      const samples = counts.get('(samples)') ?? 1;
      const states = [...counts].filter(([k]) => k !== '(samples)').sort((a, b) => b[1] - a[1]);
      const busy = states.reduce((a, [, n]) => a + n, 0);
      const top = states
        .slice(0, 6)
        .map(([k, n]) => `${k} ${Math.round((n / Math.max(busy, 1)) * 100)} %`)
        .join(', ');
      return `    database backends, ${phase.padEnd(4)}: ${(busy / samples).toFixed(2)} busy on average; ${top}`;
    });
  }
}
