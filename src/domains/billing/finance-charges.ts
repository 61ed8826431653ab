import type { Database, Executor } from '../../db/client.ts';
import { primaryReads, type ReadSource } from '../../db/read-replica.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import { auditedFilter, type ChargeFilter, type ChargeFilterQuery, chargeFilterOf } from './charge-filter.ts';
import type { ChargesService } from './charges.ts';
import { CSV_BOM, CSV_HEADERS, chargeCsvLine, csvLine } from './charges-csv.ts';
import type { ChargesRepository, ResolvedChargeFilter } from './charges-repository.ts';
import type { ChargeView } from './views.ts';

export interface ChargeTotals {
  count: number;
  amountCentavos: number;
  byStatus: { status: ChargeView['status']; count: number; amountCentavos: number }[];
}

/** Rows read per statement while exporting: memory stays one batch, whatever the filter matches. */
export const EXPORT_BATCH = 500;

/**
 * Finance's view of all charges: the filtered list with its totals, and the same filter as a CSV
 * streamed batch by batch. Both expose members' data (numbers, card endings): each read is audited.
 */
export class FinanceCharges {
  constructor(
    private readonly db: Database,
    private readonly repository: ChargesRepository,
    private readonly charges: ChargesService,
    private readonly audit: AuditService,
    private readonly exportBatch = EXPORT_BATCH,
    /** Exports read the replica when there is one (the list and its totals stay on the primary). */
    private readonly reads: ReadSource = primaryReads(db),
  ) {}

  /** The membership number turned into its id; null when it names no membership (nothing matches). */
  private async resolve(executor: Executor, filter: ChargeFilter): Promise<ResolvedChargeFilter | null> {
    const { membershipNumber, ...rest } = filter;
    if (!membershipNumber) return rest;
    const id = await this.repository.membershipIdOfNumber(executor, membershipNumber);
    if (!id || (rest.membershipId && rest.membershipId !== id)) return null;
    return { ...rest, membershipId: id };
  }

  /** A page of the filtered charges, newest first, and the totals of everything the filter matches. */
  async list(
    actor: Actor,
    query: ChargeFilterQuery & { before?: string | undefined; limit: number },
  ): Promise<{ data: ChargeView[]; totals: ChargeTotals }> {
    const filter = chargeFilterOf(query);
    return this.db.transaction(async (tx) => {
      const resolved = await this.resolve(tx, filter);
      const found = resolved
        ? await this.repository.listCharges(tx, { ...resolved, before: query.before, limit: query.limit })
        : [];
      const byStatus = resolved ? await this.repository.totals(tx, resolved) : [];
      await this.audit.record(tx, actor, {
        action: 'charge.list',
        recordType: 'charge',
        details: { ...auditedFilter(query), limit: query.limit, results: found.length },
      });
      return {
        data: await this.charges.present(tx, found),
        totals: {
          count: byStatus.reduce((n, s) => n + s.count, 0),
          amountCentavos: byStatus.reduce((n, s) => n + s.amountCentavos, 0),
          byStatus: byStatus
            .map((s) => ({ ...s, status: s.status as ChargeView['status'] }))
            .sort((a, b) => a.status.localeCompare(b.status)),
        },
      };
    });
  }

  /**
   * The filtered charges as CSV text, piece by piece: the header, then one batch at a time read by
   * keyset (newest first), so the answer starts at once and memory holds one batch. Refuses a bad
   * filter before anything is sent (the first piece is asked for only after this resolves).
   */
  async exportCsv(actor: Actor, query: ChargeFilterQuery): Promise<AsyncGenerator<string>> {
    const filter = chargeFilterOf(query);
    const db = await this.reads.reader();
    const resolved = await this.resolve(db, filter);
    await this.audit.recordRead(actor, {
      action: 'charge.export',
      recordType: 'charge',
      recordId: null,
      details: auditedFilter(query),
    });
    const { repository, exportBatch } = this;
    return (async function* () {
      yield CSV_BOM + csvLine(CSV_HEADERS);
      if (!resolved) return;
      let before: string | undefined;
      for (;;) {
        const batch = await repository.listCharges(db, { ...resolved, before, limit: exportBatch });
        if (batch.length === 0) return;
        const numbers = await repository.membershipNumbers(
          db,
          batch.map((c) => c.membershipId),
        );
        yield batch.map((c) => chargeCsvLine(c, numbers.get(c.membershipId) ?? '')).join('');
        if (batch.length < exportBatch) return;
        before = batch[batch.length - 1]?.id;
      }
    })();
  }
}
