import { and, count, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { complaints } from '../../db/schema/index.ts';

/**
 * What other domains may read of complaints, named by the complaints domain (the table's owner).
 */

/** Complaints waiting on staff now, by status, and those of them past their due date. */
export async function complaintBacklog(
  executor: Executor,
  now: Date,
): Promise<{ open: number; inProgress: number; escalated: number; overdue: number }> {
  const [row] = await executor
    .select({
      open: sql<number>`count(*) filter (where ${complaints.status} = 'open')`.mapWith(Number),
      inProgress: sql<number>`count(*) filter (where ${complaints.status} = 'in_progress')`.mapWith(Number),
      escalated: sql<number>`count(*) filter (where ${complaints.status} = 'escalated')`.mapWith(Number),
      overdue: sql<number>`count(*) filter (where ${complaints.dueAt} < ${now})`.mapWith(Number),
    })
    .from(complaints)
    .where(ne(complaints.status, 'resolved'));
  return row ?? { open: 0, inProgress: 0, escalated: 0, overdue: 0 };
}

/**
 * Complaints not resolved and past their due date at `now`, by status (operator metrics): read
 * through the status index, which holds few unresolved complaints beside the years of resolved ones.
 */
export async function overdueComplaints(
  executor: Executor,
  now: Date,
): Promise<{ status: string; complaints: number }[]> {
  return executor
    .select({ status: complaints.status, complaints: count().mapWith(Number) })
    .from(complaints)
    .where(and(inArray(complaints.status, ['open', 'in_progress', 'escalated']), lt(complaints.dueAt, now)))
    .groupBy(complaints.status);
}
