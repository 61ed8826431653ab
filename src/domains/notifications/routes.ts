import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { preferredLanguage } from '../../lib/i18n.ts';
import { actorOf } from '../../platform/auth.ts';
import { IdempotencyHeaders } from '../../platform/idempotency/schemas.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { MembershipParams } from '../members/schemas.ts';
import {
  MessageParams,
  MessagesPage,
  MessagesQuery,
  MessageView,
  PreferencesBody,
  PreferencesView,
} from './schemas.ts';
import type { NotificationsService } from './service.ts';

/** Who may read a member's messages: staff who see member pages, and the member (their own). */
const MESSAGE_READERS = ['customer', 'agent', 'supervisor', 'finance', 'admin'] as const;
/** Staff who talk to members re-send a message. */
const RESENDERS = ['agent', 'supervisor'] as const;
/** The member, and the agents who change their choices when they ask on the phone. */
const PREFERENCE_KEEPERS = ['customer', 'agent', 'supervisor'] as const;

export const notificationsRoutes: FastifyPluginAsyncTypebox<{ notifications: NotificationsService }> = async (
  app,
  { notifications },
) => {
  app.get(
    '/v1/memberships/:id/messages',
    {
      config: { policy: { allow: MESSAGE_READERS, record: 'membership' } },
      schema: {
        tags: ['messages'],
        summary:
          'The messages written to the member, newest first: delivery state in words, delivery log, addresses that do not take messages (staff reads audited)',
        params: MembershipParams,
        querystring: MessagesQuery,
        response: { 200: MessagesPage, ...problemResponses(400, 401, 403, 404, 428, 451) },
      },
    },
    async (request) =>
      notifications.messagesOf(
        actorOf(request),
        request.params.id,
        preferredLanguage(request.headers['accept-language']),
        request.query.limit ?? 50,
      ),
  );

  app.post(
    '/v1/messages/:id/resend',
    {
      config: { policy: { allow: RESENDERS, record: 'membership' } },
      schema: {
        tags: ['messages'],
        summary:
          'Send a member’s message again, now: a new message with the same words and channel pointing at the original (audited)',
        params: MessageParams,
        headers: IdempotencyHeaders,
        response: { 201: MessageView, ...problemResponses(400, 401, 403, 404, 409, 422, 428, 451) },
      },
    },
    async (request, reply) => {
      const result = await notifications.resend(
        actorOf(request),
        request.params.id,
        preferredLanguage(request.headers['accept-language']),
        request.headers['idempotency-key'],
      );
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(result.body);
    },
  );

  app.get(
    '/v1/memberships/:id/notification-preferences',
    {
      config: { policy: { allow: PREFERENCE_KEEPERS, record: 'membership' } },
      schema: {
        tags: ['messages'],
        summary:
          'How the member wants to be told: language, channels per kind of message, quiet hours (staff reads audited)',
        params: MembershipParams,
        response: { 200: PreferencesView, ...problemResponses(401, 403, 404, 428, 451) },
      },
    },
    async (request) => notifications.preferences(actorOf(request), request.params.id),
  );

  app.put(
    '/v1/memberships/:id/notification-preferences',
    {
      config: { policy: { allow: PREFERENCE_KEEPERS, record: 'membership' } },
      schema: {
        tags: ['messages'],
        summary:
          'Replace the member’s choices; every kind keeps at least one channel (these messages cannot be turned off). Audited',
        params: MembershipParams,
        body: PreferencesBody,
        response: { 200: PreferencesView, ...problemResponses(400, 401, 403, 404, 422, 428, 451) },
      },
    },
    async (request) => notifications.savePreferences(actorOf(request), request.params.id, request.body),
  );
};
