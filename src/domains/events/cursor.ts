/**
 * A place in the event log: the writing transaction's id (xid8) and the event's position. The log
 * is read in this order, and only below the oldest transaction still running, so every event a
 * reader has not yet seen sorts after the cursor it holds (docs/webhooks.md, "Ordering").
 * Written as `<txid>_<position>`, both decimal; partners treat it as opaque.
 */
export interface Cursor {
  /** Decimal text: an xid8 does not fit a JavaScript number. */
  txid: string;
  position: number;
}

export const START: Cursor = { txid: '0', position: 0 };

/** The form `GET /v1/events?after=` takes (the route's schema checks it first). */
export const CURSOR_PATTERN = '^[0-9]{1,20}_[0-9]{1,19}$';

const FORM = new RegExp(CURSOR_PATTERN);
const XID8_MAX = 18_446_744_073_709_551_615n;

export function formatCursor(cursor: Cursor): string {
  return `${cursor.txid}_${cursor.position}`;
}

/** The cursor a text names, or null when it is not one (out of range included). */
export function parseCursor(text: string): Cursor | null {
  if (!FORM.test(text)) return null;
  const [txid = '', position = ''] = text.split('_');
  if (BigInt(txid) > XID8_MAX) return null;
  const n = Number(position);
  if (!Number.isSafeInteger(n)) return null;
  return { txid: BigInt(txid).toString(), position: n };
}

/** The later of two places in the log. */
export function laterOf(a: Cursor, b: Cursor): Cursor {
  const [x, y] = [BigInt(a.txid), BigInt(b.txid)];
  if (x !== y) return x > y ? a : b;
  return a.position >= b.position ? a : b;
}

/**
 * Where a reader continues after a page: after its last event; and when the page was not full,
 * at least at the horizon (every event below it was final and looked at), so later reads do not
 * look again at what the reader may not see.
 */
export function nextCursor(
  after: Cursor,
  page: { events: readonly Cursor[]; horizon: Cursor },
  limit: number,
): Cursor {
  const last = page.events.at(-1) ?? after;
  return page.events.length < limit ? laterOf(last, page.horizon) : last;
}
