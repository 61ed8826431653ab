/**
 * Customer web benchmark (issue 10): each page's JavaScript gzipped (target under 200 KB) and the
 * plan page's first meaningful render in Chromium on localhost (target under 1 s): the time from
 * navigation start to the moment the plan from the API is on screen (the page's
 * `libra:plan-rendered` mark), in a fresh browser context (cold cache) each run.
 * Runs the whole app on an in-memory PGlite; needs /usr/bin/chromium for the render half.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildApp, buildServices } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { systemClock } from '../src/lib/clock.ts';
import { ensureWebBuild, WEB_DIST_DIR } from '../src/platform/web-build.ts';
import { seed } from '../src/seed.ts';
import { hasChromium, INSTALL_CHROMIUM, launchChromium } from '../test/support/browser.ts';
import type { Printer } from './support.ts';

const TARGET_JS_KB = 200;
const TARGET_RENDER_MS = 1000;
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

/** Each page and the modules (Vite manifest keys) it loads before it shows anything. */
const PAGES = [
  { name: 'plan', path: '/', modules: ['index.html'] },
  { name: 'contratar', path: '/contratar', modules: ['index.html', 'pages/ContractPage.tsx'] },
  { name: 'entrar', path: '/entrar', modules: ['index.html', 'pages/SignInPage.tsx'] },
  ...[
    ['app', '/app', 'HomePage'],
    ['asistencia', '/app/asistencia', 'AssistancePage'],
    ['caso', '/app/casos/:id', 'CasePage'],
    ['personas', '/app/personas', 'PeoplePage'],
    ['cobros', '/app/cobros', 'ChargesPage'],
    ['recibo', '/app/cobros/:id', 'ReceiptPage'],
    ['quejas', '/app/quejas', 'ComplaintsPage'],
    ['cancelar', '/app/cancelar', 'CancelPage'],
    ['cuenta', '/app/cuenta', 'AccountPage'],
  ].map(([name, path, page]) => ({
    name: name as string,
    path: path as string,
    // A portal page loads the portal's shell and its own module.
    modules: ['index.html', 'pages/portal/PortalLayout.tsx', `pages/portal/${page}.tsx`],
  })),
];

interface ManifestChunk {
  file: string;
  imports?: string[];
}

function pageJavaScript(manifest: Record<string, ManifestChunk>, modules: string[]): number {
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const key of modules) visit(key);
  let bytes = 0;
  for (const file of files) bytes += gzipSync(readFileSync(path.join(WEB_DIST_DIR, file))).length;
  return bytes;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;

export async function webBenchmark(say: Printer): Promise<Record<string, unknown>> {
  if (await ensureWebBuild({ quiet: true })) say('built the customer web into dist/web');
  const manifest = JSON.parse(readFileSync(path.join(WEB_DIST_DIR, '.vite/manifest.json'), 'utf8'));
  const js: Record<string, number> = {};
  for (const page of PAGES) {
    const kb = pageJavaScript(manifest, page.modules) / 1024;
    js[page.name] = Number(kb.toFixed(1));
    say(`${page.path.padEnd(12)} JavaScript ${kb.toFixed(1)} KB gzipped (target < ${TARGET_JS_KB} KB)`);
  }
  const maxJs = Math.max(...Object.values(js));
  const result: Record<string, unknown> = {
    name: 'web',
    js_gzip_kb: js,
    max_js_gzip_kb: maxJs,
    js_target_kb: TARGET_JS_KB,
  };
  if (!hasChromium) {
    say(INSTALL_CHROMIUM.replace('browser tests', 'render time'));
    return { ...result, render_ms: null, ok: maxJs < TARGET_JS_KB };
  }

  const database = await openDatabase({});
  await migrateDatabase(database);
  await seed(buildServices(database, systemClock), { demo: false });
  const app = await buildApp({
    config: loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
    }),
    database,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  try {
    const render: number[] = [];
    const paint: number[] = [];
    // The first run warms the server (JIT, PGlite) and is not counted.
    for (let run = 0; run <= RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'es-MX' });
      const page = await context.newPage();
      await page.goto(`${base}/`);
      await page.waitForFunction(() => performance.getEntriesByName('libra:plan-rendered').length > 0);
      const times = (await page.evaluate(`({
        rendered: performance.getEntriesByName('libra:plan-rendered')[0].startTime,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      })`)) as { rendered: number; fcp: number | null };
      await context.close();
      if (run === 0) continue;
      render.push(times.rendered);
      if (times.fcp !== null) paint.push(times.fcp);
    }
    render.sort((a, b) => a - b);
    paint.sort((a, b) => a - b);
    const median = percentile(render, 50);
    const worst = render[render.length - 1] as number;
    say(
      `plan page first meaningful render: median ${median.toFixed(0)} ms, p90 ${percentile(render, 90).toFixed(0)} ms, ` +
        `max ${worst.toFixed(0)} ms over ${RUNS} cold loads (target < ${TARGET_RENDER_MS} ms)`,
    );
    if (paint.length > 0) say(`first contentful paint: median ${percentile(paint, 50).toFixed(0)} ms`);
    return {
      ...result,
      render_median_ms: Math.round(median),
      render_p90_ms: Math.round(percentile(render, 90)),
      render_max_ms: Math.round(worst),
      render_target_ms: TARGET_RENDER_MS,
      fcp_median_ms: paint.length > 0 ? Math.round(percentile(paint, 50)) : null,
      runs: RUNS,
      ok: maxJs < TARGET_JS_KB && percentile(render, 90) < TARGET_RENDER_MS,
    };
  } finally {
    await browser.close();
    await app.close();
    await database.close();
  }
}
