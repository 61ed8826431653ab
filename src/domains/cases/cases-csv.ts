import type { Database } from '../../db/client.ts';
import { CSV_BOM, csvLine, csvTime, dayRangeOf, pesos } from '../../lib/csv.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import { blockedMemberships, membershipNumbers } from '../members/read-model.ts';
import type { CaseKernel } from './kernel.ts';
import { type CaseState, STATE_LABELS } from './lifecycle.ts';
import type { CaseRow } from './repository.ts';

/** The cases export's filter as the query says it (the list's, with days instead of `overdue`). */
export interface CaseExportQuery {
  state?: CaseState[] | undefined;
  membershipId?: string | undefined;
  fulfilment?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export const CASE_CSV_HEADERS = [
  'Número de caso',
  'Membresía',
  'Servicio',
  'Tipo de atención',
  'Estado',
  'Canal',
  'Persona atendida',
  'Entidad',
  'Fecha de solicitud',
  'Despachado',
  'En el lugar',
  'Concluido',
  'Cerrado',
  'Motivo de cierre',
  'Costo final (MXN)',
  'Excedente (MXN)',
  'Reembolso aprobado (MXN)',
  'Id del caso',
] as const;

const FULFILMENTS: Record<string, string> = {
  dispatch: 'Proveedor en el lugar',
  appointment: 'Cita',
  remote: 'Orientación a distancia',
  reimbursement: 'Reembolso',
};
const CHANNELS: Record<string, string> = { phone: 'Teléfono', online: 'En línea', bank: 'Banco' };
const BLOCKED = 'Datos bloqueados (ARCO)';

const money = (centavos: number | null) => (centavos === null ? '' : pesos(centavos));

export function caseCsvLine(c: CaseRow, membershipNumber: string, blocked: boolean): string {
  return csvLine([
    c.number,
    membershipNumber,
    c.serviceCode,
    FULFILMENTS[c.fulfilment] ?? c.fulfilment,
    STATE_LABELS[c.state as CaseState]?.es ?? c.state,
    CHANNELS[c.channel] ?? c.channel,
    blocked ? BLOCKED : c.personName,
    c.stateCode ?? '',
    csvTime(c.requestedAt),
    csvTime(c.dispatchedAt),
    csvTime(c.onSiteAt),
    csvTime(c.completedAt),
    csvTime(c.closedAt),
    c.closeReason ?? '',
    money(c.finalCostCentavos),
    money(c.excessCentavos),
    money(c.approvedCentavos),
    c.id,
  ]);
}

/**
 * Cases as CSV for supervisors and finance (docs/api.md, "Finance exports"), streamed a batch at a
 * time by keyset, newest first: no address, no coordinates, no notes; the person's name withheld
 * where the membership's personal data is blocked. Finance sees only reimbursement claims, as in
 * the list. Audited: it names members.
 */
export class CaseExport {
  constructor(
    private readonly db: Database,
    private readonly kernel: CaseKernel,
    private readonly audit: AuditService,
    private readonly batch = 500,
  ) {}

  async exportCsv(
    actor: Actor,
    query: CaseExportQuery,
    financeReads: string,
  ): Promise<AsyncGenerator<string>> {
    const range = dayRangeOf(query);
    const p = actor.principal;
    const filter = {
      states: query.state,
      fulfilment: p?.kind === 'user' && p.role === 'finance' ? financeReads : query.fulfilment,
      membershipIds: query.membershipId ? [query.membershipId] : undefined,
      requestedFrom: range.from,
      requestedBefore: range.before,
      limit: this.batch,
    };
    await this.audit.recordRead(actor, {
      action: 'case.export',
      recordType: 'case',
      recordId: null,
      details: Object.fromEntries(
        Object.entries(query)
          .map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])
          .filter(([, v]) => v),
      ),
    });
    const { db, kernel, batch } = this;
    return (async function* () {
      yield CSV_BOM + csvLine(CASE_CSV_HEADERS);
      let after: string | undefined;
      for (;;) {
        const page = await kernel.exportPage(db, filter, after);
        if (page.length === 0) return;
        const ids = page.map((c) => c.membershipId);
        const numbers = await membershipNumbers(db, ids);
        const blocked = await blockedMemberships(db, ids);
        yield page
          .map((c) => caseCsvLine(c, numbers.get(c.membershipId) ?? '', blocked.has(c.membershipId)))
          .join('');
        if (page.length < batch) return;
        after = page[page.length - 1]?.id;
      }
    })();
  }
}
