import { useEffect } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { ApiProblem } from '../../api.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { useSession } from '../../session.tsx';
import { Button } from '../../ui/Button.tsx';
import { PhoneLink } from '../../ui/PhoneLink.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { useMyMembership, useOwnCoverage } from './membership.ts';
import { beneficiaryScope, type PortalScope, titularScope, usePortalScope } from './outlet.ts';
import { problemDetail } from './portal-data.ts';

type Section = { to: string; label: MessageKey; end?: boolean };

const TITULAR_SECTIONS: Section[] = [
  { to: '/app', label: 'portal.nav.home', end: true },
  { to: '/app/asistencia', label: 'portal.nav.assistance' },
  { to: '/app/personas', label: 'portal.nav.people' },
  { to: '/app/cobros', label: 'portal.nav.charges' },
  { to: '/app/quejas', label: 'portal.nav.complaints' },
  { to: '/app/cuenta', label: 'portal.nav.account' },
];
/** A beneficiary's own account: help for themselves, their complaints, their password. */
const BENEFICIARY_SECTIONS: Section[] = [
  { to: '/app', label: 'portal.nav.home', end: true },
  { to: '/app/asistencia', label: 'portal.nav.assistance' },
  { to: '/app/quejas', label: 'portal.nav.complaints' },
  { to: '/app/cuenta', label: 'portal.nav.account' },
];

/**
 * The signed-in customer's portal: greeting, sections, and the section's page below. The titular
 * sees their membership; an account that holds none may be a beneficiary's own, which sees its
 * coverage under the titular's membership and only its own sections.
 */
export default function PortalLayout() {
  const { t } = useI18n();
  const { user, signOut } = useSession();
  const navigate = useNavigate();
  const mine = useMyMembership();
  const coverage = useOwnCoverage(mine.isSuccess && !mine.membership);

  useEffect(() => {
    document.title = `${t('portal.nav')} · ${t('site.title')}`;
  }, [t]);

  return (
    <div className="portal">
      <div className="portal-head">
        <p>{t('portal.greeting', { name: user?.name ?? '' })}</p>
        <Button
          variant="secondary"
          onClick={() => void signOut().finally(() => navigate('/entrar', { replace: true }))}
        >
          {t('portal.signOut')}
        </Button>
      </div>
      <QueryView
        query={mine}
        loading={t('portal.loading')}
        errorTitle={t('portal.error.title')}
        errorDetail={(e) => problemDetail(e, t)}
      >
        {() =>
          mine.membership ? (
            <Sections scope={titularScope(mine.membership)} />
          ) : (
            <QueryView
              query={coverage}
              loading={t('portal.loading')}
              errorTitle={t('portal.error.title')}
              errorDetail={(e) => problemDetail(e, t)}
              missing={{
                when: (e) => e instanceof ApiProblem && (e.status === 404 || e.status === 403),
                view:
                  coverage.error instanceof ApiProblem && coverage.error.status === 403 ? (
                    <EmptyState title={t('beneficiary.ended.title')}>
                      <p>{coverage.error.detail}</p>
                      <p>
                        <PhoneLink />
                      </p>
                    </EmptyState>
                  ) : (
                    <EmptyState title={t('portal.none.title')}>
                      <p>{t('portal.none.body')}</p>
                      <Button to="/contratar">{t('portal.none.cta')}</Button>
                    </EmptyState>
                  ),
              }}
            >
              {(data) => <Sections scope={beneficiaryScope(data)} />}
            </QueryView>
          )
        }
      </QueryView>
    </div>
  );
}

function Sections({ scope }: { scope: PortalScope }) {
  const { t } = useI18n();
  const sections = scope.kind === 'titular' ? TITULAR_SECTIONS : BENEFICIARY_SECTIONS;
  return (
    <>
      <nav className="portal-nav" aria-label={t('portal.nav')}>
        <ul>
          {sections.map((s) => (
            <li key={s.to}>
              <NavLink to={s.to} end={s.end}>
                {t(s.label)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet context={scope} />
    </>
  );
}

/**
 * The titular's own sections (people, charges, receipts, card, cancellation, ARCO): a
 * beneficiary's account is told so and never reaches the API for them.
 */
export function TitularOnly() {
  const { t } = useI18n();
  const scope = usePortalScope();
  if (scope.kind === 'titular') return <Outlet context={scope} />;
  return (
    <EmptyState title={t('beneficiary.titularOnly.title')}>
      <p>{t('beneficiary.titularOnly.body', { name: scope.coverage.membership.titularName })}</p>
      <Button to="/app">{t('beneficiary.titularOnly.home')}</Button>
    </EmptyState>
  );
}
