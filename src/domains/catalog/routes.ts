import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../platform/auth.ts';
import { IdempotencyHeaders } from '../../platform/idempotency/schemas.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { PUBLIC } from '../../platform/principal.ts';
import {
  AdminPlanList,
  PlanCodeParams,
  PlanList,
  PlanView,
  PublishedVersion,
  PublishVersionBody,
} from './schemas.ts';
import type { CatalogService } from './service.ts';

export const catalogRoutes: FastifyPluginAsyncTypebox<{ catalog: CatalogService }> = async (
  app,
  { catalog },
) => {
  app.get(
    '/v1/plans',
    {
      config: { policy: PUBLIC },
      schema: {
        tags: ['catalog'],
        summary: 'The plans on sale: current version, price with IVA split, services and their limits',
        response: { 200: PlanList, ...problemResponses(429) },
      },
    },
    async () => ({ data: await catalog.listPlans() }),
  );

  app.get(
    '/v1/plans/:code',
    {
      config: { policy: PUBLIC },
      schema: {
        tags: ['catalog'],
        summary: 'One plan as sold today',
        params: PlanCodeParams,
        response: { 200: PlanView, ...problemResponses(400, 404, 429) },
      },
    },
    async (request) => catalog.getPlan(request.params.code),
  );

  app.get(
    '/v1/admin/plans',
    {
      config: { policy: { allow: ['admin'], record: 'catalog' } },
      schema: {
        tags: ['admin'],
        summary:
          'Every version of every plan, with its services and limits, which one new contracts take now, and how many memberships each holds',
        response: { 200: AdminPlanList, ...problemResponses(401, 403) },
      },
    },
    async () => ({ data: await catalog.adminPlans() }),
  );

  app.post(
    '/v1/admin/plans/:code/versions',
    {
      config: { policy: { allow: ['admin'], record: 'catalog' } },
      schema: {
        tags: ['admin'],
        summary:
          "Publish a plan's next version (price with IVA split derived, services and limits): new contracts take it from its date; memberships keep theirs. Audited",
        params: PlanCodeParams,
        headers: IdempotencyHeaders,
        body: PublishVersionBody,
        response: { 201: PublishedVersion, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const result = await catalog.publishVersion(
        actorOf(request),
        request.params.code,
        request.body,
        request.headers['idempotency-key'],
      );
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(result.body);
    },
  );
};
