import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * One import of a partner's file (the bank's members file): who sent it and how, and its counts as
 * they stand (updated after each batch, so a run cut short still says how far it got).
 */
export const importRuns = pgTable(
  'import_runs',
  {
    id: uuid('id').primaryKey(),
    /** What the file holds: `members` (the bank's sales). */
    kind: text('kind').notNull(),
    /** The door it came through: `cli` or `api`. */
    source: text('source').notNull(),
    fileName: text('file_name'),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    status: text('status').notNull(),
    /** Why the file stopped being read (a stop code, e.g. IMPORT_FILE_NOT_UTF8), or null. */
    stopCode: text('stop_code'),
    /** The file line where it stopped, or null. */
    stopLine: integer('stop_line'),
    bytesRead: bigint('bytes_read', { mode: 'number' }).notNull().default(0),
    rows: integer('rows').notNull().default(0),
    imported: integer('imported').notNull().default(0),
    alreadyImported: integer('already_imported').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    check('import_runs_kind', sql`${t.kind} in ('members')`),
    check('import_runs_source', sql`${t.source} in ('cli','api')`),
    check('import_runs_status', sql`${t.status} in ('running','completed','stopped')`),
    index('import_runs_started_idx').on(t.startedAt),
  ],
);

/** The rejected rows' problems, one per row and column, in the order of the file (the error report). */
export const importErrors = pgTable(
  'import_errors',
  {
    id: uuid('id').primaryKey(),
    runId: uuid('run_id')
      .notNull()
      .references(() => importRuns.id),
    /** The file line the row starts on (the header is line 1). */
    line: integer('line').notNull(),
    /** The column at fault (its header name), or empty for the row as a whole. */
    column: text('column').notNull(),
    code: text('code').notNull(),
    /** The row's bank_reference, when it has a readable one (never personal data). */
    reference: text('reference'),
    reasonEs: text('reason_es').notNull(),
    reasonEn: text('reason_en').notNull(),
  },
  (t) => [index('import_errors_run_idx').on(t.runId, t.line, t.id)],
);
