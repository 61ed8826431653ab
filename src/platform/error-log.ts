import { DrizzleQueryError } from 'drizzle-orm/errors';

/** How many `cause`s deep the log follows an error. */
const MAX_CAUSES = 4;

/** An error from PostgreSQL (pg or PGlite): a five-character SQLSTATE and a severity. */
interface DatabaseErrorLike {
  code: string;
  severity?: string;
  table?: string;
  column?: string;
  constraint?: string;
  dataType?: string;
  routine?: string;
}

function isDatabaseError(error: unknown): error is Error & DatabaseErrorLike {
  const e = error as Partial<DatabaseErrorLike> | null;
  return (
    error instanceof Error && typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && 'severity' in e
  );
}

/** The stack's frames without its first lines, which repeat the message (and with it any data). */
function framesOf(error: Error): string | undefined {
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return frames.length > 0 ? frames.join('\n') : undefined;
}

/**
 * What the log says about an unexpected error: enough to find the fault, nothing of the data it
 * carried. A failed query's error holds its parameters (names, addresses, emails) in its message
 * and in `params`, and PostgreSQL's message and detail quote the offending values (`invalid input
 * syntax for type uuid: "…"`, `Key (email)=(…) already exists`): the log keeps the query text with
 * its placeholders, the number of parameters, the SQLSTATE and the schema names PostgreSQL reports
 * (table, column, constraint, routine), and the stack frames. Other errors are the code's own and
 * keep their message.
 */
export function loggableError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const entry: Record<string, unknown> = { type: error.name };
  if (error instanceof DrizzleQueryError) {
    entry.query = error.query;
    entry.paramCount = error.params.length;
  } else if (isDatabaseError(error)) {
    entry.sqlState = error.code;
    for (const field of ['severity', 'table', 'column', 'constraint', 'dataType', 'routine'] as const) {
      if (typeof error[field] === 'string') entry[field] = error[field];
    }
  } else {
    entry.message = error.message;
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') entry.code = code;
  }
  const stack = framesOf(error);
  if (stack) entry.stack = stack;
  if (error.cause !== undefined && depth < MAX_CAUSES) entry.cause = loggableError(error.cause, depth + 1);
  return entry;
}
