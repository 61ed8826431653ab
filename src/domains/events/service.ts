import type { Database } from '../../db/client.ts';
import { AppError } from '../../lib/errors.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import { audienceOf } from './audience.ts';
import type { EventType } from './catalogue.ts';
import { type Cursor, formatCursor, nextCursor, parseCursor, START } from './cursor.ts';
import './errors.ts';
import type { EventRow, EventsRepository } from './repository.ts';

export interface EventView {
  id: string;
  type: string;
  occurredAt: string;
  cursor: string;
  membershipId: string | null;
  data: Record<string, unknown>;
}

export interface EventPage {
  data: EventView[];
  /** Where to continue: `after` of the next read (the same as given when nothing was new). */
  next: string;
}

export function presentEvent(row: EventRow): EventView {
  return {
    id: row.id,
    type: row.type,
    occurredAt: row.occurredAt.toISOString(),
    cursor: formatCursor(row),
    membershipId: row.membershipId,
    data: row.data,
  };
}

/** Reading the event log (`GET /v1/events`): in order, from a cursor, only what the caller may see. */
export class EventsService {
  constructor(
    private readonly db: Database,
    private readonly repository: EventsRepository,
    private readonly audit: AuditService,
  ) {}

  async list(
    actor: Actor,
    query: { after?: string | undefined; types?: EventType[] | undefined; limit: number },
  ): Promise<EventPage> {
    let after: Cursor = START;
    if (query.after !== undefined) {
      const parsed = parseCursor(query.after);
      if (!parsed) throw new AppError('EVENT_CURSOR_INVALID', { extensions: { field: 'querystring/after' } });
      after = parsed;
    }
    const audience = audienceOf(actor);
    // Its own statement, outside any transaction that wrote something: a reader's own transaction
    // would hold the horizon back to itself.
    const page = await this.repository.page(this.db, {
      after,
      audience,
      types: query.types ?? [],
      limit: query.limit,
    });
    await this.audit.recordRead(actor, {
      action: 'events.read',
      recordType: 'event_log',
      details: { after: formatCursor(after), count: page.events.length },
    });
    return {
      data: page.events.map(presentEvent),
      next: formatCursor(nextCursor(after, page, query.limit)),
    };
  }
}
