import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the customer web's sources and its build live (vite.config.ts says the same). */
export const REPO_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const WEB_SOURCE_DIR = path.join(REPO_DIR, 'src/web');
export const WEB_DIST_DIR = path.join(REPO_DIR, 'dist/web');
const VITE_CONFIG = path.join(REPO_DIR, 'vite.config.ts');
/** The plan page's server render (Vite's SSR build of src/web/plan-page/render.tsx), inside the build. */
export const PLAN_RENDER_ENTRY = path.join(WEB_SOURCE_DIR, 'plan-page/render.tsx');
export const planRenderModule = (webDir: string) => path.join(webDir, 'ssr/render.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** True when dist/web (the app and the plan page's server render) is missing or older than any source it is built from. */
export function webBuildIsStale(dist: string = WEB_DIST_DIR): boolean {
  const index = path.join(dist, 'index.html');
  const render = planRenderModule(dist);
  if (!existsSync(index) || !existsSync(render)) return true;
  const sources = Math.max(
    newestMtime(WEB_SOURCE_DIR),
    statSync(VITE_CONFIG).mtimeMs,
    statSync(path.join(REPO_DIR, 'package-lock.json')).mtimeMs,
  );
  return Math.min(statSync(index).mtimeMs, statSync(render).mtimeMs) < sources;
}

/**
 * Builds the web with Vite (imported only here: serving a fresh build never loads it): the app
 * into dist/web, then the plan page's server render into dist/web/ssr (never served as a file).
 */
export async function buildWeb(options: { quiet?: boolean } = {}): Promise<void> {
  const { build } = await import('vite');
  // Always React's production build, even when called from the test run (NODE_ENV=test).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    const logLevel = options.quiet ? 'warn' : 'info';
    await build({ configFile: VITE_CONFIG, mode: 'production', logLevel });
    await build({
      configFile: VITE_CONFIG,
      mode: 'production',
      logLevel,
      build: {
        ssr: PLAN_RENDER_ENTRY,
        outDir: path.dirname(planRenderModule(WEB_DIST_DIR)),
        emptyOutDir: false,
        manifest: false,
        rollupOptions: { input: PLAN_RENDER_ENTRY, output: { entryFileNames: 'render.js' } },
      },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

/** Builds the web when its build is missing or stale; says whether it built. */
export async function ensureWebBuild(options: { quiet?: boolean } = {}): Promise<boolean> {
  if (!webBuildIsStale()) return false;
  await buildWeb(options);
  return true;
}
