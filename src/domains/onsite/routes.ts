import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { REQUESTERS } from '../cases/policies.ts';
import { CaseParams, CaseView, ProviderJobView, UnitBody } from '../cases/schemas.ts';
import { CandidateView, Point } from '../dispatch/schemas.ts';
import type { ProviderJobsService } from './provider-jobs.ts';
import { AssignmentBody, ExcessBody, OfferView, StatusBody } from './schemas.ts';
import type { OnsiteService } from './service.ts';

const PROVIDER_SIDE = ['provider', 'scope:provider:jobs'] as const;

/** The dispatch fulfilment's routes: the board's candidates, offers, the excess, the provider's progress. */
export const onsiteRoutes: FastifyPluginAsyncTypebox<{
  onsite: OnsiteService;
  jobs: ProviderJobsService;
}> = async (app, { onsite, jobs }) => {
  app.get(
    '/v1/cases/:id/candidates',
    {
      config: { policy: { allow: ['agent', 'supervisor', 'admin'], record: 'case' } },
      schema: {
        tags: ['providers'],
        summary:
          "The providers that give the case's service, with distance and ETA to its place and whether each can take it now (the dispatch board)",
        params: CaseParams,
        response: {
          200: Type.Object({
            data: Type.Array(CandidateView),
            asOf: Type.String({
              format: 'date-time',
              description:
                "The platform's clock when answering (count an offer's `expiresAt` down against it)",
            }),
          }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => onsite.candidates(actorOf(request), request.params.id),
  );

  app.get(
    '/v1/provider/offers',
    {
      config: { policy: { allow: PROVIDER_SIDE, record: 'own-offers' } },
      schema: {
        tags: ['provider'],
        summary: 'Cases offered to me, waiting for my answer',
        response: { 200: Type.Object({ data: Type.Array(OfferView) }), ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ data: await jobs.pendingOffers(actorOf(request)) }),
  );

  app.get(
    '/v1/provider/jobs',
    {
      config: { policy: { allow: PROVIDER_SIDE, record: 'own-jobs' } },
      schema: {
        tags: ['provider'],
        summary: 'My jobs in progress',
        response: { 200: Type.Object({ data: Type.Array(ProviderJobView) }), ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ data: await jobs.providerJobs(actorOf(request)) }),
  );

  app.get(
    '/v1/provider/jobs/:id',
    {
      config: { policy: { allow: PROVIDER_SIDE, record: 'own-job' } },
      schema: {
        tags: ['provider'],
        summary: "One of my jobs, also once completed or cancelled (another provider's case is a 404)",
        params: CaseParams,
        response: { 200: ProviderJobView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => jobs.providerJob(actorOf(request), request.params.id),
  );

  app.post(
    '/v1/offers/:id/accept',
    {
      config: { policy: { allow: PROVIDER_SIDE, record: 'own-offer' } },
      schema: {
        tags: ['provider'],
        summary:
          'Accept an offered case (capped services need the quote); a tow over its cap waits for the customer',
        params: CaseParams,
        body: Type.Object(
          {
            quoteCentavos: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
            etaMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: CaseView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const view = await onsite.acceptOffer(actorOf(request), request.params.id, request.body);
      return view;
    },
  );

  app.post(
    '/v1/offers/:id/decline',
    {
      config: { policy: { allow: PROVIDER_SIDE, record: 'own-offer' } },
      schema: {
        tags: ['provider'],
        summary: 'Decline an offered case; it goes to the next nearest provider',
        params: CaseParams,
        body: Type.Object(
          { reason: Type.Optional(Type.String({ maxLength: 500 })) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await onsite.declineOffer(actorOf(request), request.params.id, request.body.reason);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/v1/provider/location',
    {
      config: { policy: { allow: PROVIDER_SIDE, record: 'own-provider' } },
      schema: {
        tags: ['provider'],
        summary: 'Where I am now: jobs on the way get a new ETA, and their followers see it',
        body: Point,
        response: { 200: Type.Object({ updated: Type.Integer() }), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => jobs.providerMoved(actorOf(request), request.body),
  );

  app.post(
    '/v1/cases/:id/excess-acceptance',
    {
      config: { policy: { allow: REQUESTERS, record: 'case' } },
      schema: {
        tags: ['cases'],
        summary:
          'Accept (or reject) the excess of a tow quoted above its cap; accepting dispatches it. An agent answers for a caller on the phone.',
        params: CaseParams,
        body: ExcessBody,
        response: { 200: CaseView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => onsite.answerExcess(actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/v1/cases/:id/assignment',
    {
      config: { policy: { allow: ['agent', 'supervisor'], record: 'case' } },
      schema: {
        tags: ['cases'],
        summary: 'Assign a provider by hand, with a reason (the automatic offer is withdrawn)',
        params: CaseParams,
        body: AssignmentBody,
        response: { 200: CaseView, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => onsite.assignByHand(actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/v1/cases/:id/status',
    {
      config: {
        policy: { allow: ['provider', 'scope:provider:jobs', 'agent', 'supervisor'], record: 'job' },
      },
      schema: {
        tags: ['provider'],
        summary: 'Report progress: en route, on site, completed (with the final cost)',
        params: CaseParams,
        body: StatusBody,
        response: { 200: ProviderJobView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => jobs.reportStatus(actorOf(request), request.params.id, request.body),
  );

  app.put(
    '/v1/cases/:id/unit',
    {
      config: {
        policy: { allow: ['provider', 'scope:provider:jobs', 'agent', 'supervisor'], record: 'job' },
      },
      schema: {
        tags: ['provider'],
        summary:
          'The unit going to the job: driver, vehicle, plates (from acceptance until completion; the customer sees the driver’s first name and initial)',
        params: CaseParams,
        body: UnitBody,
        response: { 200: ProviderJobView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => jobs.setUnit(actorOf(request), request.params.id, request.body),
  );
};
