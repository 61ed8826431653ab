import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../platform/auth.ts';
import { IdempotencyHeaders } from '../../platform/idempotency/schemas.ts';
import { problemResponses } from '../../platform/openapi.ts';
import {
  ComplaintBody,
  ComplaintListQuery,
  ComplaintPage,
  ComplaintParams,
  ComplaintView,
  EscalateBody,
  NoteBody,
  ResolveBody,
} from './schemas.ts';
import type { ComplaintsService } from './service.ts';

/** The customer (own memberships), staff who take calls, and the bank on a member's behalf. */
const FILERS = ['customer', 'agent', 'supervisor', 'scope:complaints:write'] as const;
/** The customer (own), staff who work or oversee complaints (audited), the bank by id. */
const READERS = ['customer', 'agent', 'supervisor', 'admin', 'scope:complaints:read'] as const;
const LISTERS = ['customer', 'agent', 'supervisor', 'admin'] as const;
/** Who works complaints: agents, and supervisors (who also own escalated ones). */
const WORKERS = ['agent', 'supervisor'] as const;

export const complaintsRoutes: FastifyPluginAsyncTypebox<{ complaints: ComplaintsService }> = async (
  app,
  { complaints },
) => {
  app.post(
    '/v1/complaints',
    {
      config: { policy: { allow: FILERS, record: 'membership' } },
      schema: {
        tags: ['complaints'],
        summary:
          'File a complaint on a membership (customer: own, online; staff: phone, email or in person; partner: api). Due in business days.',
        headers: IdempotencyHeaders,
        body: ComplaintBody,
        response: { 201: ComplaintView, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const result = await complaints.file(
        actorOf(request),
        request.body,
        request.headers['idempotency-key'],
      );
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(result.body);
    },
  );

  app.get(
    '/v1/complaints',
    {
      config: { policy: { allow: LISTERS, record: 'own-complaints' } },
      schema: {
        tags: ['complaints'],
        summary:
          'Complaints newest first: staff see all (filtered; audited), a customer their own. `overdue=true`: not resolved and past due',
        querystring: ComplaintListQuery,
        response: { 200: ComplaintPage, ...problemResponses(400, 401, 403, 428, 451) },
      },
    },
    async (request) => {
      const q = request.query;
      return complaints.list(actorOf(request), {
        statuses: q.status,
        categories: q.category,
        overdue: q.overdue,
        membershipId: q.membershipId,
        ownerId: q.ownerId,
        before: q.before,
        limit: q.limit ?? 50,
      });
    },
  );

  app.get(
    '/v1/complaints/:id',
    {
      config: { policy: { allow: READERS, record: 'complaint' } },
      schema: {
        tags: ['complaints'],
        summary: 'A complaint with its timeline, due date, resolution and the messages sent about it',
        params: ComplaintParams,
        response: { 200: ComplaintView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => complaints.get(actorOf(request), request.params.id),
  );

  app.post(
    '/v1/complaints/:id/take',
    {
      config: { policy: { allow: WORKERS, record: 'complaint' } },
      schema: {
        tags: ['complaints'],
        summary: 'Take a complaint: in progress, with me as its owner (escalated ones: supervisors)',
        params: ComplaintParams,
        response: { 200: ComplaintView, ...problemResponses(401, 403, 404, 409) },
      },
    },
    async (request) => complaints.take(actorOf(request), request.params.id),
  );

  app.post(
    '/v1/complaints/:id/notes',
    {
      config: { policy: { allow: WORKERS, record: 'complaint' } },
      schema: {
        tags: ['complaints'],
        summary: 'Add an internal note to the timeline (the customer does not see it)',
        params: ComplaintParams,
        body: NoteBody,
        response: { 200: ComplaintView, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => complaints.addNote(actorOf(request), request.params.id, request.body.note),
  );

  app.post(
    '/v1/complaints/:id/resolve',
    {
      config: { policy: { allow: WORKERS, record: 'complaint' } },
      schema: {
        tags: ['complaints'],
        summary:
          'Resolve a complaint with the resolution, which is told to the customer (its owner, or a supervisor)',
        params: ComplaintParams,
        body: ResolveBody,
        response: { 200: ComplaintView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => complaints.resolve(actorOf(request), request.params.id, request.body.resolution),
  );

  app.post(
    '/v1/complaints/:id/escalate',
    {
      config: { policy: { allow: WORKERS, record: 'complaint' } },
      schema: {
        tags: ['complaints'],
        summary: 'Escalate a complaint to supervisors, with why; its owner is cleared',
        params: ComplaintParams,
        body: EscalateBody,
        response: { 200: ComplaintView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => complaints.escalate(actorOf(request), request.params.id, request.body.note),
  );
};
