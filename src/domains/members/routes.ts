import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { mexicoCityDate } from '../../lib/clock.ts';
import { preferredLanguage } from '../../lib/i18n.ts';
import { actorOf } from '../../platform/auth.ts';
import { IdempotencyHeaders } from '../../platform/idempotency/schemas.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { PUBLIC } from '../../platform/principal.ts';
import { schemaFieldErrors } from '../../platform/problem.ts';
import type { BeneficiariesService } from './beneficiaries.ts';
import type { ContractingService } from './contracting.ts';
import { CURRENT_PRIVACY_NOTICE, CURRENT_TERMS } from './legal.ts';
import {
  BeneficiariesQuery,
  BeneficiaryBody,
  BeneficiaryParams,
  CardBody,
  CardReplacedView,
  ContactBody,
  ContractBody,
  ContractCheckBody,
  LegalView,
  MembershipEventView,
  MembershipParams,
  MembershipsExportQuery,
  MembershipView,
  PersonView,
  SearchQuery,
  SearchResult,
  VerificationBody,
  VerificationStatus,
  VerificationView,
} from './schemas.ts';
import type { MembersService } from './service.ts';
import type { VerificationsService } from './verifications.ts';

/** Who may read or change a membership; customers only their own (the service checks ownership). */
const READERS = [
  'customer',
  'agent',
  'supervisor',
  'finance',
  'admin',
  'scope:memberships:read',
  'scope:memberships:write',
] as const;
const WRITERS = ['customer', 'agent', 'supervisor', 'scope:memberships:write'] as const;

export const membersRoutes: FastifyPluginAsyncTypebox<{
  members: MembersService;
  contracting: ContractingService;
  beneficiaries: BeneficiariesService;
  verifications: VerificationsService;
}> = async (app, { members, contracting, beneficiaries, verifications }) => {
  app.get(
    '/v1/legal',
    {
      config: { policy: PUBLIC },
      schema: {
        tags: ['memberships'],
        summary: 'The current Terms and Conditions and Privacy Notice versions, to accept when contracting',
        response: { 200: LegalView },
      },
    },
    async () => ({
      terms: { version: CURRENT_TERMS.version, url: CURRENT_TERMS.url },
      privacyNotice: { version: CURRENT_PRIVACY_NOTICE.version, url: CURRENT_PRIVACY_NOTICE.url },
    }),
  );

  app.post(
    '/v1/memberships',
    {
      // Online contracting starts without an account; the channel follows the caller.
      config: { policy: PUBLIC },
      schema: {
        tags: ['memberships'],
        summary: 'Contract a membership: online (customer), by phone (agent) or by the bank (partner key)',
        headers: IdempotencyHeaders,
        body: ContractBody,
        response: { 201: MembershipView, ...problemResponses(400, 403, 404, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      const result = await contracting.contract(
        actorOf(request),
        request.body,
        request.headers['idempotency-key'],
        preferredLanguage(request.headers['accept-language']),
      );
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(result.body);
    },
  );

  app.post(
    '/v1/memberships/validation',
    {
      // The same callers as contracting; writes nothing.
      config: { policy: PUBLIC },
      // Schema failures come to the handler, which adds them to the domain's checks of the rest:
      // one answer names every field at fault.
      attachValidation: true,
      schema: {
        tags: ['memberships'],
        summary:
          'Check a contracting request without contracting: 204, or the problem contracting would answer, every field at fault listed',
        body: ContractCheckBody,
        response: { 204: Type.Null(), ...problemResponses(400, 403, 404, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      const schemaErrors = request.validationError
        ? schemaFieldErrors(request.validationError as Parameters<typeof schemaFieldErrors>[0])
        : [];
      await contracting.validate(actorOf(request), request.body, schemaErrors);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/memberships/export',
    {
      config: { policy: { allow: ['finance', 'admin'], record: 'membership' } },
      schema: {
        tags: ['memberships'],
        summary:
          'Memberships as CSV for Excel (UTF-8 with BOM, Spanish headers, Mexico City dates; no card data), filtered by state, channel, plan and contracting days, streamed (audited)',
        querystring: MembershipsExportQuery,
        response: {
          200: {
            description: '`text/csv`: one row per membership, newest first; the layout is in docs/api.md',
            content: { 'text/csv': { schema: Type.String() } },
          },
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) =>
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="membresias-${mexicoCityDate(new Date())}.csv"`)
        // A stream is sent as it is read, past the serializer; the typed reply only knows the schema.
        .send(Readable.from(await members.exportCsv(actorOf(request), request.query)) as unknown as string),
  );

  app.get(
    '/v1/memberships',
    {
      config: { policy: { allow: ['agent', 'supervisor', 'finance', 'admin'], record: 'membership' } },
      schema: {
        tags: ['memberships'],
        summary: 'Find members by name, email, phone, membership number or card last 4 (audited)',
        querystring: SearchQuery,
        response: {
          200: Type.Object({ data: Type.Array(SearchResult) }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => ({
      data: await members.search(actorOf(request), request.query.q, request.query.limit ?? 20),
    }),
  );

  app.get(
    '/v1/me/memberships',
    {
      config: { policy: { allow: ['customer'], record: 'own-memberships' } },
      schema: {
        tags: ['memberships'],
        summary: 'My memberships',
        response: { 200: Type.Object({ data: Type.Array(MembershipView) }), ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ data: await members.mine(actorOf(request)) }),
  );

  app.get(
    '/v1/memberships/:id',
    {
      config: { policy: { allow: READERS, record: 'membership' } },
      schema: {
        tags: ['memberships'],
        summary:
          'A membership: plan, state, dates, card summary and the people covered (staff reads audited)',
        params: MembershipParams,
        response: { 200: MembershipView, ...problemResponses(401, 403, 404, 428, 451) },
      },
    },
    async (request) => members.get(actorOf(request), request.params.id),
  );

  app.get(
    '/v1/memberships/:id/verification',
    {
      config: { policy: { allow: ['agent', 'supervisor'], record: 'membership' } },
      schema: {
        tags: ['memberships'],
        summary:
          'Whether the caller must verify who is on the line before the details, and their check in force',
        params: MembershipParams,
        response: { 200: VerificationStatus, ...problemResponses(401, 403, 404, 451) },
      },
    },
    async (request) => verifications.status(actorOf(request), request.params.id),
  );

  app.post(
    '/v1/memberships/:id/verifications',
    {
      config: { policy: { allow: ['agent', 'supervisor'], record: 'membership' } },
      schema: {
        tags: ['memberships'],
        summary:
          'Verify the caller with two facts (birth date, card last 4, membership number) or skip with a reason; clears the agent for 30 min (audited)',
        params: MembershipParams,
        body: VerificationBody,
        response: { 201: VerificationView, ...problemResponses(400, 401, 403, 404, 422, 429, 451) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await verifications.verify(actorOf(request), request.params.id, request.body)),
  );

  app.get(
    '/v1/memberships/:id/events',
    {
      config: { policy: { allow: READERS, record: 'membership' } },
      schema: {
        tags: ['memberships'],
        summary:
          'The membership’s history: contracting, state changes with reasons, card and beneficiary changes',
        params: MembershipParams,
        response: {
          200: Type.Object({ data: Type.Array(MembershipEventView) }),
          ...problemResponses(401, 403, 404, 428, 451),
        },
      },
    },
    async (request) => ({ data: await members.events(actorOf(request), request.params.id) }),
  );

  app.put(
    '/v1/memberships/:id/card',
    {
      config: { policy: { allow: WRITERS, record: 'membership' } },
      schema: {
        tags: ['memberships'],
        summary:
          'Replace the card on file with a new processor token; what the old card could not pay is charged to the new one at once',
        params: MembershipParams,
        body: CardBody,
        response: { 200: CardReplacedView, ...problemResponses(400, 401, 403, 404, 409, 422, 428, 451) },
      },
    },
    async (request) => members.replaceCard(actorOf(request), request.params.id, request.body.cardToken),
  );

  app.put(
    '/v1/memberships/:id/contact',
    {
      config: { policy: { allow: WRITERS, record: 'membership' } },
      schema: {
        tags: ['memberships'],
        summary: 'Change the titular’s contact email or phone (where messages go; not the sign-in email)',
        params: MembershipParams,
        body: ContactBody,
        response: { 200: MembershipView, ...problemResponses(400, 401, 403, 404, 422, 428, 451) },
      },
    },
    async (request) => members.changeContact(actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/v1/memberships/:id/beneficiaries',
    {
      config: { policy: { allow: READERS, record: 'membership' } },
      schema: {
        tags: ['memberships'],
        summary: 'Beneficiaries, each with whether they are covered now and why',
        params: MembershipParams,
        querystring: BeneficiariesQuery,
        response: {
          200: Type.Object({ data: Type.Array(PersonView) }),
          ...problemResponses(401, 403, 404, 428, 451),
        },
      },
    },
    async (request) => ({
      data: await beneficiaries.listBeneficiaries(
        actorOf(request),
        request.params.id,
        request.query.includeRemoved ?? false,
      ),
    }),
  );

  app.post(
    '/v1/memberships/:id/beneficiaries',
    {
      config: { policy: { allow: WRITERS, record: 'membership' } },
      schema: {
        tags: ['memberships'],
        summary: 'Add a spouse (one at a time), a child under 21, or an additional cardholder',
        params: MembershipParams,
        body: BeneficiaryBody,
        response: { 201: PersonView, ...problemResponses(400, 401, 403, 404, 409, 422, 428, 451) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await beneficiaries.addBeneficiary(actorOf(request), request.params.id, request.body)),
  );

  app.delete(
    '/v1/memberships/:id/beneficiaries/:beneficiaryId',
    {
      config: { policy: { allow: WRITERS, record: 'membership' } },
      schema: {
        tags: ['memberships'],
        summary: 'Remove a beneficiary (kept in the history)',
        params: BeneficiaryParams,
        response: { 204: Type.Null(), ...problemResponses(401, 403, 404, 428, 451) },
      },
    },
    async (request, reply) => {
      await beneficiaries.removeBeneficiary(
        actorOf(request),
        request.params.id,
        request.params.beneficiaryId,
      );
      return reply.status(204).send(null);
    },
  );
};
