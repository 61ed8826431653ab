import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { I18nProvider, useI18n } from './i18n/i18n.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { PlanPage } from './pages/PlanPage.tsx';
import { Layout } from './ui/Layout.tsx';
import { LoadingState } from './ui/States.tsx';

// The plan page is in the first bundle (it is the landing page); other pages load when visited.
const ContractPage = lazy(() => import('./pages/ContractPage.tsx'));

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 60_000, refetchOnWindowFocus: false } },
});

function Pages() {
  const { t } = useI18n();
  return (
    <Layout>
      <Suspense fallback={<LoadingState label={t('state.loading')} />}>
        <Routes>
          <Route path="/" element={<PlanPage />} />
          <Route path="/contratar" element={<ContractPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <BrowserRouter>
          <Pages />
        </BrowserRouter>
      </I18nProvider>
    </QueryClientProvider>
  );
}
