import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import {
  AdvanceBody,
  AdvanceResult,
  TestClockBody,
  TestClockList,
  TestClockParams,
  TestClockView,
} from './schemas.ts';
import type { TestClocksService } from './service.ts';

/** The bank's key (its own clocks) and finance (every clock). */
const CLOCK_KEEPERS = ['finance', 'scope:memberships:write'] as const;

export const testClocksRoutes: FastifyPluginAsyncTypebox<{ testClocks: TestClocksService }> = async (
  app,
  { testClocks },
) => {
  app.post(
    '/v1/test-clocks',
    {
      config: { policy: { allow: CLOCK_KEEPERS, record: 'own-test-clocks' } },
      schema: {
        tags: ['test-clocks'],
        summary:
          'Sandbox only: create a test clock at a time of its own; memberships contracted on it (`testClockId`) live in its time',
        body: TestClockBody,
        response: { 201: TestClockView, ...problemResponses(400, 401, 403, 404, 422, 429) },
      },
    },
    async (request, reply) => reply.status(201).send(await testClocks.create(actorOf(request), request.body)),
  );

  app.get(
    '/v1/test-clocks',
    {
      config: { policy: { allow: CLOCK_KEEPERS, record: 'own-test-clocks' } },
      schema: {
        tags: ['test-clocks'],
        summary: 'Sandbox only: the caller’s test clocks (a partner key its own; finance all), newest first',
        response: { 200: TestClockList, ...problemResponses(401, 403, 404, 429) },
      },
    },
    async (request) => testClocks.list(actorOf(request)),
  );

  app.get(
    '/v1/test-clocks/:id',
    {
      config: { policy: { allow: CLOCK_KEEPERS, record: 'test-clock' } },
      schema: {
        tags: ['test-clocks'],
        summary: 'Sandbox only: a test clock, its time, status and memberships',
        params: TestClockParams,
        response: { 200: TestClockView, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => testClocks.get(actorOf(request), request.params.id),
  );

  app.post(
    '/v1/test-clocks/:id/advance',
    {
      config: { policy: { allow: CLOCK_KEEPERS, record: 'test-clock' } },
      schema: {
        tags: ['test-clocks'],
        summary:
          'Sandbox only: move the clock forward (at most two years) and run, for its memberships only, the billing, retries, suspensions and notices due meanwhile; answers when done',
        params: TestClockParams,
        body: AdvanceBody,
        response: { 200: AdvanceResult, ...problemResponses(400, 401, 403, 404, 409, 422, 429) },
      },
    },
    async (request) => testClocks.advance(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/v1/test-clocks/:id',
    {
      config: { policy: { allow: CLOCK_KEEPERS, record: 'test-clock' } },
      schema: {
        tags: ['test-clocks'],
        summary: 'Sandbox only: delete the clock; its memberships are cancelled and never billed again',
        params: TestClockParams,
        response: { 200: TestClockView, ...problemResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => testClocks.remove(actorOf(request), request.params.id),
  );
};
