import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Whether an answer is public content, the same for everyone: a public route's successful read
 * (the plan catalog, the legal versions, /health, /openapi.json, the docs, the web's pages and
 * assets). Public routes that are writes are not: signing in, contracting and tokenizing a card
 * are public routes whose answers are someone's account, membership or card.
 */
export function isPublicContent(request: FastifyRequest, statusCode: number): boolean {
  return (
    request.routeOptions.config?.policy?.allow === 'public' &&
    (request.method === 'GET' || request.method === 'HEAD') &&
    !request.is404 &&
    statusCode < 400
  );
}

/**
 * `Cache-Control: no-store` on every answer that is not public content — every answer of a route
 * that needs a session or a key, public writes, and every error (problem+json) — so that no
 * browser, proxy or shared cache keeps a copy of someone's data, nor shows a stale refusal. Public
 * content keeps the caching its route chose (hashed assets a year, pages `no-cache`, none for the
 * API's public reads). One hook here rather than a header per route, so a new route is covered
 * from its first line. Streams (Server-Sent Events) write their own headers, `no-store` too.
 */
export const cacheControlPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onSend', async (request, reply, payload) => {
      if (isPublicContent(request, reply.statusCode)) return payload;
      const current = reply.getHeader('cache-control');
      // A route may say more (a claim's document: `private, no-store`); it keeps its words.
      if (typeof current !== 'string' || !/\bno-store\b/.test(current))
        reply.header('cache-control', 'no-store');
      return payload;
    });
  },
  { name: 'cache-control' },
);
