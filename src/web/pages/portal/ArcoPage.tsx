import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { ArcoRequestViewType } from '../../../domains/arco/schemas.ts';
import { ApiProblem, api, getJson, newIdempotencyKey, problemText } from '../../api.ts';
import { formatDate } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { Button } from '../../ui/Button.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge, type Tone } from '../../ui/StatusBadge.tsx';
import './assistance.css';

type ArcoRequest = ArcoRequestViewType;
type ArcoType = ArcoRequest['type'];
const TYPES: ArcoType[] = ['access', 'rectification', 'cancellation', 'opposition'];
const FIELDS: NonNullable<ArcoRequest['field']>[] = ['name', 'email', 'phone', 'birthDate', 'other'];
const PURPOSES: NonNullable<ArcoRequest['purpose']>[] = ['marketing', 'surveys', 'bank_offers'];
const ARCO = ['arco-requests'] as const;

const statusTone = (status: ArcoRequest['status']): Tone =>
  status === 'accepted' ? 'good' : status === 'refused' ? 'alert' : 'pending';

/** `/app/derechos-arco`: file an ARCO request, follow them, and download the data once delivered. */
export default function ArcoPage() {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${t('arco.heading')} · ${t('site.title')}`;
  }, [t]);
  const [filed, setFiled] = useState<ArcoRequest | null>(null);
  return (
    <div className="complaints">
      <h1>{t('arco.heading')}</h1>
      <p className="lead">{t('arco.intro')}</p>
      <p>
        <Link to="/aviso-de-privacidad">{t('arco.notice')}</Link>
      </p>
      <div className="assistance-grid">
        <section aria-labelledby="arco-form-heading">
          <h2 id="arco-form-heading">{t('arco.form.heading')}</h2>
          {filed && <Filed request={filed} />}
          <ArcoForm onFiled={setFiled} />
        </section>
        <section aria-labelledby="arco-list-heading">
          <h2 id="arco-list-heading">{t('arco.list.heading')}</h2>
          <MyRequests />
        </section>
      </div>
    </div>
  );
}

function Filed({ request }: { request: ArcoRequest }) {
  const { t, lang } = useI18n();
  return (
    <div className="panel panel-good" role="status" data-testid="arco-filed">
      <p>
        <strong>{t('arco.filed.title')}</strong> <span className="number">{request.number}</span>
      </p>
      <p>{t('arco.filed.due', { date: formatDate(request.dueDate, lang) })}</p>
    </div>
  );
}

interface Problems {
  type?: string;
  field?: string;
  correction?: string;
  purpose?: string;
  details?: string;
}

function ArcoForm({ onFiled }: { onFiled: (request: ArcoRequest) => void }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const [type, setType] = useState<ArcoType | ''>('');
  const [field, setField] = useState('');
  const [correction, setCorrection] = useState('');
  const [purpose, setPurpose] = useState('');
  const [details, setDetails] = useState('');
  const [problems, setProblems] = useState<Problems>({});
  const [apiProblem, setApiProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);
  // One key per intent: sending the same request again (a retry after a lost answer) files it once.
  const intent = useRef<{ key: string; body: string } | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setApiProblem(null);
    const found: Problems = {};
    if (!type) found.type = t('arco.form.error.type');
    if (type === 'rectification' && !field) found.field = t('arco.form.error.field');
    if (type === 'rectification' && !correction.trim()) found.correction = t('arco.form.error.correction');
    if (type === 'opposition' && !purpose) found.purpose = t('arco.form.error.purpose');
    if (details.trim().length < 10) found.details = t('arco.form.error.details');
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    const body = {
      type,
      details: details.trim(),
      ...(type === 'rectification' ? { field, correction: correction.trim() } : {}),
      ...(type === 'opposition' ? { purpose } : {}),
    };
    const serialized = JSON.stringify(body);
    if (intent.current?.body !== serialized) intent.current = { key: newIdempotencyKey(), body: serialized };
    setSending(true);
    try {
      const request = await api<ArcoRequest>('POST', '/v1/arco-requests', {
        lang,
        body,
        idempotencyKey: intent.current.key,
      });
      onFiled(request);
      intent.current = null;
      setType('');
      setField('');
      setCorrection('');
      setPurpose('');
      setDetails('');
      void queryClient.invalidateQueries({ queryKey: ARCO });
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
  return (
    <form onSubmit={submit} noValidate className="complaint-form">
      <FormError message={formMessage} />
      <Field label={t('arco.form.type')} error={problems.type ?? apiProblem?.fieldMessage('type')}>
        <select value={type} onChange={(e) => setType(e.target.value as ArcoType | '')}>
          <option value="">{t('arco.form.typePick')}</option>
          {TYPES.map((k) => (
            <option key={k} value={k}>
              {t(`arco.type.${k}`)}
            </option>
          ))}
        </select>
      </Field>
      {type === 'rectification' && (
        <>
          <Field label={t('arco.form.field')} error={problems.field ?? apiProblem?.fieldMessage('field')}>
            <select value={field} onChange={(e) => setField(e.target.value)}>
              <option value="">{t('arco.form.fieldPick')}</option>
              {FIELDS.map((f) => (
                <option key={f} value={f}>
                  {t(`arco.field.${f}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label={t('arco.form.correction')}
            hint={t('arco.form.correctionHint')}
            error={problems.correction ?? apiProblem?.fieldMessage('correction')}
          >
            <input value={correction} maxLength={300} onChange={(e) => setCorrection(e.target.value)} />
          </Field>
        </>
      )}
      {type === 'opposition' && (
        <Field label={t('arco.form.purpose')} error={problems.purpose ?? apiProblem?.fieldMessage('purpose')}>
          <select value={purpose} onChange={(e) => setPurpose(e.target.value)}>
            <option value="">{t('arco.form.purposePick')}</option>
            {PURPOSES.map((p) => (
              <option key={p} value={p}>
                {t(`arco.purpose.${p}`)}
              </option>
            ))}
          </select>
        </Field>
      )}
      {type === 'cancellation' && <p className="muted">{t('arco.form.cancellationHint')}</p>}
      <Field
        label={t('arco.form.details')}
        hint={t('arco.form.detailsHint')}
        error={problems.details ?? apiProblem?.fieldMessage('details')}
      >
        <textarea rows={4} maxLength={4000} value={details} onChange={(e) => setDetails(e.target.value)} />
      </Field>
      <Button type="submit" disabled={sending}>
        {sending ? t('arco.form.sending') : t('arco.form.send')}
      </Button>
    </form>
  );
}

function MyRequests() {
  const { t, lang } = useI18n();
  const requests = useQuery({
    queryKey: ARCO,
    queryFn: () => getJson<{ data: ArcoRequest[] }>('/v1/arco-requests', lang),
  });
  return (
    <QueryView
      query={requests}
      loading={t('arco.list.loading')}
      errorTitle={t('arco.list.error')}
      errorDetail={(error) => problemText(error, t('state.error.network'))}
      isEmpty={(data) => data.data.length === 0}
      empty={
        <EmptyState title={t('arco.list.empty')}>
          <p>{t('arco.list.emptyBody')}</p>
        </EmptyState>
      }
    >
      {(data) => (
        <ul className="case-list" data-testid="my-arco-requests">
          {data.data.map((r) => (
            <RequestCard key={r.id} request={r} />
          ))}
        </ul>
      )}
    </QueryView>
  );
}

function RequestCard({ request: r }: { request: ArcoRequest }) {
  const { t, lang } = useI18n();
  const delivery = `/v1/arco-requests/${r.id}/delivery`;
  return (
    <li className="case-card">
      <p className="case-card-title">
        {t(`arco.short.${r.type}`)} <span className="number">{r.number}</span>
      </p>
      <p className="case-card-meta">
        <StatusBadge tone={statusTone(r.status)}>{t(`arco.status.${r.status}`)}</StatusBadge>
        {r.overdue && (
          <>
            {' '}
            <StatusBadge tone="alert">{t('arco.overdue')}</StatusBadge>
          </>
        )}
      </p>
      <dl className="facts facts-compact">
        <div>
          <dt>{t('arco.receivedAt')}</dt>
          <dd>
            <DateTime value={r.receivedAt} />
          </dd>
        </div>
        <div>
          <dt>{t('arco.due')}</dt>
          <dd data-testid="arco-due">{formatDate(r.dueDate, lang)}</dd>
        </div>
      </dl>
      {r.answer && (
        <div className="resolution">
          <p>
            <strong>{t('arco.answer')}</strong>
          </p>
          <p>{r.answer}</p>
          {r.answeredAt && (
            <p className="muted">
              <DateTime value={r.answeredAt} />
            </p>
          )}
        </div>
      )}
      {r.deliveryReady && (
        <ul className="arco-downloads" aria-label={`${t('arco.download.heading')} ${r.number}`}>
          <li>
            <a href={`${delivery}?format=html`} download>
              {t('arco.download.html')}
            </a>
          </li>
          <li>
            <a href={`${delivery}?format=pdf`} download>
              {t('arco.download.pdf')}
            </a>
          </li>
          <li>
            <a href={`${delivery}?format=json`} download>
              {t('arco.download.json')}
            </a>
          </li>
        </ul>
      )}
    </li>
  );
}
