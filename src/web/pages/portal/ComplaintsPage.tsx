import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { COMPLAINT_CATEGORIES } from '../../../domains/complaints/lifecycle.ts';
import { ApiProblem, api, getJson, newIdempotencyKey, problemText } from '../../api.ts';
import { serviceName, useCases } from '../../cases/case-data.ts';
import { type Translate, useI18n } from '../../i18n/i18n.tsx';
import { isMessageKey } from '../../i18n/messages.ts';
import type { Complaint } from '../../members/membership.ts';
import { Button } from '../../ui/Button.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { PhoneLink } from '../../ui/PhoneLink.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge, type Tone } from '../../ui/StatusBadge.tsx';
import { Timeline } from '../../ui/Timeline.tsx';
import { COMPLAINTS, complaintKey, useComplaints, usePlan } from './assistance-data.ts';
import './assistance.css';
import { usePortalScope } from './outlet.ts';

/** `/app/quejas`: file a complaint (about a case, or not) and follow the ones filed. */
export default function ComplaintsPage() {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${t('complaints.heading')} · ${t('site.title')}`;
  }, [t]);
  const [filed, setFiled] = useState<Complaint | null>(null);

  return (
    <div className="complaints">
      <h1>{t('complaints.heading')}</h1>
      <p className="lead">{t('complaints.intro')}</p>
      <p>
        {t('complaints.phone')} <PhoneLink />
      </p>
      <div className="assistance-grid">
        <section aria-labelledby="file-heading">
          <h2 id="file-heading">{t('complaints.form.heading')}</h2>
          {filed && <Filed complaint={filed} />}
          <ComplaintForm onFiled={setFiled} />
        </section>
        <section aria-labelledby="my-complaints-heading">
          <h2 id="my-complaints-heading">{t('complaints.list.heading')}</h2>
          <MyComplaints />
        </section>
      </div>
    </div>
  );
}

function Filed({ complaint }: { complaint: Complaint }) {
  const { t } = useI18n();
  return (
    <div className="panel panel-good" role="status" data-testid="complaint-filed">
      <p>
        <strong>{t('complaints.filed.title')}</strong> <span className="number">{complaint.number}</span>
      </p>
      <p>
        {t('complaints.filed.due')} <DateTime value={complaint.dueAt} />.
      </p>
    </div>
  );
}

function categoryWord(t: Translate, category: string): string {
  const key = `complaints.category.${category}`;
  return isMessageKey(key) ? t(key) : category;
}

/** What a beneficiary's own account complains about: a case of theirs, never a charge or the cancellation. */
const ABOUT_A_CASE = COMPLAINT_CATEGORIES.filter((c) => c !== 'charge' && c !== 'cancellation');

function ComplaintForm({ onFiled }: { onFiled: (complaint: Complaint) => void }) {
  const { t, lang } = useI18n();
  const scope = usePortalScope();
  const beneficiary = scope.kind === 'beneficiary';
  const plan = usePlan(scope.planCode);
  const cases = useCases();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const [category, setCategory] = useState('');
  const [caseId, setCaseId] = useState(params.get('caso') ?? '');
  const [text, setText] = useState('');
  const [problems, setProblems] = useState<{ category?: string; caseId?: string; text?: string }>({});
  const [apiProblem, setApiProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);
  const intent = useRef<{ key: string; body: string } | null>(null);

  // A complaint about a case is usually about the service.
  useEffect(() => {
    if (params.get('caso') && category === '') setCategory('service_quality');
  }, [params, category]);

  const ownCases = (cases.data?.data ?? []).filter((c) => c.membershipId === scope.membershipId);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setApiProblem(null);
    const found: typeof problems = {};
    if (!category) found.category = t('complaints.form.error.category');
    if (beneficiary && !caseId) found.caseId = t('beneficiary.complaints.caseRequired');
    if (text.trim().length < 10) found.text = t('complaints.form.error.text');
    setProblems(found);
    if (found.category || found.caseId || found.text) return;
    const body = {
      membershipId: scope.membershipId,
      category,
      ...(caseId ? { caseId } : {}),
      text: text.trim(),
    };
    const serialized = JSON.stringify(body);
    if (intent.current?.body !== serialized) intent.current = { key: newIdempotencyKey(), body: serialized };
    setSending(true);
    try {
      const complaint = await api<Complaint>('POST', '/v1/complaints', {
        lang,
        body,
        idempotencyKey: intent.current.key,
      });
      onFiled(complaint);
      intent.current = null;
      setText('');
      setCategory('');
      setCaseId('');
      void queryClient.invalidateQueries({ queryKey: COMPLAINTS });
    } catch (error) {
      setApiProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
    } finally {
      setSending(false);
    }
  }

  const formMessage =
    apiProblem && apiProblem.fields.length === 0
      ? (apiProblem.detail ?? t('state.error.network'))
      : undefined;
  // A beneficiary complains about a case of theirs: with none yet, there is nothing to file about.
  if (beneficiary && cases.isSuccess && ownCases.length === 0)
    return (
      <EmptyState title={t('beneficiary.complaints.noCases')}>
        <p>{t('beneficiary.complaints.noCasesBody')}</p>
      </EmptyState>
    );
  return (
    <form onSubmit={submit} noValidate className="complaint-form">
      <FormError message={formMessage} />
      <Field
        label={t('complaints.form.category')}
        error={problems.category ?? apiProblem?.fieldMessage('category')}
      >
        <select value={category} onChange={(e) => setCategory(e.target.value)}>
          <option value="">{t('complaints.form.categoryPick')}</option>
          {(beneficiary ? ABOUT_A_CASE : COMPLAINT_CATEGORIES).map((c) => (
            <option key={c} value={c}>
              {categoryWord(t, c)}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label={t('complaints.form.case')}
        hint={t(beneficiary ? 'beneficiary.complaints.caseHint' : 'complaints.form.caseHint')}
        error={problems.caseId ?? apiProblem?.fieldMessage('caseId')}
      >
        <select value={caseId} onChange={(e) => setCaseId(e.target.value)}>
          <option value="">
            {t(beneficiary ? 'beneficiary.complaints.casePick' : 'complaints.form.noCase')}
          </option>
          {ownCases.map((c) => (
            <option key={c.id} value={c.id}>
              {c.number} · {serviceName(plan.data?.services, c.serviceCode, lang)}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label={t('complaints.form.text')}
        hint={t('complaints.form.textHint')}
        error={problems.text ?? apiProblem?.fieldMessage('text')}
      >
        <textarea rows={5} maxLength={4000} value={text} onChange={(e) => setText(e.target.value)} />
      </Field>
      <Button type="submit" disabled={sending}>
        {sending ? t('complaints.form.sending') : t('complaints.form.send')}
      </Button>
    </form>
  );
}

function statusTone(status: string): Tone {
  if (status === 'resolved') return 'good';
  if (status === 'escalated') return 'alert';
  return 'pending';
}

function MyComplaints() {
  const { t } = useI18n();
  const complaints = useComplaints();
  return (
    <QueryView
      query={complaints}
      loading={t('complaints.list.loading')}
      errorTitle={t('complaints.list.error')}
      errorDetail={(error) => problemText(error, t('state.error.network'))}
      isEmpty={(data) => data.data.length === 0}
      empty={
        <EmptyState title={t('complaints.list.empty')}>
          <p>{t('complaints.list.emptyBody')}</p>
        </EmptyState>
      }
    >
      {(data) => (
        <ul className="case-list" data-testid="my-complaints">
          {data.data.map((c) => (
            <ComplaintCard key={c.id} complaint={c} />
          ))}
        </ul>
      )}
    </QueryView>
  );
}

function ComplaintCard({ complaint: c }: { complaint: Complaint }) {
  const { t, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const detailId = `complaint-${c.id}`;
  return (
    <li className="case-card">
      <p className="case-card-title">
        {c.categoryLabel[lang]} <span className="number">{c.number}</span>
      </p>
      <p className="case-card-meta">
        <StatusBadge tone={statusTone(c.status)}>{c.statusLabel[lang]}</StatusBadge>
        {c.overdue && (
          <>
            {' '}
            <StatusBadge tone="alert">{t('complaints.overdue')}</StatusBadge>
          </>
        )}
      </p>
      <dl className="facts facts-compact">
        <div>
          <dt>{t('complaints.due')}</dt>
          <dd>
            <DateTime value={c.dueAt} />
          </dd>
        </div>
        <div>
          <dt>{t('complaints.filedAt')}</dt>
          <dd>
            <DateTime value={c.filedAt} />
          </dd>
        </div>
        {c.caseNumber && (
          <div>
            <dt>{t('complaints.case')}</dt>
            <dd className="number">{c.caseNumber}</dd>
          </div>
        )}
      </dl>
      {c.resolution && (
        <div className="resolution">
          <p>
            <strong>{t('complaints.resolution')}</strong>
          </p>
          <p>{c.resolution}</p>
          {c.resolvedAt && (
            <p className="muted">
              <DateTime value={c.resolvedAt} />
            </p>
          )}
        </div>
      )}
      <button
        type="button"
        className="link-button"
        aria-expanded={open}
        aria-controls={detailId}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? t('complaints.hide') : t('complaints.show')}
        <span className="visually-hidden"> {c.number}</span>
      </button>
      <div id={detailId} hidden={!open}>
        {open && <ComplaintDetail id={c.id} />}
      </div>
    </li>
  );
}

function ComplaintDetail({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const detail = useQuery({
    queryKey: complaintKey(id),
    queryFn: () => getJson<Complaint>(`/v1/complaints/${id}`, lang),
  });
  return (
    <QueryView
      query={detail}
      loading={t('complaints.detail.loading')}
      errorTitle={t('complaints.detail.error')}
      errorDetail={(error) => problemText(error, t('state.error.network'))}
    >
      {(c) => <ComplaintDetailView c={c} />}
    </QueryView>
  );
}

function ComplaintDetailView({ c }: { c: Complaint }) {
  const { t, lang } = useI18n();
  return (
    <div className="complaint-detail">
      <h3>{t('complaints.detail.text')}</h3>
      <p className="quote">{c.text}</p>
      {c.owner && (
        <p>
          {t('complaints.detail.owner')} {c.owner.name}
        </p>
      )}
      <h3>{t('complaints.detail.timeline')}</h3>
      <Timeline
        label={`${t('complaints.detail.timeline')} ${c.number}`}
        actorLabel={t('assistance.case.actor')}
        items={(c.timeline ?? []).map((e) => ({
          id: e.seq,
          at: e.at,
          title: e.label[lang],
          actor: e.actor.type === 'system' ? t('assistance.actor.system') : e.actor.name,
          note: e.note ?? undefined,
          tone: e.toStatus ? statusTone(e.toStatus) : 'neutral',
        }))}
      />
    </div>
  );
}
