import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { cases } from './cases.ts';
import { bytea } from './types.ts';

/**
 * Evidence filed with a case (the police report of an ATM robbery): the bytes, their SHA-256, size
 * and sniffed type. Served only to the case's customer and staff.
 */
export const caseDocuments = pgTable(
  'case_documents',
  {
    id: uuid('id').primaryKey(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    uploadedBy: text('uploaded_by').notNull(),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check('case_documents_type', sql`${t.contentType} in ('application/pdf','image/jpeg','image/png')`),
    index('case_documents_case_idx').on(t.caseId),
  ],
);
