import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../lib/errors.ts';

/**
 * How deep a JSON body may nest. Libra's deepest body (a plan version's service rules) nests five
 * levels; 64 leaves room for any API to come and stops a body of 10,000 `[` long before anything
 * walks it recursively (validation, the card-number scan, hashing for idempotency, logging).
 */
export const MAX_JSON_DEPTH = 64;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * True when the JSON text nests deeper than `limit`. One pass over the text before it is parsed,
 * counting brackets outside strings; malformed text is left for the parser to refuse.
 */
export function jsonDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/**
 * The app's body parsers: JSON, refused past MAX_JSON_DEPTH with JSON_TOO_DEEP before it is parsed,
 * then parsed by Fastify's own parser (which refuses `__proto__` and `constructor.prototype`). No
 * text/plain parser: a body is JSON (or a claim's document, parsed by its own route), so a text
 * body anywhere is 415 rather than a string handed to a route that expects an object or nothing.
 */
export const jsonBodyPlugin = fp(
  async (app: FastifyInstance) => {
    const parse = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser(['application/json', 'text/plain']);
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const text = body as string;
      if (jsonDeeperThan(text, MAX_JSON_DEPTH)) {
        done(new AppError('JSON_TOO_DEEP', { extensions: { maxDepth: MAX_JSON_DEPTH } }), undefined);
        return;
      }
      parse(request, text, done);
    });
  },
  { name: 'json-body' },
);
