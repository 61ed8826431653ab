import { sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/client.ts';

/**
 * What other domains may read of the messages owed to people, named by the notifications domain
 * (the tables' owner).
 */

/**
 * Messages by status for the operator's metrics, over the due index (status, send_at): the final
 * ones (sent, failed, unconfigured, cancelled) due in the window since `since`, and every message
 * due by `now` and still pending, however old — the outbox's backlog.
 */
export async function messagesByStatus(
  executor: Executor,
  since: Date,
  now: Date,
): Promise<{ status: string; messages: number }[]> {
  return rows<{ status: string; messages: number }>(
    executor,
    sql`select status, count(*)::int as messages from notifications
        where (status = 'pending' and send_at <= ${now})
           or (status in ('sent','failed','unconfigured','cancelled') and send_at > ${since} and send_at <= ${now})
        group by status`,
  );
}
