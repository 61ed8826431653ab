import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The embedded database has one owner. PGlite is Postgres in this process's memory: a second
 * process on the same files would write behind the first one's back, and neither would see the
 * other's work. The owner writes `DATA_DIR/libra.lock` (who it is); another process finds it and is
 * refused, unless the holder is gone (killed with -9, the machine restarted): then it takes over.
 *
 * A holder is alive when its pid answers a signal 0 and, on Linux, the process behind that pid
 * started at the time the lock recorded (so a reused pid is not mistaken for the holder). A lock
 * written on another host cannot be checked from here and counts as held.
 */

export interface LockHolder {
  pid: number;
  /** Start time of the process in clock ticks since boot (Linux /proc/<pid>/stat); null elsewhere. */
  startTicks: number | null;
  host: string;
  /** The command the holder runs, e.g. `serve` or `billing run`. */
  command: string;
  /** ISO time the lock was taken. */
  since: string;
}

/** Another live process holds the embedded database. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(`the embedded database in ${dataDir} is in use by another Libra process (pid ${holder.pid})`);
    this.name = 'DataDirInUseError';
  }
}

export const LOCK_FILE = 'libra.lock';
/** A take-over in progress; older than this, its taker died in the middle and it is removed. */
const TAKEOVER_STALE_MS = 10_000;

/** Linux's view of a process: its state letter and start time (ticks since boot); null elsewhere. */
function procStat(pid: number): { state: string; startTicks: number | null } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]); // field 22 of the whole line
    return { state: fields[0] ?? '?', startTicks: Number.isSafeInteger(ticks) ? ticks : null };
  } catch {
    return null;
  }
}

function startTicksOf(pid: number): number | null {
  return procStat(pid)?.startTicks ?? null;
}

function pidAnswers(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function holderIsAlive(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return true;
  if (!Number.isSafeInteger(holder.pid) || holder.pid <= 0 || !pidAnswers(holder.pid)) return false;
  const stat = procStat(holder.pid);
  // A killed process whose parent has not reaped it yet still answers signal 0: it is dead.
  if (stat && (stat.state === 'Z' || stat.state === 'X')) return false;
  if (holder.startTicks === null || !stat || stat.startTicks === null) return true;
  return stat.startTicks === holder.startTicks;
}

function readHolder(file: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return null;
    return {
      pid: parsed.pid,
      startTicks: typeof parsed.startTicks === 'number' ? parsed.startTicks : null,
      host: parsed.host,
      command: typeof parsed.command === 'string' ? parsed.command : '?',
      since: typeof parsed.since === 'string' ? parsed.since : '?',
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    // Half-written by a holder killed while writing it: nobody holds it.
    return null;
  }
}

function createExclusive(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

function removeIfPresent(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function ageMs(file: string): number {
  try {
    const { since } = JSON.parse(readFileSync(file, 'utf8')) as { since?: string };
    return Date.now() - new Date(since ?? 0).getTime();
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

export interface DataDirLock {
  holder: LockHolder;
  release(): void;
}

/**
 * Takes the data directory for this process, or throws DataDirInUseError naming the live holder.
 * Two processes that find the same stale lock at once take it over one at a time (a short-lived
 * `libra.lock.takeover` file decides which), so exactly one of them ends up holding it.
 */
export function lockDataDir(dataDir: string, command: string): DataDirLock {
  const file = path.join(dataDir, LOCK_FILE);
  const takeover = `${file}.takeover`;
  const me: LockHolder = {
    pid: process.pid,
    startTicks: startTicksOf(process.pid),
    host: os.hostname(),
    command,
    since: new Date().toISOString(),
  };
  const content = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 50; attempt++) {
    if (createExclusive(file, content)) return held(file, me);
    let holder: LockHolder | null;
    try {
      holder = readHolder(file);
    } catch {
      continue; // released between our two looks: try again
    }
    if (holder && holderIsAlive(holder)) throw new DataDirInUseError(dataDir, holder);
    // Stale: take it over, one taker at a time.
    if (!createExclusive(takeover, content)) {
      if (ageMs(takeover) > TAKEOVER_STALE_MS) removeIfPresent(takeover);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      continue;
    }
    try {
      let current: LockHolder | null = null;
      try {
        current = readHolder(file);
      } catch {
        // gone already
      }
      if (current && holderIsAlive(current)) throw new DataDirInUseError(dataDir, current);
      removeIfPresent(file);
      if (createExclusive(file, content)) return held(file, me);
    } finally {
      removeIfPresent(takeover);
    }
  }
  throw new Error(`could not take ${file}: it keeps changing hands`);
}

function held(file: string, me: LockHolder): DataDirLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    try {
      const current = readHolder(file);
      // Never remove a lock another process took over.
      if (current && current.pid === me.pid && current.since === me.since) removeIfPresent(file);
    } catch {
      // already gone
    }
  };
  // A process that ends without closing the database (an error on the way out) still lets go.
  process.once('exit', release);
  return { holder: me, release };
}
