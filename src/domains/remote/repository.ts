import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { caseNotes, cases, memberships, services } from '../../db/schema/index.ts';

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

  /** Open remote requests of the given service categories, oldest first, with a number to call back. */
  async queue(executor: Executor, categories: string[]) {
    return executor
      .select({
        id: cases.id,
        number: cases.number,
        serviceCode: cases.serviceCode,
        personName: cases.personName,
        description: cases.description,
        details: cases.details,
        requestedAt: cases.requestedAt,
        dueAt: cases.dispatchDueAt,
        titularPhone: memberships.titularPhone,
      })
      .from(cases)
      .innerJoin(services, eq(services.code, cases.serviceCode))
      .innerJoin(memberships, eq(memberships.id, cases.membershipId))
      .where(
        and(
          eq(cases.fulfilment, 'remote'),
          eq(cases.state, 'requested'),
          inArray(services.category, categories),
        ),
      )
      .orderBy(asc(cases.requestedAt));
  }
}
