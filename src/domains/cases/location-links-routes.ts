import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../platform/auth.ts';
import { IdempotencyHeaders } from '../../platform/idempotency/schemas.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { PUBLIC } from '../../platform/principal.ts';
import type { LocationLinksService } from './location-links.ts';
import {
  CaseParams,
  LocationLinkBody,
  LocationLinkCreated,
  LocationLinkParams,
  LocationLinkStatus,
  SharedLocationAnswer,
  SharedLocationBody,
} from './schemas.ts';

/**
 * "Comparte tu ubicación": an agent texts the caller a one-time link; the page behind it (public,
 * `/ubicacion/{token}`) reads the link's state and sends the phone's position. The token is in the
 * path: the request log redacts it (src/lib/link-tokens.ts).
 */
export const locationLinksRoutes: FastifyPluginAsyncTypebox<{ locationLinks: LocationLinksService }> = async (
  app,
  { locationLinks },
) => {
  app.post(
    '/v1/cases/:id/location-links',
    {
      config: { policy: { allow: ['agent', 'supervisor'], record: 'case' } },
      schema: {
        tags: ['cases'],
        summary:
          "Text the caller a one-time link that sets the case's place from their phone (30 minutes, once; a newer link voids the open one). Answers the link to read aloud or copy, and whether the SMS goes",
        params: CaseParams,
        headers: IdempotencyHeaders,
        body: LocationLinkBody,
        response: { 201: LocationLinkCreated, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const result = await locationLinks.create(
        actorOf(request),
        request.params.id,
        request.body,
        request.headers['idempotency-key'],
      );
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(result.body);
    },
  );

  app.get(
    '/v1/location-links/:token',
    {
      config: { policy: PUBLIC },
      schema: {
        tags: ['cases'],
        summary: "A location link's state (public: the token is the key) — nothing about its case",
        params: LocationLinkParams,
        response: { 200: LocationLinkStatus, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      // Not public content: the link's state changes, and only its holder should read it.
      reply.header('cache-control', 'no-store');
      return locationLinks.status(request.params.token);
    },
  );

  app.post(
    '/v1/location-links/:token',
    {
      config: { policy: PUBLIC },
      schema: {
        tags: ['cases'],
        summary:
          "Share the phone's position through a location link (public, once): the case's place becomes that point, its precision from the accuracy",
        params: LocationLinkParams,
        body: SharedLocationBody,
        response: { 200: SharedLocationAnswer, ...problemResponses(400, 404, 409, 410) },
      },
    },
    async (request) => locationLinks.share(actorOf(request), request.params.token, request.body),
  );
};
