import { lazy, Suspense, useEffect } from 'react';
import { Navigate, NavLink, Route, Routes, useNavigate } from 'react-router';
import { useSession } from '../session.tsx';
import { useStaffI18n } from '../staff/i18n.ts';
import { StaffBar } from '../staff/StaffBar.tsx';
import { StaffGate } from '../staff/StaffGate.tsx';
import { EmptyState, LoadingState } from '../ui/States.tsx';
import { CONSOLE_ROLES, homeOf, mayOpen, SECTIONS, sectionsFor } from './nav.ts';
import '../staff/staff.css';

const SearchPage = lazy(() => import('./pages/SearchPage.tsx'));
const MemberPage = lazy(() => import('./pages/MemberPage.tsx'));
const NewCasePage = lazy(() => import('./pages/NewCasePage.tsx'));
const CasePage = lazy(() => import('./pages/CasePage.tsx'));
const CaseBoardPage = lazy(() => import('./pages/CaseBoardPage.tsx'));
const ComplaintsPage = lazy(() => import('./pages/ComplaintsPage.tsx'));
const ChargesPage = lazy(() => import('./pages/ChargesPage.tsx'));
const ArcoQueuePage = lazy(() => import('./pages/ArcoQueuePage.tsx'));
const DashboardPage = lazy(() => import('./pages/DashboardPage.tsx'));
const AuditPage = lazy(() => import('./pages/AuditPage.tsx'));
const UsersPage = lazy(() => import('./pages/UsersPage.tsx'));
const ApiKeysPage = lazy(() => import('./pages/ApiKeysPage.tsx'));
const PlansPage = lazy(() => import('./pages/PlansPage.tsx'));

/** `/console`: the operator's tools for agents, supervisors, finance and admins (desktop first). */
export default function ConsoleApp() {
  const { t } = useStaffI18n();
  useEffect(() => {
    document.title = t('staff.console');
  }, [t]);
  return (
    <div className="staff staff-console">
      <StaffBar title={t('staff.console')} home="/console" />
      <StaffGate roles={CONSOLE_ROLES} app="console">
        <ConsoleFrame />
      </StaffGate>
    </div>
  );
}

function ConsoleFrame() {
  const { t } = useStaffI18n();
  const { user } = useSession();
  const role = user?.role ?? '';
  const sections = sectionsFor(role);
  useSectionShortcuts(role);
  const guard = (path: string, page: React.ReactNode) =>
    mayOpen(role, path) ? page : <EmptyState title={t('staff.notFound')} />;
  return (
    <div className="console-frame">
      <nav className="console-nav" aria-label={t('staff.nav')}>
        <ul>
          {sections.map((s) => (
            <li key={s.path}>
              <NavLink
                to={`/console/${s.path}`}
                aria-keyshortcuts={s.key ? `Alt+${s.key.toUpperCase()}` : undefined}
              >
                {t(s.label)}
                {s.key && <kbd>Alt+{s.key.toUpperCase()}</kbd>}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="console-main" tabIndex={-1}>
        <Suspense fallback={<LoadingState label={t('staff.loading')} />}>
          <Routes>
            <Route index element={<Navigate to={homeOf(role)} replace />} />
            <Route path="miembros" element={guard('miembros', <SearchPage />)} />
            <Route path="miembros/:membershipId" element={guard('miembros', <MemberPage />)} />
            <Route path="miembros/:membershipId/asistencia" element={guard('casos', <NewCasePage />)} />
            <Route path="casos" element={guard('casos', <CaseBoardPage />)} />
            <Route path="casos/:caseId" element={guard('miembros', <CasePage />)} />
            <Route path="quejas" element={guard('quejas', <ComplaintsPage />)} />
            <Route path="cobros" element={guard('cobros', <ChargesPage />)} />
            <Route path="derechos-arco" element={guard('derechos-arco', <ArcoQueuePage />)} />
            <Route path="tablero" element={guard('tablero', <DashboardPage />)} />
            <Route path="auditoria" element={guard('auditoria', <AuditPage />)} />
            <Route path="admin/cuentas" element={guard('admin/cuentas', <UsersPage />)} />
            <Route path="admin/llaves" element={guard('admin/llaves', <ApiKeysPage />)} />
            <Route path="admin/planes" element={guard('admin/planes', <PlansPage />)} />
            <Route path="*" element={<EmptyState title={t('staff.notFound')} />} />
          </Routes>
        </Suspense>
      </main>
    </div>
  );
}

/**
 * Alt + a section's key opens it, from anywhere but a text field's own shortcuts (Alt combinations
 * type nothing in es-MX or US layouts). `/` focuses the page's search box, as in most consoles.
 */
function useSectionShortcuts(role: string) {
  const navigate = useNavigate();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey && !event.ctrlKey && !event.metaKey) {
        const section = SECTIONS.find(
          (s) => s.key === event.key.toLowerCase() && (s.roles as readonly string[]).includes(role),
        );
        if (section) {
          event.preventDefault();
          navigate(`/console/${section.path}`);
        }
        return;
      }
      const target = event.target as HTMLElement | null;
      const typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (event.key === '/' && !typing) {
        const search = document.querySelector<HTMLInputElement>('[data-shortcut="search"]');
        if (search) {
          event.preventDefault();
          search.focus();
        } else if (mayOpen(role, 'miembros')) {
          event.preventDefault();
          navigate('/console/miembros');
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate, role]);
}
