import { Type } from '@sinclair/typebox';

/** The header every POST that creates or charges accepts (Stripe semantics). */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      maxLength: 255,
      description: 'Same key and body replay the first answer; a different body is 422',
    }),
  ),
});
