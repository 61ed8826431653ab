import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { sandboxPacStamps } from '../../db/schema/index.ts';
import type { Cancellation, SandboxPacStore, SandboxRecord, Stamp } from './cfdi/index.ts';

type Row = typeof sandboxPacStamps.$inferSelect;

function recordOf(row: Row): SandboxRecord {
  return {
    documentId: row.documentId,
    xmlHash: row.xmlHash,
    stamp: row.stamp as unknown as Stamp,
    ...(row.cancellation ? { cancellation: row.cancellation as unknown as Cancellation } : {}),
  };
}

/**
 * The sandbox PAC's memory in the database (`sandbox_pac_stamps`), shared by every process on it
 * and kept across restarts. Each write is one statement that keeps the first record: two
 * processes stamping or cancelling one document at once both answer the one kept.
 */
export class SandboxPacRepository implements SandboxPacStore {
  constructor(private readonly db: Executor) {}

  async byDocument(documentId: string): Promise<SandboxRecord | undefined> {
    const [row] = await this.db
      .select()
      .from(sandboxPacStamps)
      .where(eq(sandboxPacStamps.documentId, documentId));
    return row ? recordOf(row) : undefined;
  }

  async byUuid(uuid: string): Promise<SandboxRecord | undefined> {
    const [row] = await this.db
      .select()
      .from(sandboxPacStamps)
      .where(eq(sandboxPacStamps.uuid, uuid.toUpperCase()));
    return row ? recordOf(row) : undefined;
  }

  async addStamp(record: SandboxRecord): Promise<SandboxRecord> {
    const [inserted] = await this.db
      .insert(sandboxPacStamps)
      .values({
        documentId: record.documentId,
        uuid: record.stamp.uuid,
        xmlHash: record.xmlHash,
        stamp: record.stamp as unknown as Record<string, string>,
      })
      .onConflictDoNothing({ target: sandboxPacStamps.documentId })
      .returning();
    if (inserted) return recordOf(inserted);
    const kept = await this.byDocument(record.documentId);
    if (!kept) throw new Error(`sandbox PAC: the stamp of ${record.documentId} vanished`);
    return kept;
  }

  async addCancellation(documentId: string, cancellation: Cancellation): Promise<SandboxRecord> {
    await this.db
      .update(sandboxPacStamps)
      .set({ cancellation: cancellation as unknown as Record<string, string> })
      .where(
        sql`${sandboxPacStamps.documentId} = ${documentId} and ${sandboxPacStamps.cancellation} is null`,
      );
    const kept = await this.byDocument(documentId);
    if (!kept) throw new Error(`sandbox PAC: no stamp of ${documentId}`);
    return kept;
  }
}
