import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problemResponses } from '../../platform/openapi.ts';
import { PUBLIC } from '../identity/principal.ts';
import { PlanCodeParams, PlanList, PlanView } from './schemas.ts';
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
};
