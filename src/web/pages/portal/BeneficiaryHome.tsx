import { Link } from 'react-router';
import type { PlanService } from '../../api.ts';
import { serviceName, useCases } from '../../cases/case-data.ts';
import { ReasonList } from '../../cases/EligibilityAnswer.tsx';
import { formatCoveredThrough, formatDate, PHONE } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { Button } from '../../ui/Button.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { usePlan } from './assistance-data.ts';
import './assistance.css';
import { MyCases, OpenCases } from './CaseLists.tsx';
import type { Coverage } from './outlet.ts';
import type { PersonKind } from './portal-words.ts';
import './portal.css';
import { ServiceLeft } from './UsageList.tsx';

type CoveredService = Coverage['services'][number];

/**
 * `/app` for a beneficiary's own account: "Solicitar asistencia" first, a case under way to
 * follow, then their cover (the membership's number to read out on the phone, who holds it),
 * what they may use with the same answer the titular gets for them, their requests and the
 * completed ones still to rate. Nothing of the titular's: no charges, card or other people.
 */
export function BeneficiaryHome({ coverage }: { coverage: Coverage }) {
  const { t, lang } = useI18n();
  const plan = usePlan(coverage.membership.plan.code);
  return (
    <>
      <h1>{t('beneficiary.home.heading')}</h1>
      <p className="portal-request">
        <Button to="/app/asistencia" className="button-large">
          {t('portal.home.request')}
        </Button>
      </p>
      <OpenCases services={plan.data?.services} />
      <ToRate services={plan.data?.services} />
      <CoverageCard coverage={coverage} />
      <section className="section" aria-labelledby="home-usage">
        <h2 id="home-usage">{t('beneficiary.home.usage')}</h2>
        <p>
          {t('beneficiary.home.shared', {
            date: formatDate(coverage.membership.membershipYear.resetsOn, lang),
          })}
        </p>
        <ul className="usage-list" data-testid="usage">
          {coverage.services.map((s) => (
            <ServiceItem key={s.serviceCode} service={s} />
          ))}
        </ul>
      </section>
      <section className="section" aria-labelledby="home-cases">
        <h2 id="home-cases">{t('beneficiary.home.cases')}</h2>
        <MyCases services={plan.data?.services} />
      </section>
    </>
  );
}

function CoverageCard({ coverage }: { coverage: Coverage }) {
  const { t, lang } = useI18n();
  const { membership, person } = coverage;
  // Whether the membership is in force, as the decisions say it to the person (trial, paid up, …).
  const standing = coverage.services[0]?.decision.reasons.find((r) => r.code.startsWith('MEMBERSHIP_'));
  return (
    <section className="card" aria-labelledby="home-coverage">
      <h2 id="home-coverage">{t('beneficiary.home.coverage')}</h2>
      <p className="card-lead">{t('beneficiary.home.membershipOf', { name: membership.titularName })}</p>
      <dl className="facts">
        <div>
          <dt>{t('beneficiary.home.person')}</dt>
          <dd>
            {person.fullName} · {t(`portal.people.kind.${person.kind as PersonKind}`)}{' '}
            <StatusBadge tone={person.covered ? 'good' : 'alert'}>
              {t(person.covered ? 'portal.people.covered' : 'portal.people.notCovered')}
            </StatusBadge>
            <span className="facts-note">
              {person.coverage.reason[lang]}
              {person.covered && person.coverage.coveredUntil && (
                <>
                  {' '}
                  {t('portal.people.until', {
                    date: formatCoveredThrough(person.coverage.coveredUntil, lang),
                  })}
                </>
              )}
            </span>
          </dd>
        </div>
        <div>
          <dt>{t('portal.home.number')}</dt>
          <dd>
            <span className="number" data-testid="membership-number">
              {membership.number}
            </span>
            <span className="facts-note">{t('beneficiary.home.numberHint', { phone: PHONE.display })}</span>
          </dd>
        </div>
        <div>
          <dt>{t('portal.home.plan')}</dt>
          <dd>{membership.plan.name}</dd>
        </div>
      </dl>
      {standing && <p className={standing.ok ? undefined : 'portal-alert'}>{standing[lang]}</p>}
    </section>
  );
}

/** One service: what is left (the titular's bar), and, when it is not available now, why. */
function ServiceItem({ service }: { service: CoveredService }) {
  const { t, lang } = useI18n();
  const { decision } = service;
  const refusal = decision.reasons.find((r) => !r.ok && r.code !== 'SPECIALTY_REQUIRED');
  return (
    <li data-service={service.serviceCode} data-available={service.available}>
      {decision.usage ? (
        <ServiceLeft service={decision.usage} lang={lang} t={t} />
      ) : (
        <span className="usage-bar-label">{service.name[lang]}</span>
      )}
      {!service.available && (
        <p className="usage-note">
          <StatusBadge tone="alert">{t('beneficiary.home.notAvailable')}</StatusBadge> {refusal?.[lang]}
        </p>
      )}
      <details className="why">
        <summary>
          {t('beneficiary.home.why')}
          <span className="visually-hidden">
            {' '}
            {t('beneficiary.home.whyOf', { service: service.name[lang] })}
          </span>
        </summary>
        <ReasonList reasons={decision.reasons} />
      </details>
    </li>
  );
}

/** Completed requests of theirs not rated yet: a short way to the case page's rating. */
function ToRate({ services }: { services: PlanService[] | undefined }) {
  const { t, lang } = useI18n();
  const cases = useCases();
  const unrated = (cases.data?.data ?? []).filter((c) => c.state === 'completed' && !c.rating);
  if (unrated.length === 0) return null;
  return (
    <aside className="open-cases" aria-labelledby="to-rate-heading">
      <h2 id="to-rate-heading">{t('beneficiary.home.rateHeading')}</h2>
      <ul>
        {unrated.map((c) => (
          <li key={c.id}>
            <Link to={`/app/casos/${c.id}`}>{t('beneficiary.home.rate', { number: c.number })}</Link>{' '}
            <span className="muted">{serviceName(services, c.serviceCode, lang)}</span>
          </li>
        ))}
      </ul>
    </aside>
  );
}
