import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../lib/errors.ts';
import { unstorableTextAt } from '../lib/text.ts';
import { UNSTORABLE_TEXT } from './validation-messages.ts';

/**
 * Text that PostgreSQL cannot store (U+0000) or that Libra will not (other control characters, lone
 * surrogates: src/lib/text.ts) is refused as VALIDATION_FAILED at its field, before validation and
 * before any handler — so it never reaches SQL, whatever the route or the field (a free-form
 * `details` object, a key, a query filter). One scan of the parsed path parameters, query string
 * and body; a raw file (a claim's document) is not text.
 */
export const textGuardPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', async (request) => {
      const parts = [
        ['params', request.params],
        ['querystring', request.query],
        ['body', request.body],
      ] as const;
      for (const [part, value] of parts) {
        // A streamed body (a partner's CSV file) is read by its route, which checks each value.
        if (value instanceof Readable) continue;
        const at = unstorableTextAt(value);
        if (at === null) continue;
        throw new AppError('VALIDATION_FAILED', {
          errors: [{ field: `${part}${at}`, message: UNSTORABLE_TEXT.en, localised: UNSTORABLE_TEXT }],
        });
      }
    });
  },
  { name: 'text-guard' },
);
