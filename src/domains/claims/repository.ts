import { and, asc, count, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { caseDocuments } from '../../db/schema/index.ts';

export type CaseDocumentRow = typeof caseDocuments.$inferSelect;
/** A document filed with a claim, without its bytes. */
export type CaseDocumentMeta = Omit<CaseDocumentRow, 'content'>;

/** Evidence filed with claims: bytes only when one document is read. */
export class ClaimsRepository {
  /** Documents filed with the case (metadata only), oldest first. */
  async documentsOf(executor: Executor, caseId: string): Promise<CaseDocumentMeta[]> {
    return executor
      .select({
        id: caseDocuments.id,
        caseId: caseDocuments.caseId,
        filename: caseDocuments.filename,
        contentType: caseDocuments.contentType,
        sizeBytes: caseDocuments.sizeBytes,
        sha256: caseDocuments.sha256,
        uploadedBy: caseDocuments.uploadedBy,
        uploadedAt: caseDocuments.uploadedAt,
      })
      .from(caseDocuments)
      .where(eq(caseDocuments.caseId, caseId))
      .orderBy(asc(caseDocuments.uploadedAt), asc(caseDocuments.id));
  }

  async insertDocument(executor: Executor, row: CaseDocumentRow): Promise<void> {
    await executor.insert(caseDocuments).values(row);
  }

  async countDocuments(executor: Executor, caseId: string): Promise<number> {
    const [row] = await executor
      .select({ n: count() })
      .from(caseDocuments)
      .where(eq(caseDocuments.caseId, caseId));
    return Number(row?.n ?? 0);
  }

  async document(
    executor: Executor,
    caseId: string,
    documentId: string,
  ): Promise<CaseDocumentRow | undefined> {
    const [row] = await executor
      .select()
      .from(caseDocuments)
      .where(and(eq(caseDocuments.caseId, caseId), eq(caseDocuments.id, documentId)));
    return row;
  }

  /** The card the membership pays with: a claim is paid back to it. */
}
