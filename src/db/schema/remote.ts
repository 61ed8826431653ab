import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { cases } from './cases.ts';

/**
 * What a professional writes about a remote consultation (medical or legal). Medical notes are
 * sensitive personal data: only the customer, the professional and medical supervisors read them,
 * and every read is audited. Append-only.
 */
export const caseNotes = pgTable(
  'case_notes',
  {
    id: uuid('id').primaryKey(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    kind: text('kind').notNull(),
    authorId: uuid('author_id').notNull(),
    authorName: text('author_name').notNull(),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check('case_notes_kind', sql`${t.kind} in ('medical','legal')`),
    index('case_notes_case_idx').on(t.caseId),
  ],
);
