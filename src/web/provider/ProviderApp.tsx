import { lazy, Suspense, useEffect } from 'react';
import { Route, Routes } from 'react-router';
import { useStaffI18n } from '../staff/i18n.ts';
import { StaffBar } from '../staff/StaffBar.tsx';
import { StaffGate } from '../staff/StaffGate.tsx';
import { EmptyState, LoadingState } from '../ui/States.tsx';
import '../staff/staff.css';

const JobsPage = lazy(() => import('./pages/JobsPage.tsx'));
const JobPage = lazy(() => import('./pages/JobPage.tsx'));

/** `/proveedor`: the provider's app (mobile first, big buttons): offers, jobs and their progress. */
export default function ProviderApp() {
  const { t } = useStaffI18n();
  useEffect(() => {
    document.title = t('staff.provider');
  }, [t]);
  return (
    <div className="staff staff-provider">
      <StaffBar title={t('staff.provider')} home="/proveedor" />
      <StaffGate roles={['provider']} app="provider">
        <main id="main" className="provider-main" tabIndex={-1}>
          <Suspense fallback={<LoadingState label={t('staff.loading')} />}>
            <Routes>
              <Route index element={<JobsPage />} />
              <Route path="trabajos/:caseId" element={<JobPage />} />
              <Route path="*" element={<EmptyState title={t('staff.notFound')} />} />
            </Routes>
          </Suspense>
        </main>
      </StaffGate>
    </div>
  );
}
