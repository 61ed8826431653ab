import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, getJson } from '../../api.ts';
import { useSession } from '../../session.tsx';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { DataTable } from '../../ui/DataTable.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Field } from '../../ui/Field.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge, type Tone } from '../../ui/StatusBadge.tsx';
import { Toast } from '../../ui/Toast.tsx';
import { ActionDialog, fieldError } from '../queues/ActionDialog.tsx';
import { type Complaint, type ComplaintList, useProblemText } from '../queues/data.ts';
import '../queues/queues.css';

const QUEUE_STATUSES = ['open', 'in_progress', 'escalated'] as const;
const TONES: Record<string, Tone> = {
  open: 'pending',
  in_progress: 'pending',
  escalated: 'alert',
  resolved: 'good',
};

type Action = 'take' | 'note' | 'resolve' | 'escalate';
/** Each action's path, body field and the catalogue's words for its dialog. */
const ACTIONS = {
  take: { path: 'take', field: null },
  note: { path: 'notes', field: 'note' },
  resolve: { path: 'resolve', field: 'resolution' },
  escalate: { path: 'escalate', field: 'note' },
} as const;

/** `/console/quejas`: the complaints still being worked, due dates first; take, note, resolve, escalate. */
export default function ComplaintsPage() {
  const { t, lang } = useStaffI18n();
  const { user } = useSession();
  const problemText = useProblemText();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const status = params.get('estado') ?? '';
  const statuses = status ? [status] : [...QUEUE_STATUSES];
  const list = useQuery({
    queryKey: ['queues', 'complaints', statuses.join(',')],
    queryFn: () =>
      getJson<ComplaintList>(
        `/v1/complaints?${statuses.map((s) => `status=${s}`).join('&')}&limit=200`,
        lang,
      ),
  });
  const [acting, setActing] = useState<{ action: Action; complaint: Complaint } | null>(null);
  const [text, setText] = useState('');
  const [toast, setToast] = useState<string | null>(null);
  const mayWork = user?.role === 'agent' || user?.role === 'supervisor';

  const rows = [...(list.data?.data ?? [])].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  const open = (action: Action, complaint: Complaint) => {
    setText('');
    setActing({ action, complaint });
  };

  async function act() {
    if (!acting) return;
    const { action, complaint } = acting;
    const { path, field } = ACTIONS[action];
    await api('POST', `/v1/complaints/${complaint.id}/${path}`, {
      lang,
      ...(field ? { body: { [field]: text } } : {}),
    });
    setToast(t(`queues.complaints.done.${action}`, { number: complaint.number }));
    await queryClient.invalidateQueries({ queryKey: ['queues', 'complaints'] });
  }

  return (
    <section aria-labelledby="page-heading" className="queues-page">
      <div className="queues-head">
        <h1 id="page-heading">{t('staff.nav.complaints')}</h1>
      </div>
      <form className="queues-filters" aria-label={t('queues.filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="complaints-status">{t('queues.complaints.status')}</label>
          <select
            id="complaints-status"
            value={status}
            onChange={(e) => {
              const next = new URLSearchParams(params);
              if (e.target.value) next.set('estado', e.target.value);
              else next.delete('estado');
              setParams(next, { replace: true });
            }}
          >
            <option value="">{t('queues.complaints.allOpen')}</option>
            {[...QUEUE_STATUSES, 'resolved'].map((s) => (
              <option key={s} value={s}>
                {t(`queues.complaintStatus.${s as 'open'}`)}
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
        empty={<EmptyState title={t('queues.complaints.empty')} />}
      >
        {() => (
          <div className="queues-scroll">
            <DataTable
              caption={t('queues.complaints.caption', { count: rows.length })}
              rows={rows}
              rowKey={(c) => c.id}
              rowClassName={(c) => (c.overdue ? 'is-late' : undefined)}
              columns={[
                { header: t('queues.complaints.number'), cell: (c) => c.number, className: 'mono' },
                { header: t('queues.complaints.category'), cell: (c) => c.categoryLabel[lang] },
                {
                  header: t('queues.complaints.member'),
                  cell: (c) => (
                    <Link className="mono" to={`/console/miembros/${c.membershipId}`}>
                      {c.membershipNumber}
                    </Link>
                  ),
                },
                {
                  header: t('queues.complaints.case'),
                  cell: (c) =>
                    c.caseId && c.caseNumber ? (
                      <Link className="mono" to={`/console/casos/${c.caseId}`}>
                        {c.caseNumber}
                      </Link>
                    ) : (
                      <span className="muted">{t('queues.none')}</span>
                    ),
                },
                {
                  header: t('queues.complaints.status'),
                  cell: (c) => (
                    <StatusBadge tone={TONES[c.status] ?? 'neutral'}>{c.statusLabel[lang]}</StatusBadge>
                  ),
                },
                {
                  header: t('queues.complaints.due'),
                  cell: (c) => (
                    <>
                      <DateTime value={c.dueAt} />
                      {c.overdue && <strong className="queues-late">{t('queues.complaints.overdue')}</strong>}
                    </>
                  ),
                },
                {
                  header: t('queues.complaints.owner'),
                  cell: (c) =>
                    c.owner?.name ?? <span className="muted">{t('queues.complaints.noOwner')}</span>,
                },
                mayWork && {
                  header: t('queues.actions'),
                  cell: (c) =>
                    c.status !== 'resolved' && (
                      <div className="queues-actions">
                        {(['take', 'note', 'resolve', 'escalate'] as const)
                          .filter((a) => !(a === 'escalate' && c.status === 'escalated'))
                          .filter((a) => !(a === 'take' && c.owner?.id === user?.id))
                          .map((a) => (
                            <Button
                              key={a}
                              variant="secondary"
                              onClick={() => open(a, c)}
                              aria-label={t(`queues.complaints.${a}.aria`, { number: c.number })}
                            >
                              {t(`queues.complaints.${a}`)}
                            </Button>
                          ))}
                      </div>
                    ),
                },
              ]}
            />
          </div>
        )}
      </QueryView>
      {acting && (
        <ActionDialog
          open
          title={t(`queues.complaints.${acting.action}.title`, { number: acting.complaint.number })}
          submitLabel={t(`queues.complaints.${acting.action}.submit`)}
          onClose={() => setActing(null)}
          onSubmit={act}
          intro={<p className="queues-quote">{acting.complaint.text}</p>}
        >
          {ACTIONS[acting.action].field
            ? (problem) => (
                <Field
                  label={t(`queues.complaints.${acting.action as 'note'}.label`)}
                  hint={t(`queues.complaints.${acting.action as 'note'}.hint`)}
                  error={fieldError(problem, ACTIONS[acting.action].field as string)}
                >
                  <textarea value={text} onChange={(e) => setText(e.target.value)} />
                </Field>
              )
            : undefined}
        </ActionDialog>
      )}
      <Toast message={toast} onDismiss={() => setToast(null)} closeLabel={t('queues.close')} />
    </section>
  );
}
