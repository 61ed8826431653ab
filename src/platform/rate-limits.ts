import { normalizeIP, type RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.ts';
import type { Principal } from './principal.ts';

/** Requests a minute for each kind of caller (from the configuration). */
export interface RateLimits {
  /** Per client address, for callers without a session or an API key. */
  publicPerMinute: number;
  /** Per API key that was not given a figure of its own. */
  partnerPerMinute: number;
  /** Per signed-in person. */
  userPerMinute: number;
}

/**
 * Whose budget a request spends, and how large that budget is. A key or a person has one budget
 * wherever they call from: a bank's systems reach us from one address, and so do a call centre's
 * agents behind their office's NAT, so limiting them by address would throttle all of them as one
 * caller. Only anonymous callers, whom nothing else identifies, are limited by address. The
 * prefixes keep the three kinds of budget apart.
 */
export function rateLimitOf(
  principal: Principal | null,
  ip: string,
  limits: RateLimits,
): { key: string; max: number } {
  if (principal?.kind === 'api_key') {
    return {
      key: `api-key:${principal.apiKeyId}`,
      max: principal.rateLimitPerMinute ?? limits.partnerPerMinute,
    };
  }
  if (principal?.kind === 'user') return { key: `user:${principal.userId}`, max: limits.userPerMinute };
  // An IPv6 client holds a whole /64: counted as one address, as the plugin does by default.
  return { key: `address:${normalizeIP(ip)}`, max: limits.publicPerMinute };
}

/**
 * @fastify/rate-limit's settings. Its check is a route-level onRequest hook, so it runs after the
 * auth plugin's (an application-level hook) has resolved `request.principal`, which the key and
 * the budget are read from. Over the budget: 429 `RATE_LIMITED` as problem+json, with Retry-After.
 */
export function rateLimitSettings(limits: RateLimits): RateLimitPluginOptions {
  const of = (request: FastifyRequest) => rateLimitOf(request.principal, request.ip, limits);
  return {
    timeWindow: 60_000,
    keyGenerator: (request) => of(request).key,
    max: (request) => of(request).max,
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', { headers: { 'retry-after': String(Math.ceil(context.ttl / 1000)) } }),
  };
}
