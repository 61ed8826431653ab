import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router';
import { getJson } from '../../api.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { DataTable } from '../../ui/DataTable.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Field } from '../../ui/Field.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { type AuditEntry, mexicoCityInstant, useProblemText } from '../queues/data.ts';
import '../queues/queues.css';

/** The filters, as the address keeps them, and the API's names for them. */
const FILTERS = [
  { param: 'actor', api: 'actorId' },
  { param: 'accion', api: 'action' },
  { param: 'registro', api: 'recordType' },
  { param: 'id', api: 'recordId' },
  { param: 'desde', api: 'from' },
  { param: 'hasta', api: 'to' },
] as const;
type FilterParam = (typeof FILTERS)[number]['param'];
const PAGE = 50;

/** `/console/auditoria`: who read or changed what, newest first, filtered and paged. */
export default function AuditPage() {
  const { t, lang } = useStaffI18n();
  const problemText = useProblemText();
  const [params, setParams] = useSearchParams();
  const [draft, setDraft] = useState<Record<FilterParam, string>>(
    () =>
      Object.fromEntries(FILTERS.map((f) => [f.param, params.get(f.param) ?? ''])) as Record<
        FilterParam,
        string
      >,
  );
  const [cursors, setCursors] = useState<string[]>([]);
  const query = new URLSearchParams({ limit: String(PAGE) });
  for (const f of FILTERS) {
    const value = params.get(f.param);
    if (!value) continue;
    const sent = f.api === 'from' || f.api === 'to' ? mexicoCityInstant(value) : value.trim();
    if (sent) query.set(f.api, sent);
  }
  const cursor = cursors.at(-1);
  if (cursor) query.set('before', cursor);
  const log = useQuery({
    queryKey: ['queues', 'audit', query.toString()],
    queryFn: () => getJson<{ data: AuditEntry[]; nextBefore: string | null }>(`/v1/audit?${query}`, lang),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const f of FILTERS) if (draft[f.param].trim()) next.set(f.param, draft[f.param].trim());
    setCursors([]);
    setParams(next, { replace: true });
  };
  const input = (param: FilterParam, type = 'text') => (
    <input
      type={type}
      value={draft[param]}
      onChange={(e) => setDraft({ ...draft, [param]: e.target.value })}
      className={param === 'actor' || param === 'id' ? 'mono' : undefined}
    />
  );
  const rows = log.data?.data ?? [];

  return (
    <section aria-labelledby="page-heading" className="queues-page">
      <div className="queues-head">
        <h1 id="page-heading">{t('staff.nav.audit')}</h1>
      </div>
      <form className="queues-filters" aria-label={t('queues.filters')} onSubmit={submit}>
        <Field label={t('queues.audit.actor')} hint={t('queues.audit.actorHint')}>
          {input('actor')}
        </Field>
        <Field label={t('queues.audit.action')} hint={t('queues.audit.actionHint')}>
          {input('accion')}
        </Field>
        <Field label={t('queues.audit.recordType')} hint={t('queues.audit.recordTypeHint')}>
          {input('registro')}
        </Field>
        <Field label={t('queues.audit.recordId')}>{input('id')}</Field>
        <Field label={t('queues.audit.from')}>{input('desde', 'datetime-local')}</Field>
        <Field label={t('queues.audit.to')}>{input('hasta', 'datetime-local')}</Field>
        <Button type="submit" variant="secondary">
          {t('queues.filter')}
        </Button>
      </form>
      <QueryView
        query={log}
        loading={t('staff.loading')}
        errorTitle={t('staff.error.title')}
        errorDetail={(error) => problemText(error)}
        isEmpty={() => rows.length === 0}
        empty={<EmptyState title={t('queues.audit.empty')} />}
      >
        {() => (
          <div className="queues-scroll">
            <DataTable
              caption={t('queues.audit.caption', { count: rows.length })}
              rows={rows}
              rowKey={(e) => e.id}
              columns={[
                {
                  header: t('queues.audit.at'),
                  cell: (e) => <DateTime value={e.at} />,
                },
                {
                  header: t('queues.audit.actor'),
                  cell: (e) => (
                    <>
                      {e.actorRole
                        ? t('queues.audit.actorRole', { type: e.actorType, role: e.actorRole })
                        : e.actorType}
                      {e.actorId && <span className="queues-target mono">{e.actorId}</span>}
                    </>
                  ),
                },
                { header: t('queues.audit.action'), cell: (e) => e.action, className: 'mono' },
                {
                  header: t('queues.audit.record'),
                  cell: (e) => (
                    <>
                      {e.recordType}
                      {e.recordId && <span className="queues-target mono">{e.recordId}</span>}
                    </>
                  ),
                },
                {
                  header: t('queues.audit.request'),
                  cell: (e) => (
                    <>
                      {e.requestId && <span className="mono">{e.requestId}</span>}
                      {e.ip && <span className="queues-target mono">{e.ip}</span>}
                    </>
                  ),
                },
              ]}
            />
          </div>
        )}
      </QueryView>
      <nav className="queues-pager" aria-label={t('queues.pages')}>
        {cursors.length > 0 && (
          <Button variant="secondary" onClick={() => setCursors(cursors.slice(0, -1))}>
            {t('queues.newer')}
          </Button>
        )}
        {log.data?.nextBefore && (
          <Button variant="secondary" onClick={() => setCursors([...cursors, log.data.nextBefore as string])}>
            {t('queues.older')}
          </Button>
        )}
      </nav>
    </section>
  );
}
