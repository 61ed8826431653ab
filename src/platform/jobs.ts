import { type SQL, sql } from 'drizzle-orm';
import PgBoss from 'pg-boss';
import { type DatabaseHandle, type Executor, rows } from '../db/client.ts';

/**
 * Background jobs on pg-boss: they live in the database, so a job scheduled before a restart runs
 * after it, and any process with workers may run it. Jobs are sent inside the caller's transaction
 * (`send(tx, …)`): an offer and the job that expires it commit together or not at all.
 */

/** pg-boss writes `$1`-style SQL; Drizzle wants its own params. */
function toDrizzle(text: string, values: unknown[]): SQL {
  const chunks: SQL[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$(\d+)/g)) {
    chunks.push(sql.raw(text.slice(last, match.index)));
    // Drizzle renders an undefined param as nothing at all: pg-boss means NULL.
    chunks.push(sql`${values[Number(match[1]) - 1] ?? null}`);
    last = (match.index ?? 0) + match[0].length;
  }
  chunks.push(sql.raw(text.slice(last)));
  return sql.join(chunks, sql.raw(''));
}

function executorDb(executor: Executor): PgBoss.Db {
  return {
    executeSql: async (text, values = []) => ({ rows: await rows(executor, toDrizzle(text, values)) }),
  };
}

export type JobHandler<T> = (data: T) => Promise<void>;

export interface JobsOptions {
  /** Start workers for registered handlers (a process may only send). */
  workers: boolean;
  pollSeconds: number;
}

export interface QueueOptions {
  /** How long one job may run before pg-boss gives it up (and retries it). */
  expireInSeconds?: number;
  /**
   * 'singleton': at most one job of the queue runs at a time (a billing run). 'stately': per
   * `singletonKey`, at most one job waits and one runs (a webhook delivery: one per event and endpoint).
   */
  policy?: 'standard' | 'singleton' | 'stately';
  /** Run on this cron (5 fields) in this time zone, by whichever process has workers. */
  schedule?: { cron: string; tz: string };
}

export interface SendOptions {
  /** One job per key waiting at a time (on a 'stately' queue). */
  singletonKey?: string;
}

export class Jobs {
  private boss: PgBoss | null = null;
  private readonly handlers = new Map<string, JobHandler<never>>();
  private readonly queues = new Map<string, QueueOptions>();
  private started: Promise<void> | null = null;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly options: JobsOptions,
  ) {}

  /** Registers the handler of a queue; call before `start()`. */
  handle<T>(queue: string, handler: JobHandler<T>, options: QueueOptions = {}): void {
    this.handlers.set(queue, handler as JobHandler<never>);
    this.queues.set(queue, options);
  }

  /** The queues registered in this process. */
  queueNames(): string[] {
    return [...this.queues.keys()];
  }

  /** pg-boss is started and not stopped: jobs can be sent now (and, with workers, run here). */
  get running(): boolean {
    return this.boss !== null;
  }

  start(): Promise<void> {
    this.started ??= this.boot();
    return this.started;
  }

  private async boot(): Promise<void> {
    const driver = this.database.driver;
    const common = {
      schedule: this.options.workers,
      supervise: this.options.workers,
      migrate: true,
    } as const;
    const boss =
      driver.kind === 'postgresql'
        ? new PgBoss({ ...common, connectionString: driver.url, max: 3 })
        : new PgBoss({
            ...common,
            // PGlite is one connection: pg-boss's multi-statement migrations go through exec.
            db: {
              executeSql: async (text: string, values?: unknown[]) => {
                if (values && values.length > 0) return driver.client.query(text, values);
                const results = await driver.client.exec(text);
                return { rows: results.at(-1)?.rows ?? [] };
              },
            },
          });
    boss.on('error', (error) => {
      // A lost connection is retried by pg-boss; say it once in the log rather than crash.
      process.emitWarning(`jobs: ${error.message}`);
    });
    await boss.start();
    this.boss = boss;
    for (const [queue, options] of this.queues) {
      const { schedule: _schedule, ...queueOptions } = options;
      await boss.createQueue(queue, { name: queue, ...queueOptions });
    }
    if (!this.options.workers) return;
    for (const [queue, { schedule }] of this.queues) {
      // Stored in the database: every process with workers keeps the same one, and one of them runs it.
      if (schedule) await boss.schedule(queue, schedule.cron, {}, { tz: schedule.tz });
    }
    for (const [queue, handler] of this.handlers) {
      await boss.work<object>(
        queue,
        { pollingIntervalSeconds: this.options.pollSeconds, batchSize: 1 },
        async (jobs) => {
          for (const job of jobs) await handler(job.data as never);
        },
      );
    }
  }

  /**
   * Schedules a job inside the caller's transaction, to run at `runAt` or soon after. With a
   * `singletonKey` on a 'stately' queue, a job already waiting under that key makes this one nothing.
   */
  async send(
    executor: Executor,
    queue: string,
    data: object,
    runAt: Date,
    options: SendOptions = {},
  ): Promise<void> {
    // Not started here: inside a transaction on PGlite, starting would wait for that transaction.
    if (!this.boss) throw new Error('jobs must be started before a job is sent');
    await this.boss.send(queue, data, {
      startAfter: runAt,
      retryLimit: 5,
      retryDelay: 5,
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
      db: executorDb(executor),
    });
  }

  /**
   * Wakes a queue's workers at `runAt` (inside the caller's transaction: a rollback wakes nobody).
   * Before the jobs start — a seed, a test's services — it does nothing: the queue's schedule or
   * the first drain after start finds the work anyway.
   */
  async nudge(
    executor: Executor,
    queue: string,
    runAt: Date,
    data: object = {},
    options: SendOptions = {},
  ): Promise<void> {
    if (!this.boss) return;
    await this.send(executor, queue, data, runAt, options);
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    await this.started.catch(() => {});
    const boss = this.boss;
    this.boss = null;
    this.started = null;
    if (boss) await boss.stop({ graceful: true, wait: true, timeout: 5_000, close: true });
  }
}

/** Jobs waiting in a queue (for tests and health): created or retrying, not yet done. */
export async function pendingJobs(executor: Executor, queue: string): Promise<number> {
  const [row] = await rows<{ n: number }>(
    executor,
    sql`select count(*)::int as n from pgboss.job where name = ${queue} and state in ('created','retry','active')`,
  );
  return row?.n ?? 0;
}

/**
 * Jobs waiting per queue (operator metrics): `ready` to run now and `scheduled` for later (an
 * offer's expiry), read from pg-boss's own fetch index (its predicate: not yet active).
 */
export async function queueDepths(
  executor: Executor,
): Promise<{ queue: string; ready: number; scheduled: number }[]> {
  return rows<{ queue: string; ready: number; scheduled: number }>(
    executor,
    sql`select name as queue,
          (count(*) filter (where start_after <= now()))::int as ready,
          (count(*) filter (where start_after > now()))::int as scheduled
        from pgboss.job where state < 'active' group by name`,
  );
}
