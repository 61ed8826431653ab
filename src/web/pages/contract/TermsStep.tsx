import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useRef } from 'react';
import { Link } from 'react-router';
import { ApiProblem, getJson, type PlanView } from '../../api.ts';
import { formatMoney } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { Button } from '../../ui/Button.tsx';
import { CardSummary } from '../../ui/CardField.tsx';
import { FormError } from '../../ui/Field.tsx';
import { Money } from '../../ui/Money.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { type Draft, hasOtherProblem, type Legal, TERMS_FIELDS } from './flow.ts';
import { StepHeading, useFocusFirstInvalid } from './StepHeading.tsx';

/**
 * Step 4: what is being contracted, the charges in words, and the two documents to accept (their
 * current versions from GET /v1/legal). "Contratar" sends it all; the API records each acceptance
 * with its time.
 */
export function TermsStep({
  plan,
  draft,
  setDraft,
  signedInEmail,
  problem,
  sending,
  focus,
  onSubmit,
}: {
  plan: PlanView;
  draft: Draft;
  setDraft(update: (draft: Draft) => Draft): void;
  signedInEmail: string | null;
  problem: ApiProblem | undefined;
  sending: boolean;
  focus: boolean;
  onSubmit(legal: Legal): void;
}) {
  const { t, lang } = useI18n();
  const legal = useQuery({
    queryKey: ['legal'],
    queryFn: () => getJson<Legal>('/v1/legal', lang),
  });
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, problem);

  if (legal.isPending || legal.isError)
    return (
      <QueryView
        query={legal}
        loading={t('contract.terms.loading')}
        errorTitle={t('contract.terms.error')}
        errorDetail={(e) =>
          e instanceof ApiProblem && e.status !== 0 && e.detail ? e.detail : t('state.error.network')
        }
      >
        {() => null}
      </QueryView>
    );

  function submit(event: FormEvent) {
    event.preventDefault();
    if (legal.data) onSubmit(legal.data);
  }

  const price = formatMoney(plan.price.totalCentavos);
  const formError =
    problem && hasOtherProblem(problem, TERMS_FIELDS)
      ? problem.status === 0
        ? t('state.error.network')
        : (problem.detail ?? t('state.error.network'))
      : undefined;
  return (
    <form ref={form} onSubmit={submit} noValidate className="contract-form">
      <StepHeading step="confirmar" title={t('contract.terms.heading')} focus={focus} />
      <FormError message={formError} />
      <section aria-labelledby="contract-summary" className="contract-summary">
        <h3 id="contract-summary">{t('contract.terms.summary')}</h3>
        <dl className="contract-facts">
          <div>
            <dt>{t('contract.terms.plan')}</dt>
            <dd>
              {plan.name}: <Money centavos={plan.price.totalCentavos} /> {t('money.perMonth')}
              <span className="money-iva">{t('money.ivaIncluded')}</span>
              <Link to="?paso=plan" className="contract-change">
                {t('contract.terms.changePlan')}
              </Link>
            </dd>
          </div>
          <div>
            <dt>{t('contract.terms.titular')}</dt>
            <dd>
              {draft.titular.fullName}
              <br />
              {signedInEmail ?? draft.titular.email}
              <Link to="?paso=datos" className="contract-change">
                {t('contract.terms.changeTitular')}
              </Link>
            </dd>
          </div>
          {draft.card && (
            <div>
              <dt>{t('contract.terms.card')}</dt>
              <dd>
                <CardSummary card={draft.card} />
                <Link to="?paso=tarjeta" className="contract-change">
                  {t('contract.terms.changeCard')}
                </Link>
              </dd>
            </div>
          )}
        </dl>
        <p className="trial">
          {plan.onlineTrialMonths > 0
            ? t('contract.terms.charges', { months: plan.onlineTrialMonths, price })
            : t('contract.terms.chargesNoTrial', { price })}
        </p>
      </section>
      <fieldset className="contract-consent">
        <legend>{t('contract.terms.legend')}</legend>
        <Consent
          checked={draft.acceptTerms}
          onChange={(acceptTerms) => setDraft((d) => ({ ...d, acceptTerms }))}
          label={t('contract.terms.acceptTerms', { version: legal.data.terms.version })}
          link={{ href: legal.data.terms.url, text: t('contract.terms.readTerms') }}
          error={problem?.fieldMessage('consent/termsVersion')}
        />
        <Consent
          checked={draft.acceptPrivacy}
          onChange={(acceptPrivacy) => setDraft((d) => ({ ...d, acceptPrivacy }))}
          label={t('contract.terms.acceptPrivacy', { version: legal.data.privacyNotice.version })}
          link={{ href: legal.data.privacyNotice.url, text: t('contract.terms.readPrivacy') }}
          error={problem?.fieldMessage('consent/privacyNoticeVersion')}
        />
        <p className="muted">{t('contract.terms.record')}</p>
      </fieldset>
      <div className="actions">
        <Button type="submit" disabled={sending}>
          {sending ? t('contract.terms.sending') : t('contract.terms.submit')}
        </Button>
        <Button to="?paso=tarjeta" variant="secondary">
          {t('contract.back')}
        </Button>
      </div>
    </form>
  );
}

function Consent({
  checked,
  onChange,
  label,
  link,
  error,
}: {
  checked: boolean;
  onChange(checked: boolean): void;
  label: string;
  link: { href: string; text: string };
  error: string | undefined;
}) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="consent">
      <div className="consent-row">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
          aria-describedby={error ? `${id}-error` : undefined}
          aria-invalid={error ? true : undefined}
        />
        <label htmlFor={id}>{label}</label>
      </div>
      <a href={link.href} target="_blank" rel="noopener noreferrer" className="consent-link">
        {link.text} <span className="visually-hidden">{t('contract.terms.newTab')}</span>
      </a>
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}
