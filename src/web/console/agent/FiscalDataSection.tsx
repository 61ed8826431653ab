import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, getJson, problemText } from '../../api.ts';
import {
  EMPTY_FISCAL_DATA,
  FISCAL_FIELDS,
  type FiscalData,
  FiscalDataFields,
  fiscalProblemAtFields,
} from '../../members/FiscalDataFields.tsx';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/Field.tsx';
import { QueryView } from '../../ui/QueryView.tsx';

/**
 * The titular's fiscal data on the member page (GET/PUT /v1/memberships/{id}/fiscal-data): what is
 * stored for their invoices and, for those who may change it (agents — once the caller is checked,
 * as the page's gate asks —, supervisors and finance), the portal's form with the API's field errors.
 */
export function FiscalDataSection({ membershipId, mayEdit }: { membershipId: string; mayEdit: boolean }) {
  const { t, lang } = useStaffI18n();
  const queryClient = useQueryClient();
  const key = ['fiscal-data', membershipId];
  const stored = useQuery({
    queryKey: key,
    queryFn: () => getJson<{ data: FiscalData | null }>(`/v1/memberships/${membershipId}/fiscal-data`, lang),
  });
  const [editing, setEditing] = useState<FiscalData | null>(null);
  const [problem, setProblem] = useState<unknown>();
  const [sending, setSending] = useState(false);
  const [saved, setSaved] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!editing) return;
    setSending(true);
    setProblem(undefined);
    try {
      await api('PUT', `/v1/memberships/${membershipId}/fiscal-data`, { lang, body: editing });
      await queryClient.invalidateQueries({ queryKey: key });
      setEditing(null);
      setSaved(true);
    } catch (error) {
      setProblem(error);
    } finally {
      setSending(false);
    }
  }

  const label = (name: (typeof FISCAL_FIELDS)[number]) => t(`agent.fiscal.field.${name}`);
  return (
    <section className="agent-panel" aria-labelledby="fiscal-heading" data-testid="fiscal-data">
      <h2 id="fiscal-heading">{t('agent.fiscal.title')}</h2>
      {saved && !editing && <p role="status">{t('agent.fiscal.saved')}</p>}
      {editing ? (
        <form onSubmit={submit} noValidate aria-label={t('agent.fiscal.form')}>
          <p className="agent-muted">{t('agent.fiscal.intro')}</p>
          <FormError
            message={
              problem && !fiscalProblemAtFields(problem)
                ? problemText(problem, t('agent.error.network'))
                : undefined
            }
          />
          <FiscalDataFields
            data={editing}
            onChange={(name, value) =>
              setEditing((before) => ({ ...(before ?? EMPTY_FISCAL_DATA), [name]: value }))
            }
            label={label}
            hint={(name) => t(`agent.fiscal.hint.${name}`)}
            problem={problem}
          />
          <Button type="submit" disabled={sending}>
            {t('agent.fiscal.save')}
          </Button>{' '}
          <Button
            variant="secondary"
            onClick={() => {
              setEditing(null);
              setProblem(undefined);
            }}
          >
            {t('agent.fiscal.cancel')}
          </Button>
        </form>
      ) : (
        <QueryView
          query={stored}
          loading={t('agent.fiscal.loading')}
          errorTitle={t('agent.fiscal.error')}
          errorDetail={(error) => problemText(error, t('agent.error.network'))}
        >
          {(answer) => (
            <>
              {answer.data ? (
                <dl className="agent-dl">
                  {FISCAL_FIELDS.map((name) => (
                    <div key={name} style={{ display: 'contents' }}>
                      <dt>{label(name)}</dt>
                      <dd className={name === 'rfc' ? 'mono' : undefined}>{answer.data?.[name]}</dd>
                    </div>
                  ))}
                </dl>
              ) : (
                <p className="agent-muted">{t('agent.fiscal.none')}</p>
              )}
              {mayEdit && (
                <Button
                  variant="secondary"
                  onClick={() => {
                    setSaved(false);
                    setEditing({ ...EMPTY_FISCAL_DATA, ...(answer.data ?? {}) });
                  }}
                >
                  {t(answer.data ? 'agent.fiscal.edit' : 'agent.fiscal.add')}
                </Button>
              )}
            </>
          )}
        </QueryView>
      )}
    </section>
  );
}
