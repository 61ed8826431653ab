import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { caseNotes } from '../../db/schema/index.ts';

export type CaseNoteRow = typeof caseNotes.$inferSelect;

export class RemoteRepository {
  async insertNote(executor: Executor, row: CaseNoteRow): Promise<void> {
    await executor.insert(caseNotes).values(row);
  }

  async notesOf(executor: Executor, caseId: string): Promise<CaseNoteRow[]> {
    return executor
      .select()
      .from(caseNotes)
      .where(eq(caseNotes.caseId, caseId))
      .orderBy(asc(caseNotes.createdAt));
  }
}
