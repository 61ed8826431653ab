import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problemResponses } from '../../platform/openapi.ts';
import { PUBLIC } from '../../platform/principal.ts';
import type { PaymentGateway } from './gateway.ts';
import { CardSummaryView, TokenizeBody } from './schemas.ts';

/**
 * Sandbox tokenization, registered only when PAYMENT_GATEWAY=sandbox. With a real processor the
 * browser sends the card straight to the processor and Libra only ever sees the token.
 */
export const sandboxRoutes: FastifyPluginAsyncTypebox<{ payments: PaymentGateway }> = async (
  app,
  { payments },
) => {
  app.post(
    '/v1/sandbox/card-tokens',
    {
      // Public: the portal tokenizes before the customer has an account. The only route allowed
      // to receive card numbers, and only in its body.
      config: { policy: PUBLIC, acceptsCardNumbers: true },
      schema: {
        tags: ['payments'],
        summary: 'Sandbox: turn a test card into a token (what a processor’s card form does)',
        body: TokenizeBody,
        response: { 201: CardSummaryView, ...problemResponses(400, 402, 415, 422, 429) },
      },
    },
    async (request, reply) => reply.status(201).send(await payments.tokenize(request.body)),
  );
};
