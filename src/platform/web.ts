import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.ts';
import { PUBLIC } from './principal.ts';
import { planRenderModule } from './web-build.ts';

/**
 * The pages the customer web (React, src/web) answers; each serves the built index.html and the
 * app routes in the browser. Everything else that is not a file under /assets/ stays the API's:
 * an unknown path is a 404 — problem+json, or, to a browser asking for a page, the app's own
 * "page not found" (browserNotFound), never the app with a 200.
 */
export const WEB_PAGES = [
  '/',
  '/contratar',
  '/entrar',
  '/activar',
  '/aviso-de-privacidad',
  '/terminos',
  '/app',
  '/app/*',
  '/console',
  '/console/*',
  '/proveedor',
  '/proveedor/*',
  '/ubicacion/*',
  '/invitacion/*',
] as const;
export const WEB_ASSETS = '/assets/*';

/** What the plan page shows, as the catalog's public reads answer it (GET /v1/plans/{code}, GET /v1/plans). */
export interface PlanPageData {
  plan: unknown;
  plans: unknown[];
}

/**
 * Serves dist/web: hashed assets (cached for a year) and the pages (`no-cache`: revalidated, with
 * an ETag). `/` is the plan page rendered on the server when `planPage` gives its data (see
 * planPageRenderer); the app's index.html otherwise.
 */
export async function webRoutes(
  app: FastifyInstance,
  { dir, planPage }: { dir: string; planPage?: (code: string) => Promise<PlanPageData> },
) {
  await app.register(async (web) => {
    // @fastify/static registers its own route; it is public, declared here since it cannot.
    web.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), policy: PUBLIC };
    });
    await web.register(fastifyStatic, {
      root: path.join(dir, 'assets'),
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      immutable: true,
      maxAge: '365d',
    });
  });

  const indexFile = path.join(dir, 'index.html');
  const renderPlan = planPage ? planPageRenderer(dir, planPage, app.log) : undefined;
  for (const url of WEB_PAGES) {
    app.get(url, { schema: { hide: true }, config: { policy: PUBLIC } }, async (request, reply) => {
      let html = url === '/' && renderPlan ? await renderPlan() : undefined;
      if (html === undefined) {
        try {
          html = await readFile(indexFile, 'utf8');
        } catch (cause) {
          throw new AppError('SERVICE_UNAVAILABLE', {
            detail: 'The customer web is not built: run `npm run build` (npm start builds it).',
            cause,
          });
        }
      }
      const etag = `"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`;
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('etag', etag);
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return html;
    });
  }
}

interface RenderedPlanPage {
  lang: string;
  title: string;
  html: string;
}
type RenderPlanPage = (data: PlanPageData) => RenderedPlanPage[];

const escapeAttribute = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * The plan page with the catalog's plan in its first HTML: the build's plan.html shell filled with
 * the server render (dist/web/ssr/render.js, made by the same `npm run build`) in Spanish, and in
 * English inside a <template> the page's script swaps in. The catalog is read on every request (a
 * new plan version shows at once); the render is kept for as long as those answers and the build
 * stay the same. Undefined — the app's index.html, which fetches the plan itself — when the build
 * has no render or the catalog cannot answer (a plan not on sale: the app shows its empty state).
 */
export function planPageRenderer(
  dir: string,
  planPage: (code: string) => Promise<PlanPageData>,
  log: Pick<FastifyInstance['log'], 'warn'>,
): () => Promise<string | undefined> {
  const renderFile = planRenderModule(dir);
  const shellFile = path.join(dir, 'plan.html');
  let cached: { key: string; html: string } | undefined;
  return async () => {
    let build: string;
    try {
      const [render, shell] = await Promise.all([stat(renderFile), stat(shellFile)]);
      build = `${render.mtimeMs}:${shell.mtimeMs}`;
    } catch {
      return undefined;
    }
    let module: { renderPlanPage: RenderPlanPage; PLAN_CODE: string };
    let data: PlanPageData;
    try {
      module = await import(`${pathToFileURL(renderFile).href}?v=${encodeURIComponent(build)}`);
    } catch (error) {
      log.warn({ err: error }, 'the plan page render could not be loaded; serving the app');
      return undefined;
    }
    try {
      data = await planPage(module.PLAN_CODE);
    } catch {
      return undefined;
    }
    const key = `${build}\n${JSON.stringify(data)}`;
    if (cached?.key === key) return cached.html;
    try {
      const [first, ...others] = module.renderPlanPage(data);
      if (!first) return undefined;
      const shell = await readFile(shellFile, 'utf8');
      const html = shell
        .replace('<!--plan-title-->', () => escapeText(first.title))
        .replace('<!--plan-page-->', () => first.html)
        .replace('<!--plan-other-languages-->', () =>
          others
            .map(
              (page) =>
                `<template data-plan-lang="${escapeAttribute(page.lang)}" data-title="${escapeAttribute(page.title)}">${page.html}</template>`,
            )
            .join(''),
        );
      cached = { key, html };
      return html;
    } catch (error) {
      log.warn({ err: error }, 'the plan page could not be rendered on the server; serving the app');
      return undefined;
    }
  };
}

/** Paths that are the API's or its tools', whatever the caller accepts: their 404 is problem+json. */
const API_PATHS = /^\/(v\d+|assets|docs|openapi\.json|health|metrics)(\/|$|\?)/;

/**
 * Whether the request is a browser asking for a page: a GET or HEAD outside the API's paths whose
 * Accept prefers HTML to JSON (a browser's navigation sends `text/html,…`; fetch, curl and API
 * clients send JSON, problem+json or nothing).
 */
export function wantsPage(request: Pick<FastifyRequest, 'method' | 'url' | 'headers'>): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (API_PATHS.test(request.url)) return false;
  const accept = String(request.headers.accept ?? '').toLowerCase();
  const quality = (type: RegExp) => {
    let best = -1;
    for (const part of accept.split(',')) {
      const [range = '', ...params] = part.trim().split(';');
      if (!type.test(range.trim())) continue;
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      best = Math.max(best, q ? Number(q.slice(2)) || 0 : 1);
    }
    return best;
  };
  const html = quality(/^text\/html$/);
  return html > 0 && html >= quality(/^application\/(problem\+)?json$/);
}

/**
 * The web's page for an unknown URL a browser asked for: the built index.html (the app shows its
 * 404 page for any path it does not know), or undefined — problem+json — when it is not built.
 */
export function browserNotFound(dir: string) {
  const indexFile = path.join(dir, 'index.html');
  return async (request: Pick<FastifyRequest, 'method' | 'url' | 'headers'>): Promise<string | undefined> => {
    if (!wantsPage(request)) return undefined;
    try {
      return await readFile(indexFile, 'utf8');
    } catch {
      return undefined;
    }
  };
}
