import type { Database } from '../../db/client.ts';
import { CSV_BOM, csvLine, csvTime, dayRangeOf } from '../../lib/csv.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import { planVersionLabels, versionsOfPlan } from '../catalog/read-model.ts';
import type { MembershipExportRow, MembershipFilter, MembersRepository } from './repository.ts';

/** Finance's memberships export: the filter as the query says it. */
export interface MembershipExportQuery {
  state?: string | undefined;
  channel?: string | undefined;
  plan?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export const MEMBERSHIP_CSV_HEADERS = [
  'Membresía',
  'Estado',
  'Plan',
  'Versión del plan',
  'Canal',
  'Titular',
  'Correo',
  'Teléfono',
  'Fecha de contratación',
  'Fin de los meses gratis',
  'Fecha de cancelación',
  'Fin de la cobertura',
  'Id de la membresía',
] as const;

const STATES: Record<string, string> = {
  trial: 'Meses gratis',
  active: 'Activa',
  past_due: 'Pago pendiente',
  suspended: 'Suspendida',
  cancelled: 'Cancelada',
};
const CHANNELS: Record<string, string> = { online: 'En línea', phone: 'Teléfono', bank: 'Banco' };
/** What a row says in place of personal data blocked after an ARCO cancellation. */
export const BLOCKED = 'Datos bloqueados (ARCO)';

export function membershipCsvLine(
  m: MembershipExportRow,
  plan: { code: string; version: number } | undefined,
) {
  const blocked = m.personalDataBlockedAt !== null;
  return csvLine([
    m.number,
    STATES[m.state] ?? m.state,
    plan?.code ?? '',
    plan ? String(plan.version) : '',
    CHANNELS[m.channel] ?? m.channel,
    blocked ? BLOCKED : m.titularName,
    blocked ? BLOCKED : m.titularEmail,
    blocked ? BLOCKED : m.titularPhone,
    csvTime(m.contractedAt),
    csvTime(m.trialEndsAt),
    csvTime(m.cancelledAt),
    csvTime(m.coverageEndsAt),
    m.id,
  ]);
}

/**
 * Finance's memberships as CSV (docs/api.md, "Finance exports"), streamed a batch at a time by
 * keyset, newest first: the titular's name and contact (blocked ones withheld), never the card.
 * Audited: it is personal data.
 */
export class MembershipExport {
  constructor(
    private readonly db: Database,
    private readonly repository: MembersRepository,
    private readonly audit: AuditService,
    private readonly batch = 500,
  ) {}

  async exportCsv(actor: Actor, query: MembershipExportQuery): Promise<AsyncGenerator<string>> {
    const range = dayRangeOf(query);
    const filter: MembershipFilter = {
      state: query.state,
      channel: query.channel,
      from: range.from,
      before: range.before,
      ...(query.plan ? { planVersionIds: (await versionsOfPlan(this.db, query.plan)).map((v) => v.id) } : {}),
    };
    await this.audit.recordRead(actor, {
      action: 'membership.export',
      recordType: 'membership',
      recordId: null,
      details: Object.fromEntries(Object.entries(query).filter(([, v]) => typeof v === 'string')),
    });
    const { db, repository, batch } = this;
    return (async function* () {
      yield CSV_BOM + csvLine(MEMBERSHIP_CSV_HEADERS);
      let after: string | undefined;
      for (;;) {
        const page = await repository.exportPage(db, filter, after, batch);
        if (page.length === 0) return;
        const plans = await planVersionLabels(
          db,
          page.map((m) => m.planVersionId),
        );
        yield page.map((m) => membershipCsvLine(m, plans.get(m.planVersionId))).join('');
        if (page.length < batch) return;
        after = page[page.length - 1]?.id;
      }
    })();
  }
}
