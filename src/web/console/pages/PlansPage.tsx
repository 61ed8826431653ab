import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { ServiceRules } from '../../../domains/catalog/rules.ts';
import { ApiProblem, api, getJson, newIdempotencyKey } from '../../api.ts';
import { formatMoney } from '../../i18n/format.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { DataTable } from '../../ui/DataTable.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { Money } from '../../ui/Money.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { Toast } from '../../ui/Toast.tsx';
import type { AdminPlan, AdminPlanVersion, Published } from '../supervision/types.ts';
import '../supervision/supervision.css';

const KEY_WORDS: Record<string, { es: string; en: string }> = {
  specialty: { es: 'especialidad', en: 'specialty' },
};

/** `/console/admin/planes`: every plan's versions, and publishing the next one (admins). */
export default function PlansPage() {
  const { t, lang } = useStaffI18n();
  const plans = useQuery({
    queryKey: ['admin', 'plans', lang],
    queryFn: () => getJson<{ data: AdminPlan[] }>('/v1/admin/plans', lang),
  });
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <section aria-labelledby="page-heading">
      <header className="plans-head">
        <div>
          <h1 id="page-heading">{t('admin.plans.title')}</h1>
          <p>{t('admin.plans.intro')}</p>
        </div>
      </header>
      <QueryView
        query={plans}
        loading={t('staff.loading')}
        errorTitle={t('admin.plans.error')}
        errorDetail={(error) =>
          error instanceof ApiProblem && error.detail ? error.detail : (error as Error).message
        }
        isEmpty={(data) => data.data.length === 0}
        empty={<EmptyState title={t('admin.plans.empty')} />}
      >
        {(data) =>
          data.data.map((plan) => (
            <PlanSection
              key={plan.code}
              plan={plan}
              editing={editing === plan.code}
              onEdit={() => setEditing(plan.code)}
              onClose={() => setEditing(null)}
              onPublished={(published) => {
                setEditing(null);
                setNotice(t('admin.plans.published', { version: published.published, plan: plan.name }));
              }}
            />
          ))
        }
      </QueryView>
      <Toast message={notice} onDismiss={() => setNotice(null)} closeLabel={t('admin.plans.close')} />
    </section>
  );
}

function statusOf(v: AdminPlanVersion): 'current' | 'scheduled' | 'previous' {
  return v.current ? 'current' : v.scheduled ? 'scheduled' : 'previous';
}

function PlanSection({
  plan,
  editing,
  onEdit,
  onClose,
  onPublished,
}: {
  plan: AdminPlan;
  editing: boolean;
  onEdit: () => void;
  onClose: () => void;
  onPublished: (published: Published) => void;
}) {
  const { t, lang } = useStaffI18n();
  const current = plan.versions.find((v) => v.current) ?? plan.versions[0];
  const headingId = `plan-${plan.code}`;
  return (
    <section className="plans-plan" aria-labelledby={headingId} data-plan={plan.code}>
      <h2 id={headingId}>
        {plan.name} <span className="mono">{plan.code}</span>
      </h2>
      <div className="plans-table-wrap">
        <table className="staff-table">
          <caption className="visually-hidden">{t('admin.plans.versions', { plan: plan.name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.plans.version')}</th>
              <th scope="col">{t('admin.plans.status')}</th>
              <th scope="col">{t('admin.plans.effectiveFrom')}</th>
              <th scope="col">{t('admin.plans.price')}</th>
              <th scope="col">{t('admin.plans.services')}</th>
              <th scope="col">{t('admin.plans.memberships')}</th>
              <th scope="col">{t('admin.plans.source')}</th>
            </tr>
          </thead>
          <tbody>
            {plan.versions.map((v) => (
              <tr key={v.version} data-version={v.version}>
                <th scope="row" className="mono">
                  v{v.version}
                </th>
                <td>
                  <StatusBadge tone={v.current ? 'good' : v.scheduled ? 'pending' : 'neutral'}>
                    {t(`admin.plans.${statusOf(v)}`)}
                  </StatusBadge>
                </td>
                <td>
                  <DateTime value={v.effectiveFrom} />
                </td>
                <td>
                  <Money centavos={v.price.totalCentavos} ivaIncluded />
                  <span className="plans-split">
                    {t('admin.plans.priceSplit', {
                      base: formatMoney(v.price.baseCentavos),
                      iva: formatMoney(v.price.ivaCentavos),
                    })}
                  </span>
                </td>
                <td>{v.services.length}</td>
                <td>
                  {t('admin.plans.membershipsCount', {
                    current: v.memberships.current,
                    total: v.memberships.total,
                  })}
                </td>
                <td>{v.illustrative ? t('admin.plans.illustrative') : t('admin.plans.fromTerms')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {current && (
        <>
          <h3>{t('admin.plans.servicesOf', { version: current.version })}</h3>
          <div className="plans-table-wrap">
            <DataTable
              rows={current.services}
              rowKey={(s) => s.code}
              columns={[
                { header: t('admin.plans.service'), cell: (s) => s.name[lang], rowHeader: true },
                { header: t('admin.plans.rules'), cell: (s) => s.summary[lang] },
                {
                  header: t('admin.plans.source'),
                  cell: (s) => (s.illustrative ? t('admin.plans.illustrative') : t('admin.plans.fromTerms')),
                },
              ]}
            />
          </div>
          {editing ? (
            <PublishForm plan={plan} from={current} onClose={onClose} onPublished={onPublished} />
          ) : (
            <p>
              <Button variant="secondary" onClick={onEdit}>
                {t('admin.plans.publish')}
              </Button>
            </p>
          )}
        </>
      )}
    </section>
  );
}

type LimitKind = ServiceRules['limit']['kind'];

interface ServiceDraft {
  service: string;
  name: string;
  rules: ServiceRules;
  illustrative: boolean;
  limitKind: LimitKind;
  count: string;
  perKey: string;
  key: string;
  /** Pesos, for services covered up to a cap. */
  cap: string;
}

function draftOf(v: AdminPlanVersion, lang: 'es' | 'en'): ServiceDraft[] {
  return v.services.map((s) => {
    const limit = s.rules.limit;
    return {
      service: s.code,
      name: s.name[lang],
      rules: s.rules,
      illustrative: s.illustrative,
      limitKind: limit.kind,
      count: limit.kind === 'unlimited' ? '1' : String(limit.count),
      perKey: limit.kind === 'per_year_per_key' ? String(limit.perKey) : '1',
      key: limit.kind === 'per_year_per_key' ? limit.key : 'specialty',
      cap: s.rules.perEvent.kind === 'amount_cap' ? (s.rules.perEvent.capCentavos / 100).toFixed(2) : '',
    };
  });
}

const toCentavos = (pesos: string) => {
  const clean = pesos.replace(/[$,\s]/g, '');
  return /^\d+(\.\d{1,2})?$/.test(clean) ? Math.round(Number(clean) * 100) : null;
};

function rulesOf(d: ServiceDraft): ServiceRules {
  const limit: ServiceRules['limit'] =
    d.limitKind === 'unlimited'
      ? { kind: 'unlimited' }
      : d.limitKind === 'per_year'
        ? { kind: 'per_year', count: Number(d.count) }
        : { kind: 'per_year_per_key', count: Number(d.count), perKey: Number(d.perKey), key: d.key };
  const perEvent =
    d.rules.perEvent.kind === 'amount_cap'
      ? { ...d.rules.perEvent, capCentavos: toCentavos(d.cap) ?? Number.NaN }
      : d.rules.perEvent;
  return { limit, perEvent, territory: d.rules.territory };
}

function PublishForm({
  plan,
  from,
  onClose,
  onPublished,
}: {
  plan: AdminPlan;
  from: AdminPlanVersion;
  onClose: () => void;
  onPublished: (published: Published) => void;
}) {
  const { t, tc, lang } = useStaffI18n();
  const queryClient = useQueryClient();
  const [price, setPrice] = useState((from.price.totalCentavos / 100).toFixed(2));
  const [trial, setTrial] = useState(String(from.onlineTrialMonths));
  const [effectiveFrom, setEffectiveFrom] = useState('');
  const [illustrative, setIllustrative] = useState(from.illustrative);
  const [services, setServices] = useState(() => draftOf(from, lang));
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [priceError, setPriceError] = useState<string | undefined>();
  const [sending, setSending] = useState(false);
  const [key] = useState(newIdempotencyKey);
  const headingId = `publish-${plan.code}`;

  const update = (i: number, change: Partial<ServiceDraft>) =>
    setServices((list) => list.map((d, j) => (j === i ? { ...d, ...change } : d)));
  /** The API's words about a service's row (any of its fields). */
  const rowError = (i: number, part: string) =>
    problem?.fields.find((f) => f.field.startsWith(`body/services/${i}/${part}`))?.message;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    const centavos = toCentavos(price);
    if (centavos === null) {
      setPriceError(t('admin.plans.form.priceInvalid'));
      return;
    }
    setPriceError(undefined);
    setSending(true);
    try {
      const published = await api<Published>('POST', `/v1/admin/plans/${plan.code}/versions`, {
        lang,
        idempotencyKey: key,
        body: {
          priceTotalCentavos: centavos,
          onlineTrialMonths: Number(trial),
          illustrative,
          // The form's wall-clock time is Mexico City's, which keeps UTC−6 all year.
          ...(effectiveFrom ? { effectiveFrom: `${effectiveFrom}:00-06:00` } : {}),
          summary: from.summary,
          services: services.map((d) => ({
            service: d.service,
            rules: rulesOf(d),
            illustrative: d.illustrative,
          })),
        },
      });
      await queryClient.invalidateQueries({ queryKey: ['admin', 'plans'] });
      onPublished(published);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
      setSending(false);
    }
  }

  const formMessage = problem ? (problem.detail ?? tc('state.error.network')) : undefined;
  return (
    <form className="plans-form" onSubmit={submit} aria-labelledby={headingId} noValidate>
      <h3 id={headingId}>{t('admin.plans.publishOf', { plan: plan.name })}</h3>
      <p>{t('admin.plans.publishIntro', { version: from.version })}</p>
      <FormError message={formMessage} />
      <div className="plans-form-row">
        <Field
          label={t('admin.plans.form.price')}
          hint={t('admin.plans.form.priceHint')}
          error={priceError ?? problem?.fieldMessage('priceTotalCentavos')}
        >
          <input inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />
        </Field>
        <Field label={t('admin.plans.form.trial')} error={problem?.fieldMessage('onlineTrialMonths')}>
          <input type="number" min={0} max={12} value={trial} onChange={(e) => setTrial(e.target.value)} />
        </Field>
        <Field
          label={t('admin.plans.form.effectiveFrom')}
          hint={t('admin.plans.form.effectiveHint')}
          error={problem?.fieldMessage('effectiveFrom')}
        >
          <input
            type="datetime-local"
            value={effectiveFrom}
            onChange={(e) => setEffectiveFrom(e.target.value)}
          />
        </Field>
      </div>
      <label className="plans-check">
        <input type="checkbox" checked={illustrative} onChange={(e) => setIllustrative(e.target.checked)} />
        {t('admin.plans.form.illustrative')}
      </label>
      <div className="plans-table-wrap">
        <table className="staff-table">
          <thead>
            <tr>
              <th scope="col">{t('admin.plans.service')}</th>
              <th scope="col">{t('admin.plans.rules')}</th>
              <th scope="col">{t('admin.plans.form.perYear')}</th>
              <th scope="col">{t('admin.plans.form.capColumn')}</th>
            </tr>
          </thead>
          <tbody>
            {services.map((d, i) => {
              const keyWord = KEY_WORDS[d.key]?.[lang] ?? d.key;
              return (
                <tr key={d.service}>
                  <th scope="row">
                    {d.name}
                    {rowError(i, 'service') && <span className="field-error">{rowError(i, 'service')}</span>}
                  </th>
                  <td>
                    <Field
                      label={t('admin.plans.form.limitKind', { service: d.name })}
                      error={rowError(i, 'rules/limit')}
                    >
                      <select
                        value={d.limitKind}
                        onChange={(e) => update(i, { limitKind: e.target.value as LimitKind })}
                      >
                        <option value="unlimited">{t('admin.plans.form.unlimited')}</option>
                        <option value="per_year">{t('admin.plans.form.perYear')}</option>
                        <option value="per_year_per_key">
                          {t('admin.plans.form.perYearPerKey', { key: keyWord })}
                        </option>
                      </select>
                    </Field>
                  </td>
                  <td>
                    {d.limitKind !== 'unlimited' && (
                      <Field label={t('admin.plans.form.count', { service: d.name })}>
                        <input
                          type="number"
                          min={1}
                          value={d.count}
                          onChange={(e) => update(i, { count: e.target.value })}
                        />
                      </Field>
                    )}
                    {d.limitKind === 'per_year_per_key' && (
                      <Field label={t('admin.plans.form.perKey', { key: keyWord, service: d.name })}>
                        <input
                          type="number"
                          min={1}
                          value={d.perKey}
                          onChange={(e) => update(i, { perKey: e.target.value })}
                        />
                      </Field>
                    )}
                  </td>
                  <td>
                    {d.rules.perEvent.kind === 'amount_cap' && (
                      <Field
                        label={t('admin.plans.form.cap', { service: d.name })}
                        error={rowError(i, 'rules/perEvent')}
                      >
                        <input
                          inputMode="decimal"
                          value={d.cap}
                          onChange={(e) => update(i, { cap: e.target.value })}
                        />
                      </Field>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="plans-form-actions">
        <Button type="submit" disabled={sending}>
          {sending ? t('admin.plans.form.sending') : t('admin.plans.form.submit')}
        </Button>
        <Button variant="secondary" onClick={onClose}>
          {t('admin.plans.form.cancel')}
        </Button>
      </div>
    </form>
  );
}
