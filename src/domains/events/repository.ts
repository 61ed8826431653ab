import { type SQL, sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/client.ts';
import type { Cursor } from './cursor.ts';
import type { SalesChannel } from './recorder.ts';

/** An event as stored, with its place in the log. */
export interface EventRow {
  id: string;
  txid: string;
  position: number;
  type: string;
  occurredAt: Date;
  membershipId: string | null;
  data: Record<string, unknown>;
}

export interface EventInsert {
  id: string;
  type: string;
  occurredAt: Date;
  membershipId: string | null;
  channel: SalesChannel | null;
  apiKeyId: string | null;
  data: Record<string, unknown>;
}

/**
 * Whose events a read returns: everyone's (staff), or a partner's — the memberships sold through
 * its channels and the events about its own key.
 */
export type Audience =
  | { kind: 'all' }
  | { kind: 'partner'; channels: readonly SalesChannel[]; apiKeyId: string };

export interface PageQuery {
  after: Cursor;
  audience: Audience;
  /** Only these types; empty: all. */
  types: readonly string[];
  limit: number;
}

function audienceFilter(audience: Audience): SQL {
  if (audience.kind === 'all') return sql`true`;
  return sql`(channel = any(${sql.param([...audience.channels])}::text[]) or api_key_id = ${audience.apiKeyId}::uuid)`;
}

/** The events table's SQL. It is append-only: there is no update and no delete. */
export class EventsRepository {
  /** One statement for the whole batch (a billing batch writes thousands), whatever its size. */
  async insert(executor: Executor, events: readonly EventInsert[]): Promise<void> {
    if (events.length === 0) return;
    // `n` keeps the caller's order: positions are given in the order rows are inserted.
    const numbered = events.map((e, n) => ({ ...e, n }));
    await executor.execute(sql`
      insert into events (id, type, occurred_at, membership_id, channel, api_key_id, data)
      select e.id, e.type, e."occurredAt", e."membershipId", e.channel, e."apiKeyId", e.data
      from jsonb_to_recordset(${JSON.stringify(numbered)}::jsonb)
        as e(id uuid, type text, "occurredAt" timestamptz, "membershipId" uuid,
          channel text, "apiKeyId" uuid, data jsonb, n int)
      order by e.n`);
  }

  /**
   * The events after `after`, in log order, of transactions older than every one still running:
   * a transaction that has not ended yet may still commit events that sort before anything newer,
   * so nothing from it or after it is handed out until it ends (docs/webhooks.md, "Ordering").
   * With them, that horizon as the statement saw it: every event not yet final sorts after it.
   */
  async page(executor: Executor, q: PageQuery): Promise<{ events: EventRow[]; horizon: Cursor }> {
    const types = q.types.length > 0 ? sql`and type = any(${sql.param([...q.types])}::text[])` : sql``;
    // One statement, so the horizon and the rows come from the same snapshot.
    const found = await rows<EventRow & { horizon: string; id: string | null }>(
      executor,
      sql`
      with h as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin)
      select h.xmin::text as horizon, e.*
      from h left join lateral (
        select id, txid::text as txid, position, type, occurred_at as "occurredAt",
          membership_id as "membershipId", data
        from events
        where txid < h.xmin
          and (txid, position) > (${q.after.txid}::xid8, ${q.after.position}::int8)
          and ${audienceFilter(q.audience)}
          ${types}
        -- The table's columns, not the output's text \`txid\` (a bare name would sort the text:
        -- '1000' before '999', and a page would skip events its cursor then passes).
        order by events.txid, events.position
        limit ${q.limit}
      ) e on true`,
    );
    const horizon: Cursor = { txid: found[0]?.horizon ?? '0', position: 0 };
    const events = found.filter((r) => r.id !== null).map(({ horizon: _h, ...event }) => event as EventRow);
    return { events, horizon };
  }

  /**
   * Where the log's finished part ends now: every event that may still commit (its transaction
   * is running) sorts after this cursor. Where a new endpoint starts.
   */
  async horizon(executor: Executor): Promise<Cursor> {
    const [row] = await rows<{ txid: string }>(
      executor,
      sql`select pg_snapshot_xmin(pg_current_snapshot())::text as txid`,
    );
    return { txid: row?.txid ?? '0', position: 0 };
  }

  async byId(executor: Executor, id: string): Promise<EventRow | undefined> {
    const [row] = await rows<EventRow>(
      executor,
      sql`select id, txid::text as txid, position, type, occurred_at as "occurredAt",
            membership_id as "membershipId", data
          from events where id = ${id}`,
    );
    return row;
  }
}
