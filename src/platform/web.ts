import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../lib/errors.ts';
import { PUBLIC } from './principal.ts';

/**
 * The pages the customer web (React, src/web) answers; each serves the built index.html and the
 * app routes in the browser. Everything else that is not a file under /assets/ stays the API's:
 * an unknown path is a problem+json 404, never the app.
 */
export const WEB_PAGES = [
  '/',
  '/contratar',
  '/entrar',
  '/activar',
  '/aviso-de-privacidad',
  '/app',
  '/app/*',
  '/console',
  '/console/*',
  '/proveedor',
  '/proveedor/*',
  '/ubicacion/*',
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
