import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.ts';
import { PUBLIC } from './principal.ts';

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

/** Serves dist/web: hashed assets (cached for a year) and the pages (never cached). */
export async function webRoutes(app: FastifyInstance, { dir }: { dir: string }) {
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
  for (const url of WEB_PAGES) {
    app.get(url, { schema: { hide: true }, config: { policy: PUBLIC } }, async (_request, reply) => {
      let html: string;
      try {
        html = await readFile(indexFile, 'utf8');
      } catch (cause) {
        throw new AppError('SERVICE_UNAVAILABLE', {
          detail: 'The customer web is not built: run `npm run build` (npm start builds it).',
          cause,
        });
      }
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache');
      return html;
    });
  }
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
