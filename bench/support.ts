import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { DatabaseHandle } from '../src/db/client.ts';

export type Printer = (line: string) => void;

/**
 * Benchmarks run on PostgreSQL (the production engine): BENCH_DATABASE_URL names the server
 * (default: the local one with trust auth). Each run gets a fresh database, dropped at the end.
 */
export async function freshBenchDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `libra_bench_${name}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database "${database}"`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`drop database if exists "${database}" with (force)`);
      await c.end();
    },
  };
}

const MB = 1024 * 1024;
export const mb = (bytes: number) => Math.round(bytes / MB);

/**
 * Process RSS sampled every 200 ms while `work` runs: at the start, the peak, at the end, and the
 * peak within each tenth of the work (by the progress `work` reports), to show whether it grows.
 */
export async function sampled<T>(
  work: (onProgress: (done: number, total: number) => void) => Promise<T>,
): Promise<{ result: T; startMb: number; peakMb: number; endMb: number; tenthsMb: number[] }> {
  const start = process.memoryUsage().rss;
  let peak = start;
  let tenth = 0;
  const tenths: number[] = [];
  const sample = () => {
    const rss = process.memoryUsage().rss;
    peak = Math.max(peak, rss);
    tenths[tenth] = Math.max(tenths[tenth] ?? 0, rss);
  };
  const timer = setInterval(sample, 200);
  try {
    const result = await work((done, total) => {
      tenth = Math.min(9, Math.floor((done / Math.max(total, 1)) * 10));
    });
    sample();
    const end = process.memoryUsage().rss;
    return {
      result,
      startMb: mb(start),
      peakMb: mb(peak),
      endMb: mb(end),
      tenthsMb: [...tenths].map((v) => mb(v ?? 0)),
    };
  } finally {
    clearInterval(timer);
  }
}

/** Busy and total jiffies of the whole machine (all processes: Node, PostgreSQL, others). */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** The share of the machine's cores busy between two readings of `machineCpu` (0–1). */
export function busyShare(
  before: { busy: number; total: number },
  after: { busy: number; total: number },
): number {
  return (after.busy - before.busy) / Math.max(1, after.total - before.total);
}

/**
 * CPU jiffies (user + system) of the machine's processes by group: `postgres` (every backend and
 * the server's own processes), the descendants of each named root pid, and this process. Read from
 * /proc; processes that ended between two readings are missing from the second.
 */
export function cpuByGroup(roots: Record<string, number | undefined>): Record<string, number> {
  const procs: { pid: number; ppid: number; comm: string; jiffies: number }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      procs.push({
        pid: Number(entry),
        ppid: Number(fields[1]),
        comm,
        jiffies: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // ended while being read
    }
  }
  const children = new Map<number, number[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const out: Record<string, number> = { postgres: 0, bench: byPid.get(process.pid)?.jiffies ?? 0 };
  for (const p of procs) if (p.comm.startsWith('postgres')) out.postgres = (out.postgres ?? 0) + p.jiffies;
  for (const [name, root] of Object.entries(roots)) {
    let total = 0;
    const stack = root ? [root] : [];
    while (stack.length > 0) {
      const pid = stack.pop() as number;
      total += byPid.get(pid)?.jiffies ?? 0;
      stack.push(...(children.get(pid) ?? []));
    }
    out[name] = total;
  }
  return out;
}

/**
 * A spouse on every membership whose number ends in an odd digit, and a year of usage: eight uses a
 * membership in its current membership year, the n-th of `services` (eight codes) on day n after
 * contracting; the seventh's use carries a specialty key.
 */
export async function addSpousesAndYearOfUsage(database: DatabaseHandle, services: string[]): Promise<void> {
  if (services.length !== 8) throw new Error('eight services, one a use');
  const db = database.db;
  await db.execute(sql`
    insert into beneficiaries (id, membership_id, kind, full_name, birth_date, added_at)
    select gen_random_uuid(), id, 'spouse', 'Cónyuge ' || number, date '1982-05-05', contracted_at
    from memberships where right(number, 1) in ('1', '3', '5', '7', '9')`);
  await db.execute(sql`
    insert into usage_ledger (id, membership_id, service_code, usage_key, person_id, membership_year, status, reserved_at, confirmed_at)
    select gen_random_uuid(), m.id, ${JSON.stringify(services)}::jsonb ->> (u - 1),
      case when u = 7 then 'especialidad-' || (random() * 3)::int else null end,
      'titular', 1, 'confirmed', m.contracted_at + make_interval(days => u), m.contracted_at + make_interval(days => u)
    from memberships m cross join generate_series(1, 8) u`);
}
