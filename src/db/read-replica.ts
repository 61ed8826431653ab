import { sql } from 'drizzle-orm';
import type { Database, DatabaseHandle } from './client.ts';
import { rows } from './client.ts';

/**
 * Where heavy reads (the supervisor's report, finance's exports) run: a streaming replica when one
 * is configured, up and close enough behind; the primary otherwise. A reader is asked for at the
 * start of each read, so a replica that goes down or falls behind stops being used within one
 * check, and one that comes back is used again.
 */
export interface ReadSource {
  reader(): Promise<Database>;
}

/** No replica: every read on the primary. */
export function primaryReads(db: Database): ReadSource {
  return { reader: async () => db };
}

export interface ReplicaState {
  /** What the last check chose. */
  using: 'replica' | 'primary';
  /** Seconds the replica was behind at the last check; null when it could not be asked. */
  lagSeconds: number | null;
  /** Why the primary was chosen, when it was. */
  reason: 'down' | 'behind' | null;
}

/** A WAL position ("16/B374D848") as a number of bytes. */
function lsnBytes(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

const CHECK_TIMEOUT_MS = 1_000;

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}

export interface ReplicaReadsOptions {
  /** Behind by more than this, reads go to the primary. */
  maxLagSeconds: number;
  /** A check's answer is reused this long (one check per burst of reads, not per read). */
  checkEverySeconds?: number;
  /** Told when the choice changes (for the log). */
  onChange?: (state: ReplicaState) => void;
  now?: () => number;
}

/**
 * A replica in front of its primary. "Behind" is measured where it matters: the primary's WAL
 * position against the position the replica has replayed; when they differ, the lag is the age of
 * the last transaction the replica replayed (an idle primary with a caught-up replica is 0 behind,
 * however old its last transaction).
 */
export class ReplicaReads implements ReadSource {
  private checked: { at: number; state: ReplicaState } | null = null;
  private checking: Promise<ReplicaState> | null = null;

  constructor(
    private readonly primary: DatabaseHandle,
    private readonly replica: DatabaseHandle,
    private readonly options: ReplicaReadsOptions,
  ) {}

  async reader(): Promise<Database> {
    const state = await this.state();
    return state.using === 'replica' ? this.replica.db : this.primary.db;
  }

  /** The current choice, checked again when the last check is older than checkEverySeconds. */
  async state(): Promise<ReplicaState> {
    const now = (this.options.now ?? Date.now)();
    const every = (this.options.checkEverySeconds ?? 2) * 1000;
    if (this.checked && now - this.checked.at < every) return this.checked.state;
    this.checking ??= this.check().finally(() => {
      this.checking = null;
    });
    const state = await this.checking;
    const previous = this.checked?.state;
    this.checked = { at: now, state };
    if (previous?.using !== state.using || previous?.reason !== state.reason) this.options.onChange?.(state);
    return state;
  }

  private async check(): Promise<ReplicaState> {
    let replayed: { lsn: string | null; ageSeconds: number | null; recovering: boolean };
    try {
      const [row] = await within(
        rows<{ lsn: string | null; age_seconds: number | null; recovering: boolean }>(
          this.replica.db,
          sql`select pg_last_wal_replay_lsn()::text as lsn, pg_is_in_recovery() as recovering,
                extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp())::float8 as age_seconds`,
        ),
        CHECK_TIMEOUT_MS,
      );
      replayed = {
        lsn: row?.lsn ?? null,
        ageSeconds: row?.age_seconds ?? null,
        recovering: row?.recovering ?? false,
      };
    } catch {
      return { using: 'primary', lagSeconds: null, reason: 'down' };
    }
    // A server that is not (or no longer) a standby is not this primary's replica: never read it.
    if (!replayed.recovering || replayed.lsn === null)
      return { using: 'primary', lagSeconds: null, reason: 'down' };
    const [primary] = await rows<{ lsn: string }>(
      this.primary.db,
      sql`select pg_current_wal_flush_lsn()::text as lsn`,
    );
    const caughtUp = primary !== undefined && lsnBytes(replayed.lsn) >= lsnBytes(primary.lsn);
    const lagSeconds = caughtUp ? 0 : Math.max(0, replayed.ageSeconds ?? Number.POSITIVE_INFINITY);
    if (lagSeconds > this.options.maxLagSeconds) return { using: 'primary', lagSeconds, reason: 'behind' };
    return { using: 'replica', lagSeconds, reason: null };
  }
}
