import type { FastifyInstance } from 'fastify';
import type { CatalogService } from '../domains/catalog/service.ts';
import { PUBLIC } from '../domains/identity/principal.ts';
import { formatMoney } from '../lib/money.ts';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * A plain landing page until the customer site (React) replaces it: it shows the plans from the
 * catalog and points developers to the API docs. Server-rendered, no script.
 */
export async function siteRoutes(app: FastifyInstance, { catalog }: { catalog: CatalogService }) {
  app.get('/', { schema: { hide: true }, config: { policy: PUBLIC } }, async (_request, reply) => {
    const plans = await catalog.listPlans();
    const cards = plans
      .map(
        (plan) => `<section class="plan">
  <h2>${escapeHtml(plan.name)}${plan.illustrative ? ' <small>(valores ilustrativos)</small>' : ''}</h2>
  <p class="price">${escapeHtml(formatMoney(plan.price.totalCentavos))} al mes <small>IVA incluido</small></p>
  <p>${escapeHtml(plan.summary.es)}</p>
  <ul>${plan.services
    .map((s) => `<li><strong>${escapeHtml(s.name.es)}</strong>: ${escapeHtml(s.summary.es)}</li>`)
    .join('')}</ul>
</section>`,
      )
      .join('\n');
    reply.type('text/html; charset=utf-8');
    return `<!doctype html>
<html lang="es-MX">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Asistencia Libra Plus</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#0f1f3d;background:#fff;line-height:1.5}
header{background:#0b3a75;color:#fff;padding:1.5rem}
main{max-width:60rem;margin:0 auto;padding:1rem}
.plan{border:1px solid #cfd8e3;border-radius:12px;padding:1rem;margin:1rem 0}
.price{font-size:1.5rem;color:#00786f;font-weight:700}
a{color:#0b3a75}
</style>
</head>
<body>
<header><h1>Asistencia Libra Plus</h1><p>Contrata en línea y recibe gratis dos meses de cobertura. Llámanos al 55 5480 0900, las 24 horas.</p></header>
<main>
${cards}
<p><a href="/docs">Documentación de la API</a> · <a href="/v1/plans">Planes (JSON)</a></p>
</main>
</body>
</html>`;
  });
}
