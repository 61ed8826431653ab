import { sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/client.ts';
import type { CollectionLine } from './direct-debit-files.ts';

/** A collection as the answer import reads it. */
export interface CollectionRecord {
  reference: string;
  chargeId: string;
  attempt: number;
  fileDate: string | null;
  result: 'approved' | 'rejected' | null;
  reasonCode: string | null;
}

/**
 * The direct-debit collections' SQL (`direct_debit_collections`, `direct_debit_files`): sealing a
 * day's file, reading it back in reference order, and recording the bank's answers once. The rows
 * themselves are made with their charges, in the billing run's statements (`BillingRepository`).
 */
export class DirectDebitRepository {
  /**
   * Seals the file of `fileDate` if it was never exported: every collection not yet in a file whose
   * day is at or before it joins it, and the file's count and total are kept. Answers the file's
   * count and total (sealed now or before). Two exports at once: the second waits on the file's key
   * and finds it sealed.
   */
  async seal(
    executor: Executor,
    fileDate: string,
    now: Date,
  ): Promise<{ lines: number; amountCentavos: number; sealedNow: boolean }> {
    const [claimed] = await rows<{ fileDate: string }>(
      executor,
      sql`insert into direct_debit_files (file_date, lines, amount_centavos, first_exported_at)
        values (${fileDate}, 0, 0, ${now})
        on conflict (file_date) do nothing
        returning file_date as "fileDate"`,
    );
    if (claimed) {
      await rows(
        executor,
        sql`with joined as (
          update direct_debit_collections set file_date = ${fileDate}
          where file_date is null and collection_date <= ${fileDate}
          returning amount_centavos
        )
        update direct_debit_files set
          lines = (select count(*) from joined),
          amount_centavos = coalesce((select sum(amount_centavos) from joined), 0)
        where file_date = ${fileDate}`,
      );
    }
    const [file] = await rows<{ lines: number; amountCentavos: number }>(
      executor,
      sql`select lines, amount_centavos as "amountCentavos" from direct_debit_files where file_date = ${fileDate}`,
    );
    return {
      lines: file?.lines ?? 0,
      amountCentavos: file?.amountCentavos ?? 0,
      sealedNow: Boolean(claimed),
    };
  }

  /** A page of a sealed file's lines, in reference order, after `after`. */
  async fileLines(
    executor: Executor,
    fileDate: string,
    after: string | null,
    limit: number,
  ): Promise<CollectionLine[]> {
    return rows<CollectionLine>(
      executor,
      sql`select reference, file_date as "fileDate", membership_number as "membershipNumber",
          card_token as "cardToken", amount_centavos as "amountCentavos", period_key as "periodKey",
          attempt::int as attempt
        from direct_debit_collections
        where file_date = ${fileDate} ${after === null ? sql`` : sql`and reference > ${after}`}
        order by reference
        limit ${limit}`,
    );
  }

  /** The collections these references name (unknown ones are missing from the answer). */
  async byReferences(executor: Executor, references: string[]): Promise<CollectionRecord[]> {
    if (references.length === 0) return [];
    return rows<CollectionRecord>(
      executor,
      sql`select reference, charge_id as "chargeId", attempt::int as attempt, file_date as "fileDate",
          result, reason_code as "reasonCode"
        from direct_debit_collections
        where reference in (${sql.join(
          references.map((r) => sql`${r}`),
          sql`, `,
        )})`,
    );
  }

  /**
   * Records the bank's answers of collections still unanswered (locking them), and answers which
   * it recorded: an answer already there (another import, now or before) is left as it was.
   */
  async recordAnswers(
    executor: Executor,
    answers: { reference: string; result: 'approved' | 'rejected'; reasonCode: string | null }[],
    now: Date,
  ): Promise<string[]> {
    if (answers.length === 0) return [];
    const found = await rows<{ reference: string }>(
      executor,
      sql`with a as (
          select * from jsonb_to_recordset(${JSON.stringify(answers)}::jsonb)
            as a(reference text, result text, "reasonCode" text)
        )
        update direct_debit_collections d set result = a.result, reason_code = a."reasonCode", answered_at = ${now}
        from a
        where d.reference = a.reference and d.result is null and d.file_date is not null
        returning d.reference`,
    );
    return found.map((r) => r.reference);
  }

  /** Takes back answers recorded in this transaction that settled nothing. */
  async forgetAnswers(executor: Executor, references: string[]): Promise<void> {
    if (references.length === 0) return;
    await rows(
      executor,
      sql`update direct_debit_collections set result = null, reason_code = null, answered_at = null
        where reference in (${sql.join(
          references.map((r) => sql`${r}`),
          sql`, `,
        )})`,
    );
  }
}
