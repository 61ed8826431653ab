import { and, asc, eq, gt, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { importErrors, importRuns } from '../../db/schema/index.ts';

export type ImportRunRecord = typeof importRuns.$inferSelect;
export type ImportErrorRecord = typeof importErrors.$inferSelect;

/** The imports domain's SQL: runs and their rejected rows. */
export class ImportsRepository {
  async insertRun(executor: Executor, row: typeof importRuns.$inferInsert): Promise<void> {
    await executor.insert(importRuns).values(row);
  }

  /** Adds a batch's counts to the run (and the bytes read so far). */
  async addCounts(
    executor: Executor,
    id: string,
    counts: { rows: number; imported: number; alreadyImported: number; rejected: number; bytesRead: number },
  ): Promise<void> {
    await executor
      .update(importRuns)
      .set({
        rows: sql`${importRuns.rows} + ${counts.rows}`,
        imported: sql`${importRuns.imported} + ${counts.imported}`,
        alreadyImported: sql`${importRuns.alreadyImported} + ${counts.alreadyImported}`,
        rejected: sql`${importRuns.rejected} + ${counts.rejected}`,
        bytesRead: counts.bytesRead,
      })
      .where(eq(importRuns.id, id));
  }

  async finish(
    executor: Executor,
    id: string,
    end: {
      status: 'completed' | 'stopped';
      stopCode: string | null;
      stopLine: number | null;
      at: Date;
      bytesRead: number;
    },
  ): Promise<void> {
    await executor
      .update(importRuns)
      .set({
        status: end.status,
        stopCode: end.stopCode,
        stopLine: end.stopLine,
        finishedAt: end.at,
        bytesRead: end.bytesRead,
      })
      .where(eq(importRuns.id, id));
  }

  async run(executor: Executor, id: string): Promise<ImportRunRecord | undefined> {
    const [row] = await executor.select().from(importRuns).where(eq(importRuns.id, id));
    return row;
  }

  async insertErrors(executor: Executor, rows: (typeof importErrors.$inferInsert)[]): Promise<void> {
    // 8 columns a row: a thousand rows stay far inside a statement's 65,535 parameters.
    for (let i = 0; i < rows.length; i += 1000) {
      await executor.insert(importErrors).values(rows.slice(i, i + 1000));
    }
  }

  /** A page of a run's errors in file order, after (line, id). */
  async errorsPage(
    executor: Executor,
    runId: string,
    after: { line: number; id: string } | null,
    limit: number,
  ): Promise<ImportErrorRecord[]> {
    return executor
      .select()
      .from(importErrors)
      .where(
        and(
          eq(importErrors.runId, runId),
          after
            ? or(
                gt(importErrors.line, after.line),
                and(eq(importErrors.line, after.line), gt(importErrors.id, after.id)),
              )
            : undefined,
        ),
      )
      .orderBy(asc(importErrors.line), asc(importErrors.id))
      .limit(limit);
  }
}
