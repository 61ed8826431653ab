import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { SCOPES } from '../../../platform/principal.ts';
import { ApiProblem, api, getJson } from '../../api.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { DataTable } from '../../ui/DataTable.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { Toast } from '../../ui/Toast.tsx';
import { ActionDialog, fieldError } from '../queues/ActionDialog.tsx';
import { type ApiKey, type NewApiKey, useProblemText } from '../queues/data.ts';
import '../queues/queues.css';

/** Keys an admin makes here: the bank's (partner) and a metrics scraper's (provider keys come with a provider). */
const KINDS = ['partner', 'metrics'] as const;
const SCOPE_CODES = Object.keys(SCOPES) as (keyof typeof SCOPES)[];

/** `/console/admin/llaves`: API keys; a new key's secret is shown once; revoking is at once. */
export default function ApiKeysPage() {
  const { t, lang } = useStaffI18n();
  const problemText = useProblemText();
  const queryClient = useQueryClient();
  const keys = useQuery({
    queryKey: ['queues', 'api-keys'],
    queryFn: () => getJson<{ data: ApiKey[] }>('/v1/admin/api-keys', lang),
  });
  const [name, setName] = useState('');
  const [kind, setKind] = useState<(typeof KINDS)[number]>('partner');
  const [scopes, setScopes] = useState<string[]>([]);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [toast, setToast] = useState<string | null>(null);

  async function create(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      const answer = await api<NewApiKey>('POST', '/v1/admin/api-keys', {
        lang,
        body: { name, kind, scopes },
      });
      setCreated(answer);
      setName('');
      setScopes([]);
      await queryClient.invalidateQueries({ queryKey: ['queues', 'api-keys'] });
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
    } finally {
      setBusy(false);
    }
  }

  const errors = {
    name: fieldError(problem, 'name'),
    kind: fieldError(problem, 'kind'),
    scopes: fieldError(problem, 'scopes'),
  };
  const formError = problem && !Object.values(errors).some(Boolean) ? problemText(problem) : undefined;
  const rows = keys.data?.data ?? [];

  return (
    <section aria-labelledby="page-heading" className="queues-page">
      <div className="queues-head">
        <h1 id="page-heading">{t('staff.nav.apiKeys')}</h1>
      </div>
      {created && (
        <div className="queues-secret" role="status">
          <h2>{t('queues.keys.secret.title', { name: created.apiKey.name })}</h2>
          <p>{t('queues.keys.secret.once')}</p>
          <label htmlFor="new-api-key">{t('queues.keys.secret.label')}</label>
          <input
            id="new-api-key"
            className="mono"
            readOnly
            value={created.key}
            onFocus={(e) => e.currentTarget.select()}
          />
          <Button variant="secondary" onClick={() => setCreated(null)}>
            {t('queues.keys.secret.done')}
          </Button>
        </div>
      )}
      <form className="queues-create" onSubmit={create} noValidate aria-labelledby="keys-create">
        <h2 id="keys-create">{t('queues.keys.create')}</h2>
        <FormError message={formError} />
        <Field label={t('queues.keys.name')} hint={t('queues.keys.nameHint')} error={errors.name}>
          <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </Field>
        <Field label={t('queues.keys.kind')} error={errors.kind}>
          <select value={kind} onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`queues.keys.kind.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <fieldset
          className="queues-scopes"
          aria-describedby={errors.scopes ? 'keys-scopes-error' : undefined}
        >
          <legend>{t('queues.keys.scopes')}</legend>
          {SCOPE_CODES.map((s) => (
            <label key={s}>
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))}
              />
              <span className="mono">{s}</span> <span className="muted">{t(`queues.keys.scope.${s}`)}</span>
            </label>
          ))}
          {errors.scopes && (
            <span id="keys-scopes-error" className="field-error">
              {errors.scopes}
            </span>
          )}
        </fieldset>
        <Button type="submit" disabled={busy}>
          {busy ? t('queues.sending') : t('queues.keys.submit')}
        </Button>
      </form>
      <h2>{t('queues.keys.list')}</h2>
      <QueryView
        query={keys}
        loading={t('staff.loading')}
        errorTitle={t('staff.error.title')}
        errorDetail={(error) => problemText(error)}
        isEmpty={() => rows.length === 0}
        empty={<EmptyState title={t('queues.keys.empty')} />}
      >
        {() => (
          <div className="queues-scroll">
            <DataTable
              caption={t('queues.keys.caption', { count: rows.length })}
              rows={rows}
              rowKey={(k) => k.id}
              columns={[
                { header: t('queues.keys.name'), cell: (k) => k.name },
                { header: t('queues.keys.prefix'), cell: (k) => k.prefix, className: 'mono' },
                { header: t('queues.keys.kind'), cell: (k) => t(`queues.keys.kind.${k.kind}`) },
                { header: t('queues.keys.scopes'), cell: (k) => k.scopes.join(', '), className: 'mono' },
                {
                  header: t('queues.keys.lastUsed'),
                  cell: (k) => (k.lastUsedAt ? <DateTime value={k.lastUsedAt} /> : t('queues.keys.never')),
                },
                {
                  header: t('queues.keys.state'),
                  cell: (k) =>
                    k.revokedAt ? (
                      <StatusBadge tone="neutral">
                        {t('queues.keys.revokedAt')} <DateTime value={k.revokedAt} />
                      </StatusBadge>
                    ) : (
                      <StatusBadge tone="good">{t('queues.keys.active')}</StatusBadge>
                    ),
                },
                {
                  header: t('queues.actions'),
                  cell: (k) =>
                    !k.revokedAt && (
                      <Button
                        variant="secondary"
                        onClick={() => setRevoking(k)}
                        aria-label={t('queues.keys.revoke.aria', { name: k.name })}
                      >
                        {t('queues.keys.revoke')}
                      </Button>
                    ),
                },
              ]}
            />
          </div>
        )}
      </QueryView>
      {revoking && (
        <ActionDialog
          open
          title={t('queues.keys.revoke.title', { name: revoking.name })}
          submitLabel={t('queues.keys.revoke.submit')}
          intro={<p>{t('queues.keys.revoke.intro')}</p>}
          onClose={() => setRevoking(null)}
          onSubmit={async () => {
            await api('DELETE', `/v1/admin/api-keys/${revoking.id}`, { lang });
            setToast(t('queues.keys.revoked', { name: revoking.name }));
            await queryClient.invalidateQueries({ queryKey: ['queues', 'api-keys'] });
          }}
        />
      )}
      <Toast message={toast} onDismiss={() => setToast(null)} closeLabel={t('queues.close')} />
    </section>
  );
}
