import { Link } from 'react-router';
import { formatCoveredThrough, formatDate, PHONE } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Membership } from '../../members/membership.ts';
import { useCharges, useUsage } from '../../members/membership-data.ts';
import { Button } from '../../ui/Button.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Money } from '../../ui/Money.tsx';
import { PhoneLink } from '../../ui/PhoneLink.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { BeneficiaryHome } from './BeneficiaryHome.tsx';
import { usePortalScope } from './outlet.ts';
import { problemDetail, useCancellation, usePlan } from './portal-data.ts';
import { cardSummary, STATE_TONE, stateOf } from './portal-words.ts';
import { ServiceLeft } from './UsageList.tsx';
import './portal.css';

/**
 * `/app`: the membership at a glance — state, next charge, card, year, and what is left; for a
 * beneficiary's own account, their own home (BeneficiaryHome).
 */
export default function HomePage() {
  const scope = usePortalScope();
  return scope.kind === 'titular' ? (
    <TitularHome membership={scope.membership} />
  ) : (
    <BeneficiaryHome coverage={scope.coverage} />
  );
}

function TitularHome({ membership }: { membership: Membership }) {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('portal.home.heading')}</h1>
      {/* What people come for first, above everything on a phone; cancelling is a plain link at the end. */}
      <p className="portal-request">
        <Button to="/app/asistencia" className="button-large">
          {t('portal.home.request')}
        </Button>
      </p>
      <div className="portal-cards">
        <MembershipCard membership={membership} />
        <PaymentsCard membership={membership} />
        <YearCard membership={membership} />
      </div>
      <UsageSection membership={membership} />
      {membership.state !== 'cancelled' && (
        <p className="portal-cancel">
          <Link to="/app/cancelar">{t('portal.home.cancel')}</Link>
        </p>
      )}
    </>
  );
}

function MembershipCard({ membership }: { membership: Membership }) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="home-membership">
      <h2 id="home-membership">{t('portal.home.membership')}</h2>
      <dl className="facts">
        <div>
          <dt>{t('portal.home.number')}</dt>
          <dd className="number" data-testid="membership-number">
            {membership.number}
          </dd>
        </div>
        <div>
          <dt>{t('portal.home.plan')}</dt>
          <dd>
            {t('portal.home.planVersion', { name: membership.plan.name, version: membership.plan.version })}
          </dd>
        </div>
        <div>
          <dt>{t('portal.home.state')}</dt>
          <dd>
            <StatusBadge tone={STATE_TONE[stateOf(membership)]}>
              {t(`portal.state.${stateOf(membership)}`)}
            </StatusBadge>
          </dd>
        </div>
      </dl>
      <StateExplained membership={membership} />
    </section>
  );
}

/** What the state means for the customer and what to do about it. */
function StateExplained({ membership }: { membership: Membership }) {
  const { t, lang } = useI18n();
  const cancellation = useCancellation(membership);
  const state = stateOf(membership);
  switch (state) {
    case 'trial':
      return (
        <p>
          {t('portal.state.trial.body', {
            date: membership.trialEndsAt ? formatCoveredThrough(membership.trialEndsAt, lang) : '',
          })}
        </p>
      );
    case 'active':
      return <p>{t('portal.state.active.body')}</p>;
    case 'past_due':
    case 'suspended':
      return (
        <div className="portal-alert">
          <p>{t(`portal.state.${state}.body`, { phone: PHONE.display })}</p>
          <p>
            <PhoneLink />
          </p>
          <div className="actions">
            <Button to="/app/tarjeta">{t('card.updateNow')}</Button>
            <Button to="/app/cobros" variant="secondary">
              {t('portal.state.seeCharges')}
            </Button>
          </div>
        </div>
      );
    case 'cancelled': {
      const cancelledAt = membership.cancelledAt ? formatDate(membership.cancelledAt, lang) : '';
      const endsAt = cancellation.data?.coverageEndsAt;
      if (!endsAt) return null;
      return (
        <p>
          {t('portal.state.cancelled.body', {
            date: cancelledAt,
            end: formatCoveredThrough(endsAt, lang),
          })}
        </p>
      );
    }
  }
}

function PaymentsCard({ membership }: { membership: Membership }) {
  const { t, lang } = useI18n();
  const price = useNextChargeAmount(membership);
  const trial = membership.state === 'trial' && membership.trialEndsAt;
  return (
    <section className="card" aria-labelledby="home-payments">
      <h2 id="home-payments">{t('portal.home.payments')}</h2>
      <dl className="facts">
        {trial && membership.trialEndsAt && (
          <div>
            <dt>{t('portal.home.freeUntil')}</dt>
            <dd data-testid="free-until">{formatCoveredThrough(membership.trialEndsAt, lang)}</dd>
          </div>
        )}
        <div>
          <dt>{t(trial ? 'portal.home.firstCharge' : 'portal.home.nextCharge')}</dt>
          <dd data-testid="next-charge">
            {membership.nextChargeOn && membership.state !== 'cancelled' ? (
              <>
                <DateTime value={membership.nextChargeOn} dateOnly />
                {price !== undefined && (
                  <>
                    {' · '}
                    <Money centavos={price} ivaIncluded />
                  </>
                )}
              </>
            ) : (
              t('portal.home.noNextCharge')
            )}
          </dd>
        </div>
        <div>
          <dt>{t('portal.home.card')}</dt>
          <dd>
            {cardSummary(membership.card, t)}
            <span className="facts-note">
              {t(membership.card.type === 'debit' ? 'portal.card.method.debit' : 'portal.card.method.credit')}
            </span>
          </dd>
        </div>
      </dl>
      <p>
        <Link to="/app/cobros">{t('portal.home.allCharges')}</Link>
        {membership.state !== 'cancelled' && (
          <>
            {' · '}
            <Link to="/app/tarjeta">{t('card.change')}</Link>
          </>
        )}
      </p>
    </section>
  );
}

/**
 * The next charge's amount: the plan's price when the version on sale is the membership's own,
 * otherwise the last charge's (the membership stays on the version it contracted).
 */
function useNextChargeAmount(membership: Membership): number | undefined {
  const plan = usePlan(membership.plan.code);
  const charges = useCharges(membership.id);
  if (plan.data && plan.data.version === membership.plan.version) return plan.data.price.totalCentavos;
  return charges.data?.[0]?.amount.totalCentavos;
}

function YearCard({ membership }: { membership: Membership }) {
  const { t, lang } = useI18n();
  const year = membership.membershipYear;
  return (
    <section className="card" aria-labelledby="home-year">
      <h2 id="home-year">{t('portal.home.year')}</h2>
      <p className="card-lead">{t('portal.home.yearNumber', { number: year.number })}</p>
      <p>
        {t('portal.home.yearRange', {
          from: formatDate(year.startsAt, lang),
          to: formatCoveredThrough(year.endsAt, lang),
        })}
      </p>
      <p>{t('portal.home.resets', { date: formatDate(year.resetsOn, lang) })}</p>
    </section>
  );
}

function UsageSection({ membership }: { membership: Membership }) {
  const { t, lang } = useI18n();
  const usage = useUsage(membership.id);
  return (
    <section className="section" aria-labelledby="home-usage">
      <h2 id="home-usage">{t('portal.home.usage')}</h2>
      <QueryView
        query={usage}
        loading={t('portal.usage.loading')}
        errorTitle={t('portal.usage.error')}
        errorDetail={(error) => problemDetail(error, t)}
        isEmpty={(data) => data.services.length === 0}
        empty={<EmptyState title={t('portal.usage.empty')} />}
      >
        {(data) => (
          <>
            <p>{t('portal.home.resets', { date: formatDate(data.membershipYear.resetsOn, lang) })}</p>
            <ul className="usage-list" data-testid="usage">
              {data.services.map((service) => (
                <li key={service.serviceCode} data-service={service.serviceCode}>
                  <ServiceLeft service={service} lang={lang} t={t} />
                </li>
              ))}
            </ul>
          </>
        )}
      </QueryView>
    </section>
  );
}
