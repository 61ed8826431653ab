import { useEffect } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { ApiProblem } from '../../api.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { useSession } from '../../session.tsx';
import { Button } from '../../ui/Button.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { useMyMembership } from './membership.ts';

const SECTIONS: { to: string; label: MessageKey; end?: boolean }[] = [
  { to: '/app', label: 'portal.nav.home', end: true },
  { to: '/app/asistencia', label: 'portal.nav.assistance' },
  { to: '/app/personas', label: 'portal.nav.people' },
  { to: '/app/cobros', label: 'portal.nav.charges' },
  { to: '/app/quejas', label: 'portal.nav.complaints' },
  { to: '/app/cuenta', label: 'portal.nav.account' },
];

/** The signed-in customer's portal: greeting, sections, and the section's page below. */
export default function PortalLayout() {
  const { t } = useI18n();
  const { user, signOut } = useSession();
  const navigate = useNavigate();
  const mine = useMyMembership();

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
      <nav className="portal-nav" aria-label={t('portal.nav')}>
        <ul>
          {SECTIONS.map((s) => (
            <li key={s.to}>
              <NavLink to={s.to} end={s.end}>
                {t(s.label)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <QueryView
        query={mine}
        loading={t('portal.loading')}
        errorTitle={t('portal.error.title')}
        errorDetail={(e) => (e instanceof ApiProblem && e.detail ? e.detail : t('state.error.network'))}
        isEmpty={() => !mine.membership}
        empty={
          <EmptyState title={t('portal.none.title')}>
            <p>{t('portal.none.body')}</p>
            <Button to="/contratar">{t('portal.none.cta')}</Button>
          </EmptyState>
        }
      >
        {() => <Outlet context={mine.membership} />}
      </QueryView>
    </div>
  );
}
