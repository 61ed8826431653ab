import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { CheckBody, DecisionView, MembershipYear, OwnCoverage, ServiceUsage } from './schemas.ts';
import type { EntitlementsService } from './service.ts';

export const entitlementsRoutes: FastifyPluginAsyncTypebox<{ entitlements: EntitlementsService }> = async (
  app,
  { entitlements },
) => {
  app.post(
    '/v1/eligibility/checks',
    {
      config: {
        policy: {
          allow: ['customer', 'agent', 'supervisor', 'scope:eligibility:read'],
          record: 'membership',
        },
      },
      schema: {
        tags: ['entitlements'],
        summary:
          'May this person use this service now? The decision with every reason, and what is left (no side effects)',
        body: CheckBody,
        response: { 200: DecisionView, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { membershipId, personId, serviceCode, ...details } = request.body;
      return entitlements.check(actorOf(request), {
        membershipId,
        personId,
        serviceCode,
        request: {
          specialty: details.specialty,
          estimatedCostCentavos: details.estimatedCostCentavos,
          country: details.country,
        },
      });
    },
  );

  app.get(
    '/v1/memberships/:id/usage',
    {
      config: {
        policy: {
          allow: [
            'customer',
            'agent',
            'supervisor',
            'finance',
            'admin',
            'scope:memberships:read',
            'scope:eligibility:read',
          ],
          record: 'membership',
        },
      },
      schema: {
        tags: ['entitlements'],
        summary: 'Every service with used, limit and remaining this membership year, and when it resets',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: {
          200: Type.Object({ membershipYear: MembershipYear, services: Type.Array(ServiceUsage) }),
          ...problemResponses(401, 403, 404, 428, 451),
        },
      },
    },
    async (request) => entitlements.usage(actorOf(request), request.params.id),
  );

  app.get(
    '/v1/me/coverage',
    {
      // A titular's account stands for no beneficiary: 404 (their memberships are GET /v1/me/memberships).
      config: { policy: { allow: ['customer'], record: 'own-coverage' } },
      schema: {
        tags: ['entitlements'],
        summary:
          'A beneficiary’s own account: the membership it stands under, the person’s coverage and, per service, whether they may ask for it and what is left',
        response: { 200: OwnCoverage, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => entitlements.ownCoverage(actorOf(request)),
  );
};
