import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, setSessionCookie } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { PUBLIC } from '../../platform/principal.ts';
import { SESSION_LIFETIMES } from '../identity/sessions.ts';
import {
  ActivationConfirmed,
  ActivationParams,
  ActivationStarted,
  ConfirmActivationBody,
  StartActivationBody,
} from './schemas.ts';
import type { ActivationService } from './service.ts';

export const activationRoutes: FastifyPluginAsyncTypebox<{ activation: ActivationService }> = async (
  app,
  { activation },
) => {
  app.post(
    '/v1/account-activations',
    {
      config: { policy: PUBLIC },
      schema: {
        tags: ['identity'],
        summary:
          'Activa tu cuenta, step 1: membership number, card last 4 and birth date; a one-time code goes to the contact on file',
        body: StartActivationBody,
        response: { 201: ActivationStarted, ...problemResponses(400, 409, 422, 429) },
      },
    },
    async (request, reply) => reply.status(201).send(await activation.start(actorOf(request), request.body)),
  );

  app.post(
    '/v1/account-activations/:id/confirm',
    {
      config: { policy: PUBLIC },
      schema: {
        tags: ['identity'],
        summary:
          'Activa tu cuenta, step 2: the code and a password; creates the titular’s account, links it and signs in',
        params: ActivationParams,
        body: ConfirmActivationBody,
        response: { 200: ActivationConfirmed, ...problemResponses(400, 404, 409, 410, 422) },
      },
    },
    async (request, reply) => {
      const signedIn = await activation.confirm(actorOf(request), request.params.id, {
        ...request.body,
        userAgent: request.headers['user-agent'],
      });
      setSessionCookie(reply, signedIn.token, SESSION_LIFETIMES[signedIn.user.role].absoluteMs / 1000);
      return {
        user: signedIn.user,
        csrfToken: signedIn.csrfToken,
        session: { id: signedIn.sessionId, expiresAt: signedIn.expiresAt.toISOString() },
        membershipId: signedIn.membershipId,
      };
    },
  );
};
