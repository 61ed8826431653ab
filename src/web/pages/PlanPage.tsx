import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { ApiProblem, getJson, type PlanView } from '../api.ts';
import { PHONE, PHONE_INTERNATIONAL } from '../i18n/format.ts';
import { type Translate, useI18n } from '../i18n/i18n.tsx';
import { Button } from '../ui/Button.tsx';
import { DataTable } from '../ui/DataTable.tsx';
import { Money } from '../ui/Money.tsx';
import { PhoneLink } from '../ui/PhoneLink.tsx';
import { QueryView } from '../ui/QueryView.tsx';
import { EmptyState } from '../ui/States.tsx';
import { PlanChoice } from './PlanChoice.tsx';
import { describeLimit, describePerEvent, PAGE_CATEGORIES, pageCategoryOf } from './plan-rules.ts';

/** The plan the public page sells. Everything else on the page comes from the catalog API. */
export const PLAN_CODE = 'libra-plus';

export function PlanPage() {
  const { t, lang } = useI18n();
  const plan = useQuery({
    // The plan holds both languages: switching does not fetch it again.
    queryKey: ['plan', PLAN_CODE],
    queryFn: () => getJson<PlanView>(`/v1/plans/${PLAN_CODE}`, lang),
    // A plan that does not exist will not appear by asking again.
  });

  useEffect(() => {
    document.title = t('site.title');
  }, [t]);

  return (
    <QueryView
      query={plan}
      loading={t('state.loading')}
      errorTitle={t('state.error.title')}
      errorDetail={(error) =>
        error instanceof ApiProblem && error.status !== 0 && error.detail
          ? error.detail
          : t('state.error.network')
      }
      missing={{
        when: (error) => error instanceof ApiProblem && error.status === 404,
        view: (
          <EmptyState title={t('state.empty.title')}>
            <p>{t('state.empty.body', { phone: PHONE.display })}</p>
          </EmptyState>
        ),
      }}
    >
      {(data) => <Plan plan={data} t={t} lang={lang} />}
    </QueryView>
  );
}

function Plan({ plan, t, lang }: { plan: PlanView; t: Translate; lang: 'es' | 'en' }) {
  useEffect(() => {
    // bench/web.ts measures the first meaningful render up to this mark.
    performance.mark('libra:plan-rendered');
  }, []);
  const hasTow = plan.services.some((s) => s.rules.perEvent.kind === 'amount_cap');
  const hasIllustrative = plan.illustrative || plan.services.some((s) => s.illustrative);
  return (
    <article data-testid="plan" aria-labelledby="plan-heading">
      <section className="hero" aria-labelledby="plan-heading">
        <p className="eyebrow">{t('plan.eyebrow', { name: plan.name })}</p>
        <h1 id="plan-heading">{t('plan.heading')}</h1>
        <p className="lead">{plan.summary[lang]}</p>
        <p className="price" data-testid="price">
          <span className="visually-hidden">{t('plan.priceLabel')}: </span>
          <Money centavos={plan.price.totalCentavos} /> {t('money.perMonth')}
          <span className="money-iva">{t('money.ivaIncluded')}</span>
        </p>
        {plan.illustrative && <p className="badge">{t('plan.illustrative')}</p>}
        {plan.onlineTrialMonths > 0 && (
          <p className="trial">{t('plan.trial', { months: plan.onlineTrialMonths })}</p>
        )}
        <div className="actions">
          <Button to="/contratar">{t('plan.cta')}</Button>
          <Button href={`tel:${PHONE.tel}`} variant="secondary">
            {t('plan.callCta')} {PHONE.display}
          </Button>
        </div>
      </section>

      <PlanChoice />

      <section className="section" aria-labelledby="categories-heading">
        <h2 id="categories-heading">{t('categories.heading')}</h2>
        <p className="muted">{t('categories.intro')}</p>
        <ul className="cards">
          {PAGE_CATEGORIES.filter((c) => plan.services.some((s) => pageCategoryOf(s.category) === c.key)).map(
            (category) => (
              <li className="card" key={category.key}>
                <h3>{t(`category.${category.key}`)}</h3>
                <p>{t(`category.${category.key}.body`)}</p>
                <ul>
                  {plan.services
                    .filter((s) => pageCategoryOf(s.category) === category.key)
                    .map((s) => (
                      <li key={s.code}>{s.name[lang]}</li>
                    ))}
                </ul>
              </li>
            ),
          )}
        </ul>
      </section>

      <section className="section" aria-labelledby="benefits-heading">
        <h2 id="benefits-heading">{t('benefits.heading')}</h2>
        {plan.services.length === 0 ? (
          <EmptyState title={t('state.empty.services')} />
        ) : (
          <DataTable
            className="table"
            testId="benefits"
            caption={t('benefits.caption', { name: plan.name })}
            captionVisible
            rows={plan.services}
            rowKey={(s) => s.code}
            columns={[
              {
                header: t('benefits.service'),
                rowHeader: true,
                cell: (s) => (
                  <>
                    {s.name[lang]}
                    {s.illustrative && <span className="badge"> {t('benefits.illustrative')}</span>}
                  </>
                ),
              },
              {
                header: t('benefits.limit'),
                label: t('benefits.limit'),
                cell: (s) => describeLimit(s.rules, t),
              },
              {
                header: t('benefits.perEvent'),
                label: t('benefits.perEvent'),
                cell: (s) => describePerEvent(s.rules, t),
              },
            ]}
          />
        )}
        {hasTow && <p className="muted">{t('benefits.towNote')}</p>}
        {hasIllustrative && <p className="muted">{t('benefits.illustrativeNote')}</p>}
      </section>

      <section className="section faq" aria-labelledby="faq-heading">
        <h2 id="faq-heading">{t('faq.heading')}</h2>
        {([1, 2, 3, 4, 5] as const).map((n) => (
          <details key={n}>
            <summary>{t(`faq.q${n}`)}</summary>
            <p>{t(`faq.a${n}`, { phone: PHONE.display })}</p>
          </details>
        ))}
      </section>

      <section className="section" aria-labelledby="terms-heading">
        <h2 id="terms-heading">{t('terms.heading')}</h2>
        <h3>{t('terms.cancel.heading')}</h3>
        <p>{t('terms.cancel.free')}</p>
        <p>{t('terms.cancel.online', { phone: PHONE.display })}</p>
        <p>{t('terms.cancel.refund')}</p>
        <h3>{t('terms.exclusions.heading')}</h3>
        <ul>
          <li>{t('terms.exclusions.transfer')}</li>
          <li>{t('terms.exclusions.current')}</li>
          <li>{t('terms.exclusions.charge')}</li>
        </ul>
      </section>

      <section className="section contact" aria-labelledby="contact-heading">
        <h2 id="contact-heading">{t('contact.heading')}</h2>
        <p>
          {t('phone.assistance')}: <PhoneLink />
        </p>
        <p>{t('phone.hours')}</p>
        <p>{t('phone.international', { phone: PHONE_INTERNATIONAL.display })}</p>
        <Button to="/contratar">{t('plan.cta')}</Button>
      </section>
    </article>
  );
}
