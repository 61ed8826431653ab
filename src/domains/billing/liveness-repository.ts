import { type SQL, sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/client.ts';

/** Ids as one parameter (a JSON array), however many: a run holds up to two batches' worth. */
function uuids(ids: string[]): SQL {
  return sql`select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid`;
}

/**
 * The SQL of billing runs' liveness: the heartbeat a running run writes, finding the runs whose
 * heartbeat went silent, and the charges a run holds (`charges.claimed_by`).
 */
export class RunLivenessRepository {
  /** The run is alive (and this is how far it got). A run no longer `running` is left as it is. */
  async beat(executor: Executor, runId: string, now: Date, summary: Record<string, number>): Promise<void> {
    await rows(
      executor,
      sql`update billing_runs set heartbeat_at = ${now}, summary = ${JSON.stringify(summary)}::jsonb
          where id = ${runId} and status = 'running'`,
    );
  }

  /**
   * Marks `interrupted` every run still `running` whose last heartbeat (its start, for a run that
   * never wrote one) is older than `silentSince`, but `self` (the run asking, alive by definition),
   * and answers their ids. Two callers at once mark each run once: the second waits for the first's
   * row lock and then finds it no longer running.
   */
  async interruptSilent(
    executor: Executor,
    silentSince: Date,
    now: Date,
    self: string | null,
  ): Promise<string[]> {
    const found = await rows<{ id: string }>(
      executor,
      sql`update billing_runs
          set status = 'interrupted', finished_at = ${now},
            error = 'interrupted: the process running it stopped (no heartbeat since '
              || to_char(coalesce(heartbeat_at, started_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ')'
          where status = 'running' and coalesce(heartbeat_at, started_at) < ${silentSince}
            and id is distinct from ${self}::uuid
          returning id`,
    );
    return found.map((r) => r.id);
  }

  /**
   * Frees what these runs held and never answered: each such charge becomes `unknown` (it may have
   * reached the processor before the run stopped) with no claim, so reconciliation asks the
   * processor about it under its key before anything is sent again. Answers how many.
   */
  async releaseClaims(executor: Executor, runIds: string[], now: Date): Promise<number> {
    if (runIds.length === 0) return 0;
    const [row] = await rows<{ n: number }>(
      executor,
      sql`with released as (
            update charges set status = 'unknown', claimed_until = null, claimed_by = null, updated_at = ${now}
            where status in ('pending', 'unknown')
              and claimed_by in (${uuids(runIds)})
            returning 1
          )
          select count(*)::int as n from released`,
    );
    return row?.n ?? 0;
  }

  /** Open charges that another run, still `running`, holds under a claim in force. */
  async heldByOthers(executor: Executor, runId: string, now: Date): Promise<string[]> {
    const found = await rows<{ id: string }>(
      executor,
      sql`select c.id from charges c join billing_runs r on r.id = c.claimed_by
          where c.status in ('pending', 'unknown') and c.claimed_until >= ${now}
            and r.status = 'running' and r.id <> ${runId}`,
    );
    return found.map((r) => r.id);
  }

  /** Which of these charges another `running` run still holds (as `heldByOthers`). */
  async stillHeld(executor: Executor, runId: string, ids: string[], now: Date): Promise<string[]> {
    if (ids.length === 0) return [];
    const found = await rows<{ id: string }>(
      executor,
      sql`select c.id from charges c join billing_runs r on r.id = c.claimed_by
          where c.id in (${uuids(ids)})
            and c.status in ('pending', 'unknown') and c.claimed_until >= ${now}
            and r.status = 'running' and r.id <> ${runId}`,
    );
    return found.map((r) => r.id);
  }
}
