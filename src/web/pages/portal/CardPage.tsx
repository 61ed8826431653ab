import type { Static } from '@sinclair/typebox';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { CardReplacedView } from '../../../domains/members/schemas.ts';
import { ApiProblem, api } from '../../api.ts';
import { formatMoney } from '../../i18n/format.ts';
import { type Translate, useI18n } from '../../i18n/i18n.tsx';
import { chargesKey } from '../../members/membership-data.ts';
import { Button } from '../../ui/Button.tsx';
import { CardField, CardSummary } from '../../ui/CardField.tsx';
import { FormError } from '../../ui/Field.tsx';
import { MY_MEMBERSHIPS } from './membership.ts';
import { useMembership } from './outlet.ts';
import './portal.css';

type Replaced = Static<typeof CardReplacedView>;
type Outstanding = Replaced['outstanding'][number];

/**
 * `/app/tarjeta`: a new card through the same card form as contracting (ui/CardField.tsx); what
 * the old card could not pay is charged to it at once, and the page says how that went.
 */
export default function CardPage() {
  const { t, lang } = useI18n();
  const membership = useMembership();
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState<Replaced | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [saving, setSaving] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const result = useRef<HTMLDivElement>(null);

  useEffect(() => {
    document.title = `${t('card.heading')} · ${t('site.title')}`;
  }, [t]);
  useEffect(() => {
    if (outcome) result.current?.focus();
  }, [outcome]);

  async function replace(token: string) {
    setSaving(true);
    setProblem(null);
    try {
      const answer = await api<Replaced>('PUT', `/v1/memberships/${membership.id}/card`, {
        lang,
        body: { cardToken: token },
      });
      setOutcome(answer);
      void queryClient.invalidateQueries({ queryKey: MY_MEMBERSHIPS });
      void queryClient.invalidateQueries({ queryKey: chargesKey(membership.id) });
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
    } finally {
      setSaving(false);
    }
  }

  if (membership.state === 'cancelled')
    return (
      <>
        <h1>{t('card.heading')}</h1>
        <p>{t('card.cancelled')}</p>
      </>
    );

  const declined = outcome?.outstanding.some((o) => o.status === 'failed') ?? false;
  const owed = membership.state === 'past_due' || membership.state === 'suspended';
  return (
    <>
      <h1>{t('card.heading')}</h1>
      {outcome && (
        <div
          ref={result}
          tabIndex={-1}
          className={declined ? 'portal-alert' : 'portal-notice'}
          role="status"
          data-testid="card-outcome"
        >
          <h2>{t(declined ? 'card.outcome.declinedTitle' : 'card.outcome.doneTitle')}</h2>
          {outcomeSentences(outcome, t, lang).map((sentence) => (
            <p key={sentence}>{sentence}</p>
          ))}
          {!declined && <Button to="/app">{t('card.back')}</Button>}
        </div>
      )}
      {(!outcome || declined) && (
        <>
          <p>{t('card.intro')}</p>
          {owed && !outcome && <p className="portal-alert">{t('card.owed')}</p>}
          <section className="card" aria-labelledby="card-current">
            <h2 id="card-current">{t('card.current')}</h2>
            <CardSummary card={membership.card} />
          </section>
          <h2>{declined ? t('card.tryAnother') : t('card.heading')}</h2>
          <FormError message={problem ? (problem.detail ?? t('state.error.network')) : undefined} />
          {saving ? (
            <p role="status">{t('card.saving')}</p>
          ) : (
            <CardField
              key={formKey}
              submitLabel={t('card.submit')}
              onTokenized={(card) => {
                setFormKey((k) => k + 1);
                void replace(card.token);
              }}
            />
          )}
        </>
      )}
    </>
  );
}

/** One sentence per charge tried (paid, declined with the bank's reason, or not answered yet). */
function outcomeSentences(outcome: Replaced, t: Translate, lang: 'es' | 'en'): string[] {
  const last4 = outcome.card.last4;
  if (outcome.outstanding.length === 0) return [t('card.outcome.saved', { last4 })];
  return outcome.outstanding.map((o: Outstanding) => {
    const amount = formatMoney(o.amountCentavos);
    if (o.status === 'succeeded') return t('card.outcome.paid', { amount, last4 });
    if (o.status === 'failed')
      return t('card.outcome.declined', {
        amount,
        last4,
        reason: o.declineLabel?.[lang] ?? t('card.declineReason'),
      });
    return t('card.outcome.unknown', { amount, last4 });
  });
}
