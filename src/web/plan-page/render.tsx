import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderToString } from 'react-dom/server';
import { StaticRouter } from 'react-router';
import type { PlanView } from '../api.ts';
import { I18nProvider } from '../i18n/i18n.tsx';
import { catalogues, type Lang } from '../i18n/messages.ts';
import { PLAN_CODE, PlanPage } from '../pages/PlanPage.tsx';
import { Layout } from '../ui/Layout.tsx';

/**
 * The plan page rendered on the server (Vite's SSR build of this file, dist/web/ssr/render.js,
 * loaded by src/platform/web.ts): the same components the app renders, with the catalog's answers
 * already in their queries, so the price, the benefits and "Contratar" are in the first HTML.
 * The page in the browser is not hydrated by React: src/web/plan-page/island.ts adds the little it
 * does (the language switch, "Mi cuenta" for a signed-in customer) in a few KB.
 */
export interface PlanPageData {
  plan: PlanView;
  plans: PlanView[];
}

export interface RenderedPlanPage {
  lang: Lang;
  title: string;
  html: string;
}

function render(data: PlanPageData, lang: Lang): RenderedPlanPage {
  const queries = new QueryClient({ defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY } } });
  queries.setQueryData(['plan', PLAN_CODE], data.plan);
  queries.setQueryData(['plans'], { data: data.plans });
  const html = renderToString(
    <QueryClientProvider client={queries}>
      <I18nProvider initial={lang}>
        <StaticRouter location="/">
          <Layout prerendered>
            <PlanPage />
          </Layout>
        </StaticRouter>
      </I18nProvider>
    </QueryClientProvider>,
  );
  return { lang, title: catalogues[lang]['site.title'], html };
}

/** The page in Spanish and in English (the switch shows the other without asking the server). */
export function renderPlanPage(data: PlanPageData): RenderedPlanPage[] {
  return [render(data, 'es'), render(data, 'en')];
}

export { PLAN_CODE };
