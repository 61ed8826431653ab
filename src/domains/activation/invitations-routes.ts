import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, setSessionCookie } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { PUBLIC } from '../../platform/principal.ts';
import { SESSION_LIFETIMES } from '../identity/sessions.ts';
import type { InvitationsService } from './invitations.ts';
import {
  AcceptInvitationBody,
  BeneficiaryAccess,
  Invitation,
  InvitationAccepted,
  InvitationPathParams,
  InviteBody,
  MembershipPathParams,
  TokenParams,
} from './schemas.ts';

// The titular only: the service answers MEMBERSHIP_NOT_FOUND to any other customer (a beneficiary's own account too).
const TITULAR = { allow: ['customer'], record: 'membership' } as const;

export const invitationRoutes: FastifyPluginAsyncTypebox<{ invitations: InvitationsService }> = async (
  app,
  { invitations },
) => {
  app.post(
    '/v1/memberships/:id/beneficiaries/:beneficiaryId/invitations',
    {
      config: { policy: TITULAR },
      schema: {
        tags: ['memberships'],
        summary: 'Invite a beneficiary of age to an account of their own (a one-time link for 7 days)',
        params: InvitationPathParams,
        body: InviteBody,
        response: { 201: Invitation, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await invitations.invite(
            actorOf(request),
            request.params.id,
            request.params.beneficiaryId,
            request.body,
          ),
        ),
  );

  app.get(
    '/v1/memberships/:id/beneficiary-access',
    {
      config: { policy: TITULAR },
      schema: {
        tags: ['memberships'],
        summary: 'The invitations sent and which beneficiaries have an account of their own',
        params: MembershipPathParams,
        response: { 200: BeneficiaryAccess, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => invitations.list(actorOf(request), request.params.id),
  );

  app.delete(
    '/v1/memberships/:id/beneficiaries/:beneficiaryId/access',
    {
      config: { policy: TITULAR },
      schema: {
        tags: ['memberships'],
        summary: 'Take a beneficiary’s access away: open invitations closed, their account cut off',
        params: InvitationPathParams,
        response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await invitations.revoke(actorOf(request), request.params.id, request.params.beneficiaryId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/beneficiary-invitations/:token/accept',
    {
      config: { policy: PUBLIC },
      schema: {
        tags: ['identity'],
        summary: 'Accept an invitation: creates the beneficiary’s own account and signs it in',
        params: TokenParams,
        body: AcceptInvitationBody,
        response: { 200: InvitationAccepted, ...problemResponses(400, 404, 409, 410, 422) },
      },
    },
    async (request, reply) => {
      const signedIn = await invitations.accept(actorOf(request), request.params.token, {
        ...request.body,
        userAgent: request.headers['user-agent'],
      });
      setSessionCookie(reply, signedIn.token, SESSION_LIFETIMES[signedIn.user.role].absoluteMs / 1000);
      return {
        user: signedIn.user,
        csrfToken: signedIn.csrfToken,
        session: { id: signedIn.sessionId, expiresAt: signedIn.expiresAt.toISOString() },
        membershipId: signedIn.membershipId,
        personId: signedIn.personId,
      };
    },
  );
};
