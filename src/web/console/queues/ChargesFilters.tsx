import type { Static } from '@sinclair/typebox';
import { useState } from 'react';
import type { SetURLSearchParams } from 'react-router';
import type { ChargeTotals as TotalsSchema } from '../../../domains/billing/schemas.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { Field } from '../../ui/Field.tsx';
import { Money } from '../../ui/Money.tsx';

export type ChargeTotals = Static<typeof TotalsSchema>;

const STATUSES = ['failed', 'succeeded', 'pending', 'unknown'] as const;

/** The page's filter as the URL keeps it (Spanish names, so a shared link reads well). */
export interface ChargeFilterParams {
  estado: string;
  numero: string;
  periodo: string;
  desde: string;
  hasta: string;
  /** A membership's id (links from elsewhere); the form asks for the number instead. */
  membresia: string;
}

export function chargeFilterOf(params: URLSearchParams): ChargeFilterParams {
  return {
    estado: params.get('estado') ?? '',
    numero: params.get('numero') ?? '',
    periodo: params.get('periodo') ?? '',
    desde: params.get('desde') ?? '',
    hasta: params.get('hasta') ?? '',
    membresia: params.get('membresia') ?? '',
  };
}

/** The API's query for the filter: the list and its CSV take the same. */
export function chargeQueryOf(f: ChargeFilterParams): URLSearchParams {
  const query = new URLSearchParams();
  if (f.estado) query.set('status', f.estado);
  if (f.numero) query.set('membershipNumber', f.numero);
  if (f.periodo) query.set('period', f.periodo);
  if (f.desde) query.set('from', f.desde);
  if (f.hasta) query.set('to', f.hasta);
  if (f.membresia) query.set('membershipId', f.membresia);
  return query;
}

/**
 * Finance's filter of charges: status, membership number, period and days (Mexico City,
 * inclusive). Text fields apply on "Filtrar"; the status applies at once.
 */
export function ChargesFilters({
  filter,
  params,
  setParams,
  onApply,
}: {
  filter: ChargeFilterParams;
  params: URLSearchParams;
  setParams: SetURLSearchParams;
  onApply: () => void;
}) {
  const { t } = useStaffI18n();
  const [draft, setDraft] = useState(filter);
  const apply = (next: Partial<ChargeFilterParams>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) p.set(k, v.trim());
      else p.delete(k);
    }
    onApply();
    setParams(p, { replace: true });
  };
  const text = (key: keyof ChargeFilterParams) => ({
    value: draft[key],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value }),
  });
  return (
    <form
      className="queues-filters"
      aria-label={t('queues.filters')}
      onSubmit={(e) => {
        e.preventDefault();
        const { estado: _status, membresia: _id, ...rest } = draft;
        apply({ ...rest, numero: rest.numero.trim().toUpperCase() });
      }}
    >
      <div className="field">
        <label htmlFor="charges-status">{t('queues.charges.status')}</label>
        <select id="charges-status" value={filter.estado} onChange={(e) => apply({ estado: e.target.value })}>
          <option value="">{t('queues.charges.allStatuses')}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`queues.chargeStatus.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <Field label={t('queues.charges.number')} hint={t('queues.charges.numberHint')}>
        <input {...text('numero')} className="mono" autoComplete="off" />
      </Field>
      <Field label={t('queues.charges.from')} hint={t('queues.charges.daysHint')}>
        <input type="date" {...text('desde')} />
      </Field>
      <Field label={t('queues.charges.to')} hint={t('queues.charges.daysHint')}>
        <input type="date" {...text('hasta')} />
      </Field>
      <Field label={t('queues.charges.period')} hint={t('queues.charges.periodHint')}>
        <input {...text('periodo')} />
      </Field>
      <Button type="submit" variant="secondary">
        {t('queues.filter')}
      </Button>
    </form>
  );
}

/** What the filter matches: count and amount per status and overall, and its CSV. */
export function ChargesTotals({ totals, csvHref }: { totals: ChargeTotals; csvHref: string }) {
  const { t } = useStaffI18n();
  return (
    <section className="charges-totals" aria-labelledby="charges-totals-heading">
      <h2 id="charges-totals-heading">{t('queues.charges.totals')}</h2>
      <dl>
        <div>
          <dt>{t('queues.charges.totals.all')}</dt>
          <dd>
            {t('queues.charges.totals.count', { count: totals.count })} ·{' '}
            <Money centavos={totals.amountCentavos} />
          </dd>
        </div>
        {totals.byStatus.map((s) => (
          <div key={s.status}>
            <dt>{t(`queues.chargeStatus.${s.status}`)}</dt>
            <dd>
              {t('queues.charges.totals.count', { count: s.count })} · <Money centavos={s.amountCentavos} />
            </dd>
          </div>
        ))}
      </dl>
      <a className="button button-secondary" href={csvHref} download>
        {t('queues.charges.csv')}
      </a>
    </section>
  );
}
