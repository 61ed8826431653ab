import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { ArcoRequestViewType } from '../../../domains/arco/schemas.ts';
import { api, getJson } from '../../api.ts';
import { formatDate } from '../../i18n/format.ts';
import { useSession } from '../../session.tsx';
import { type StaffTranslate, useStaffI18n } from '../../staff/i18n.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Field } from '../../ui/Field.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge, type Tone } from '../../ui/StatusBadge.tsx';
import { Toast } from '../../ui/Toast.tsx';
import { mayOpen } from '../nav.ts';
import { ActionDialog, fieldError } from '../queues/ActionDialog.tsx';
import { useProblemText } from '../queues/data.ts';
import '../queues/queues.css';

type ArcoRequest = ArcoRequestViewType;
const TONES: Record<ArcoRequest['status'], Tone> = {
  received: 'pending',
  accepted: 'good',
  refused: 'alert',
};
const FILTERS = ['pending', 'overdue', 'all'] as const;
type Filter = (typeof FILTERS)[number];
const QUERY: Record<Filter, string> = { pending: '?status=received', overdue: '?overdue=true', all: '' };
const FILTER_WORDS = {
  pending: 'arcoDesk.queue.pending',
  overdue: 'arcoDesk.queue.overdueOnly',
  all: 'arcoDesk.queue.all',
} as const;

/** The business-day clock of an unanswered request, in words. */
function clockWords(t: StaffTranslate, left: number): string {
  if (left === 0) return t('arcoDesk.queue.left.zero');
  if (left === 1) return t('arcoDesk.queue.left.one');
  if (left > 1) return t('arcoDesk.queue.left.other', { count: left });
  if (left === -1) return t('arcoDesk.queue.late.one');
  return t('arcoDesk.queue.late.other', { count: -left });
}

/** What the request asks beyond its right: the correction, or the purpose opposed. */
function asks(t: StaffTranslate, r: ArcoRequest): string | null {
  if (r.type === 'rectification' && r.field)
    return t('arcoDesk.answer.correction', {
      field: t(`arcoDesk.field.${r.field}`),
      value: r.correction ?? '',
    });
  if (r.type === 'opposition' && r.purpose)
    return t('arcoDesk.answer.purpose', { purpose: t(`arcoDesk.purpose.${r.purpose}`) });
  return null;
}

/** `/console/derechos-arco`: the ARCO requests by deadline, with the business-day clock; answer one. */
export default function ArcoQueuePage() {
  const { t, lang } = useStaffI18n();
  const { user } = useSession();
  const problemText = useProblemText();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const filter = (FILTERS as readonly string[]).includes(params.get('ver') ?? '')
    ? (params.get('ver') as Filter)
    : 'pending';
  const list = useQuery({
    queryKey: ['queues', 'arco', filter],
    queryFn: () => getJson<{ data: ArcoRequest[] }>(`/v1/arco-requests${QUERY[filter]}`, lang),
  });
  const [answering, setAnswering] = useState<ArcoRequest | null>(null);
  const [decision, setDecision] = useState<'accepted' | 'refused'>('accepted');
  const [reason, setReason] = useState('');
  const [toast, setToast] = useState<string | null>(null);
  const rows = list.data?.data ?? [];
  const membersOpen = mayOpen(user?.role ?? '', 'miembros');

  async function answer() {
    if (!answering) return;
    await api('POST', `/v1/arco-requests/${answering.id}/answer`, { lang, body: { decision, reason } });
    setToast(t('arcoDesk.answer.done', { number: answering.number }));
    await queryClient.invalidateQueries({ queryKey: ['queues', 'arco'] });
  }

  return (
    <section aria-labelledby="page-heading" className="queues-page">
      <div className="queues-head">
        <h1 id="page-heading">{t('staff.nav.arco')}</h1>
      </div>
      <form className="queues-filters" aria-label={t('queues.filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="arco-filter">{t('arcoDesk.queue.status')}</label>
          <select
            id="arco-filter"
            value={filter}
            onChange={(e) => {
              const next = new URLSearchParams(params);
              next.set('ver', e.target.value);
              setParams(next, { replace: true });
            }}
          >
            {FILTERS.map((f) => (
              <option key={f} value={f}>
                {t(FILTER_WORDS[f])}
              </option>
            ))}
          </select>
        </div>
      </form>
      <QueryView
        query={list}
        loading={t('staff.loading')}
        errorTitle={t('staff.error.title')}
        errorDetail={(error) => problemText(error)}
        isEmpty={() => rows.length === 0}
        empty={<EmptyState title={t('arcoDesk.queue.empty')} />}
      >
        {() => (
          <div className="queues-scroll">
            <DataTable
              caption={
                rows.length === 1
                  ? t('arcoDesk.queue.caption.one')
                  : t('arcoDesk.queue.caption.other', { count: rows.length })
              }
              rows={rows}
              rowKey={(r) => r.id}
              rowClassName={(r) => (r.overdue ? 'is-late' : undefined)}
              testId="arco-queue"
              columns={[
                { header: t('arcoDesk.queue.number'), cell: (r) => r.number, className: 'mono' },
                {
                  header: t('arcoDesk.queue.type'),
                  cell: (r) => (
                    <>
                      {t(`arcoDesk.type.${r.type}`)}
                      {asks(t, r) && <div className="muted">{asks(t, r)}</div>}
                    </>
                  ),
                },
                { header: t('arcoDesk.queue.person'), cell: (r) => r.requesterName ?? '' },
                {
                  header: t('arcoDesk.queue.member'),
                  cell: (r) =>
                    membersOpen ? (
                      <Link className="mono" to={`/console/miembros/${r.membershipId}`}>
                        {r.membershipNumber}
                      </Link>
                    ) : (
                      <span className="mono">{r.membershipNumber}</span>
                    ),
                },
                { header: t('arcoDesk.queue.received'), cell: (r) => <DateTime value={r.receivedAt} /> },
                {
                  header: t('arcoDesk.queue.due'),
                  cell: (r) => (
                    <>
                      {formatDate(r.dueDate, lang)}
                      {r.businessDaysLeft !== null && (
                        <div className={r.overdue ? 'queues-late' : 'muted'} data-testid="arco-clock">
                          {clockWords(t, r.businessDaysLeft)}
                        </div>
                      )}
                    </>
                  ),
                },
                {
                  header: t('arcoDesk.queue.status'),
                  cell: (r) => (
                    <StatusBadge tone={TONES[r.status]}>{t(`arcoDesk.status.${r.status}`)}</StatusBadge>
                  ),
                },
                {
                  header: t('arcoDesk.queue.answerCol'),
                  cell: (r) =>
                    r.status === 'received' ? (
                      <button
                        type="button"
                        className="button button-secondary"
                        aria-label={t('arcoDesk.queue.open.aria', { number: r.number })}
                        onClick={() => {
                          setDecision('accepted');
                          setReason('');
                          setAnswering(r);
                        }}
                      >
                        {t('arcoDesk.queue.open')}
                      </button>
                    ) : r.deliveryReady ? (
                      <a href={`/v1/arco-requests/${r.id}/delivery?format=html`} download>
                        {t('arcoDesk.queue.download')}
                      </a>
                    ) : (
                      <span className="muted">{r.answer}</span>
                    ),
                },
              ]}
            />
          </div>
        )}
      </QueryView>
      {answering && (
        <ActionDialog
          open
          title={t('arcoDesk.answer.title', { number: answering.number })}
          submitLabel={t('arcoDesk.answer.submit')}
          onClose={() => setAnswering(null)}
          onSubmit={answer}
          intro={
            <>
              <p>
                <strong>{t('arcoDesk.answer.asks')}:</strong> {t(`arcoDesk.type.${answering.type}`)}
                {asks(t, answering) && ` — ${asks(t, answering)}`}
              </p>
              <p className="queues-quote">{answering.details}</p>
              <p className="muted">{t(`arcoDesk.answer.effect.${answering.type}`)}</p>
            </>
          }
        >
          {(problem) => (
            <>
              <fieldset className="field">
                <legend>{t('arcoDesk.answer.decision')}</legend>
                {(['accepted', 'refused'] as const).map((d) => (
                  <label key={d}>
                    <input
                      type="radio"
                      name="arco-decision"
                      value={d}
                      checked={decision === d}
                      onChange={() => setDecision(d)}
                    />{' '}
                    {t(`arcoDesk.answer.${d}`)}
                  </label>
                ))}
              </fieldset>
              <Field
                label={t('arcoDesk.answer.reason')}
                hint={t('arcoDesk.answer.reasonHint')}
                error={fieldError(problem, 'reason')}
              >
                <textarea value={reason} onChange={(e) => setReason(e.target.value)} />
              </Field>
            </>
          )}
        </ActionDialog>
      )}
      <Toast message={toast} onDismiss={() => setToast(null)} closeLabel={t('queues.close')} />
    </section>
  );
}
