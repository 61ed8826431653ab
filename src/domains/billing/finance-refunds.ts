import type { Database } from '../../db/client.ts';
import { primaryReads, type ReadSource } from '../../db/read-replica.ts';
import { CSV_BOM, csvLine, csvTime, dayRangeOf, pesos } from '../../lib/csv.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import { auditedFilter } from './charge-filter.ts';
import type { ChargesRepository } from './charges-repository.ts';
import type { RefundExportRow, RefundFilter, RefundsRepository } from './refunds-repository.ts';

/** Finance's refunds export: the filter as the query says it. */
export interface RefundExportQuery {
  status?: string | undefined;
  membershipNumber?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export const REFUND_CSV_HEADERS = [
  'Id del reembolso',
  'Membresía',
  'Folio de recibo',
  'Periodo',
  'Importe (MXN)',
  'Estado',
  'Motivo',
  'Motivo de la falla',
  'Solicitado por',
  'Fecha de solicitud',
  'Fecha de conclusión',
  'Id del cobro',
] as const;

const STATUS: Record<string, string> = { pending: 'En proceso', succeeded: 'Reembolsado', failed: 'Fallido' };
const REQUESTERS: Record<string, string> = {
  user: 'Personal',
  api_key: 'Socio (API)',
  customer: 'Cliente',
  system: 'Sistema',
};

export function refundCsvLine(r: RefundExportRow, membershipNumber: string): string {
  return csvLine([
    r.id,
    membershipNumber,
    r.receiptFolio ?? '',
    r.periodKey,
    pesos(r.amountCentavos),
    STATUS[r.status] ?? r.status,
    r.reason,
    r.failureReason ?? '',
    REQUESTERS[r.requestedByType] ?? r.requestedByType,
    csvTime(r.createdAt),
    csvTime(r.completedAt),
    r.chargeId,
  ]);
}

/**
 * Finance's refunds as CSV (docs/api.md, "Finance exports"), streamed a batch at a time by keyset,
 * newest first, so memory holds one batch whatever the filter matches. Audited: it names members.
 */
export class FinanceRefunds {
  constructor(
    private readonly db: Database,
    private readonly repository: RefundsRepository,
    private readonly charges: ChargesRepository,
    private readonly audit: AuditService,
    private readonly batch: number,
    /** The replica when there is one: an export reads many rows. */
    private readonly reads: ReadSource = primaryReads(db),
  ) {}

  async exportCsv(actor: Actor, query: RefundExportQuery): Promise<AsyncGenerator<string>> {
    const range = dayRangeOf(query);
    const db = await this.reads.reader();
    let filter: RefundFilter | null = { status: query.status, from: range.from, before: range.before };
    if (query.membershipNumber) {
      const id = await this.charges.membershipIdOfNumber(db, query.membershipNumber.toUpperCase());
      filter = id ? { ...filter, membershipId: id } : null;
    }
    await this.audit.recordRead(actor, {
      action: 'refund.export',
      recordType: 'refund',
      recordId: null,
      details: auditedFilter(query),
    });
    const { repository, charges, batch } = this;
    return (async function* () {
      yield CSV_BOM + csvLine(REFUND_CSV_HEADERS);
      if (!filter) return;
      let after: string | undefined;
      for (;;) {
        const page = await repository.exportPage(db, filter, after, batch);
        if (page.length === 0) return;
        const numbers = await charges.membershipNumbers(
          db,
          page.map((r) => r.membershipId),
        );
        yield page.map((r) => refundCsvLine(r, numbers.get(r.membershipId) ?? '')).join('');
        if (page.length < batch) return;
        after = page[page.length - 1]?.id;
      }
    })();
  }
}
