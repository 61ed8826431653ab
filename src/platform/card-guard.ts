import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { containsCardNumber, redactCardNumbers, redactCardNumbersInUrl } from '../lib/card-numbers.ts';
import { AppError } from '../lib/errors.ts';
import { redactLinkTokensInUrl } from '../lib/link-tokens.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes card numbers in its body on purpose (sandbox tokenization only). */
    acceptsCardNumbers?: boolean;
  }
}

/**
 * Fastify's own request log serializer, with card numbers and one-time link tokens cut out of the
 * URL: the "incoming request" line is written before any hook can refuse the request.
 */
export function serializeRequestWithoutCardNumbers(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactLinkTokensInUrl(redactCardNumbersInUrl(request.url)),
    version: request.headers['accept-version']?.toString(),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/**
 * Libra never receives card numbers: a request that carries one — in its body, query string or
 * path — is refused with CARD_NUMBER_NOT_ALLOWED before any handler, validator or log sees the
 * value. A route that declares `acceptsCardNumbers` may receive them in its body only: a number
 * in a URL ends up in proxies' and browsers' histories, wherever it is sent.
 */
export const cardGuardPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', async (request) => {
      const bodyAllowed = request.routeOptions.config?.acceptsCardNumbers === true;
      if (
        containsCardNumber(request.params) ||
        containsCardNumber(request.query) ||
        // A raw file (claim evidence) is binary, not text a number was typed into; a streamed body
        // (a partner's CSV file) is read by its route, which refuses each row holding a number.
        (!bodyAllowed &&
          !Buffer.isBuffer(request.body) &&
          !(request.body instanceof Readable) &&
          containsCardNumber(request.body))
      ) {
        throw new AppError('CARD_NUMBER_NOT_ALLOWED');
      }
    });

    // Problem documents name the path they answer (`instance`), and a path may hold a card number:
    // the refused one, or one answered before this guard runs (a 401 from authentication).
    app.addHook('onSend', async (_request, reply, payload) => {
      if (typeof payload !== 'string') return payload;
      if (!String(reply.getHeader('content-type') ?? '').startsWith('application/problem+json'))
        return payload;
      if (!containsCardNumber(payload)) return payload;
      return JSON.stringify(JSON.parse(payload), (_key, value) =>
        typeof value === 'string' ? redactCardNumbers(value) : value,
      );
    });
  },
  { name: 'card-guard' },
);
