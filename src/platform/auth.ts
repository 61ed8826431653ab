import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../lib/errors.ts';
import { type Actor, allows, type Principal, PUBLIC, type RoutePolicy } from './principal.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route and which record it concerns. Required: routes without one are refused. */
    policy?: RoutePolicy;
  }
  interface FastifyInstance {
    /** Every route registered after the auth plugin, with its policy, for the tests that walk them all. */
    registeredRoutes: { method: string; url: string; policy?: RoutePolicy }[];
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** The raw session token when the caller came with a session cookie (for CSRF checks). */
    sessionToken: string | null;
  }
}

/** `__Host-`: only sent to this exact host, over a secure context, path `/`: no subdomain can set it. */
export const SESSION_COOKIE = '__Host-libra_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function actorOf(request: FastifyRequest): Actor {
  return { principal: request.principal, requestId: String(request.id), ip: request.ip };
}

export function setSessionCookie(reply: FastifyReply, token: string, maxAgeSeconds: number): void {
  // Secure always: browsers treat http://localhost as a secure context, and anywhere else Libra is
  // served over TLS (docs/decisions.md).
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    secure: true,
    sameSite: 'lax',
    maxAge: maxAgeSeconds,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, secure: true, sameSite: 'lax' });
}

/**
 * What authentication asks of whoever keeps accounts and keys (the identity domain): the platform
 * knows this much of it and no more.
 */
export interface Authenticator {
  authenticateApiKey(key: string): Promise<Principal>;
  authenticateSession(token: string): Promise<Principal>;
  /** Throws when the CSRF token presented is not the session's. */
  verifyCsrf(sessionToken: string, presented: string | undefined): void;
}

/**
 * Authentication and deny-by-default authorization for every route: resolve the caller from an
 * API key (Authorization: Bearer) or the session cookie, then apply the route's declared policy.
 * Record-level checks (is this membership yours?) are the services' job, with `actorOf(request)`.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, { identity }: { identity: Authenticator }) => {
    await app.register(cookie);
    const registered: { method: string; url: string; policy?: RoutePolicy }[] = [];
    app.decorate('registeredRoutes', registered);
    app.addHook('onRoute', (route) => {
      const policy = route.config?.policy;
      for (const method of [route.method].flat()) registered.push({ method, url: route.url, policy });
    });
    app.decorateRequest('principal', null);
    app.decorateRequest('sessionToken', null);

    app.addHook('onRequest', async (request, reply) => {
      if (request.is404) return;
      // CORS preflights carry no credentials and change nothing; @fastify/cors answers them.
      const policy =
        request.routeOptions.config?.policy ?? (request.method === 'OPTIONS' ? PUBLIC : undefined);
      if (!policy) {
        request.log.error({ route: request.routeOptions.url }, 'route has no access policy: refused');
        throw new AppError('ROUTE_POLICY_MISSING');
      }

      const authorization = request.headers.authorization;
      if (authorization !== undefined) {
        const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
        if (!bearer?.[1]) throw new AppError('API_KEY_INVALID');
        request.principal = await identity.authenticateApiKey(bearer[1]);
      } else {
        const token = request.cookies[SESSION_COOKIE];
        if (token) {
          try {
            request.principal = await identity.authenticateSession(token);
            request.sessionToken = token;
          } catch (error) {
            clearSessionCookie(reply);
            if (policy.allow !== 'public') throw error;
          }
        }
      }

      if (policy.allow === 'public') return;
      if (!request.principal) throw new AppError('UNAUTHENTICATED');
      if (!allows(policy, request.principal)) throw new AppError('FORBIDDEN');
      if (request.sessionToken && !SAFE_METHODS.has(request.method)) {
        const presented = request.headers[CSRF_HEADER];
        identity.verifyCsrf(request.sessionToken, typeof presented === 'string' ? presented : undefined);
      }
    });
  },
  { name: 'auth' },
);
