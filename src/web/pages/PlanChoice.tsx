import { useQuery } from '@tanstack/react-query';
import { getJson, type PlanView } from '../api.ts';
import { PHONE } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Button } from '../ui/Button.tsx';
import { Money } from '../ui/Money.tsx';
import { pageCategoryOf } from './plan-rules.ts';

/**
 * "Elige tu plan": every plan on sale from the catalog (GET /v1/plans), side by side, each with its
 * price and a way into contracting with it chosen — Libra One is not only found inside /contratar.
 * The plan the page describes in detail has loaded already: a failure here says so quietly.
 */
export function PlanChoice() {
  const { t, lang } = useI18n();
  const plans = useQuery({
    // The same key and answer as contracting's: going on to /contratar reads no plan again.
    queryKey: ['plans'],
    queryFn: () => getJson<{ data: PlanView[] }>('/v1/plans', lang),
    select: (answer) => answer.data,
    retry: 1,
  });
  return (
    <section className="section" aria-labelledby="plans-heading" data-testid="plan-choice">
      <h2 id="plans-heading">{t('plans.heading')}</h2>
      <p className="muted">{t('plans.intro')}</p>
      {plans.isPending && <p className="muted">{t('plans.loading')}</p>}
      {plans.isError && <p className="muted">{t('plans.error', { phone: PHONE.display })}</p>}
      {plans.data && (
        <ul className="cards">
          {plans.data.map((plan) => {
            const legal = plan.services.some((s) => s.category === 'legal');
            return (
              <li className="card" key={plan.code}>
                <h3>{plan.name}</h3>
                <p className="price">
                  <Money centavos={plan.price.totalCentavos} /> {t('money.perMonth')}
                  <span className="money-iva">{t('money.ivaIncluded')}</span>
                </p>
                <p>{plan.summary[lang]}</p>
                <ul>
                  {plan.onlineTrialMonths > 0 && (
                    <li>{t('contract.plan.trial', { months: plan.onlineTrialMonths })}</li>
                  )}
                  <li>{legal ? t('plans.legal') : t('plans.noLegal')}</li>
                  {[...new Set(plan.services.map((s) => pageCategoryOf(s.category)).filter(Boolean))].map(
                    (category) => (
                      <li key={category}>{t(`category.${category as 'medical'}`)}</li>
                    ),
                  )}
                </ul>
                {plan.illustrative && <p className="badge">{t('plans.illustrative')}</p>}
                <Button to={`/contratar?plan=${encodeURIComponent(plan.code)}`}>
                  {t('plans.choose', { name: plan.name })}
                </Button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
