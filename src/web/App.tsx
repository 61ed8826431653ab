import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { RETRY_DELAY_MS, retryPolicy } from './api.ts';
import { I18nProvider, useI18n } from './i18n/i18n.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { PlanPage } from './pages/PlanPage.tsx';
import { RequireCustomer, SessionProvider } from './session.tsx';
import { Layout } from './ui/Layout.tsx';
import { LoadingState } from './ui/States.tsx';

// The plan page is in the first bundle (it is the landing page); other pages load when visited.
const ContractPage = lazy(() => import('./pages/ContractPage.tsx'));
const SignInPage = lazy(() => import('./pages/SignInPage.tsx'));
const ActivatePage = lazy(() => import('./pages/ActivatePage.tsx'));
const InvitationPage = lazy(() => import('./pages/InvitationPage.tsx'));
const PrivacyNoticePage = lazy(() => import('./pages/PrivacyNoticePage.tsx'));
const TermsPage = lazy(() => import('./pages/TermsPage.tsx'));
// The page a caller opens from an agent's SMS: its own small chunk, nothing of the portal.
const LocationPage = lazy(() => import('./pages/location/LocationPage.tsx'));
const PortalLayout = lazy(() => import('./pages/portal/PortalLayout.tsx'));
const TitularOnly = lazy(() =>
  import('./pages/portal/PortalLayout.tsx').then((m) => ({ default: m.TitularOnly })),
);
const HomePage = lazy(() => import('./pages/portal/HomePage.tsx'));
const AssistancePage = lazy(() => import('./pages/portal/AssistancePage.tsx'));
const CasePage = lazy(() => import('./pages/portal/CasePage.tsx'));
const PeoplePage = lazy(() => import('./pages/portal/PeoplePage.tsx'));
const ChargesPage = lazy(() => import('./pages/portal/ChargesPage.tsx'));
const ReceiptPage = lazy(() => import('./pages/portal/ReceiptPage.tsx'));
const ComplaintsPage = lazy(() => import('./pages/portal/ComplaintsPage.tsx'));
const CancelPage = lazy(() => import('./pages/portal/CancelPage.tsx'));
const AccountPage = lazy(() => import('./pages/portal/AccountPage.tsx'));
const ArcoPage = lazy(() => import('./pages/portal/ArcoPage.tsx'));
const CardPage = lazy(() => import('./pages/portal/CardPage.tsx'));
// The staff apps are their own chunks, with their own message catalogue: none of it reaches the public pages.
const ConsoleApp = lazy(() => import('./console/ConsoleApp.tsx'));
const ProviderApp = lazy(() => import('./provider/ProviderApp.tsx'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 60_000,
      refetchOnWindowFocus: false,
      retry: retryPolicy,
      retryDelay: RETRY_DELAY_MS,
    },
  },
});

function Pages() {
  const { t } = useI18n();
  const loading = <LoadingState label={t('state.loading')} />;
  return (
    <Routes>
      <Route
        path="/console/*"
        element={
          <Suspense fallback={loading}>
            <ConsoleApp />
          </Suspense>
        }
      />
      <Route
        path="/proveedor/*"
        element={
          <Suspense fallback={loading}>
            <ProviderApp />
          </Suspense>
        }
      />
      <Route path="*" element={<CustomerSite />} />
    </Routes>
  );
}

/** The public site and the customer's portal, in the customer layout. */
function CustomerSite() {
  const { t } = useI18n();
  return (
    <Layout>
      <Suspense fallback={<LoadingState label={t('state.loading')} />}>
        <Routes>
          <Route path="/" element={<PlanPage />} />
          <Route path="/contratar" element={<ContractPage />} />
          <Route path="/entrar" element={<SignInPage />} />
          <Route path="/activar" element={<ActivatePage />} />
          <Route path="/invitacion/:token" element={<InvitationPage />} />
          <Route path="/aviso-de-privacidad" element={<PrivacyNoticePage />} />
          <Route path="/terminos" element={<TermsPage />} />
          <Route path="/ubicacion/:token" element={<LocationPage />} />
          <Route
            path="/app"
            element={
              <RequireCustomer>
                <PortalLayout />
              </RequireCustomer>
            }
          >
            {/* Both the titular and a beneficiary's own account. */}
            <Route index element={<HomePage />} />
            <Route path="asistencia" element={<AssistancePage />} />
            <Route path="casos/:caseId" element={<CasePage />} />
            <Route path="quejas" element={<ComplaintsPage />} />
            <Route path="cuenta" element={<AccountPage />} />
            {/* The titular's alone. */}
            <Route element={<TitularOnly />}>
              <Route path="personas" element={<PeoplePage />} />
              <Route path="cobros" element={<ChargesPage />} />
              <Route path="cobros/:chargeId" element={<ReceiptPage />} />
              <Route path="cancelar" element={<CancelPage />} />
              <Route path="derechos-arco" element={<ArcoPage />} />
              <Route path="tarjeta" element={<CardPage />} />
            </Route>
          </Route>
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
        <SessionProvider>
          <BrowserRouter>
            <Pages />
          </BrowserRouter>
        </SessionProvider>
      </I18nProvider>
    </QueryClientProvider>
  );
}
