import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, clearSessionCookie, setSessionCookie } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { PUBLIC } from '../../platform/principal.ts';
import type { ApiKeysService } from './api-keys.ts';
import {
  ApiKeyView,
  ChangePasswordBody,
  CreateApiKeyBody,
  CreatedApiKey,
  CreateUserBody,
  IdParams,
  LoginBody,
  LoginResult,
  Me,
  SessionView,
  SignInUnlocked,
  UsersQuery,
  UserView,
} from './schemas.ts';
import type { IdentityService } from './service.ts';
import { SESSION_LIFETIMES, type SessionsService } from './sessions.ts';
import { csrfTokenFor } from './tokens.ts';

export const identityRoutes: FastifyPluginAsyncTypebox<{
  identity: IdentityService;
  sessions: SessionsService;
  apiKeys: ApiKeysService;
}> = async (app, { identity, sessions, apiKeys }) => {
  app.post(
    '/v1/auth/login',
    {
      config: { policy: PUBLIC },
      schema: {
        tags: ['identity'],
        summary: 'Sign in with email and password; sets the session cookie',
        body: LoginBody,
        response: { 200: LoginResult, ...problemResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const signedIn = await sessions.login(
        { ...request.body, userAgent: request.headers['user-agent'] },
        actorOf(request),
      );
      // The cookie may outlive idleness; the server decides when the session ends.
      setSessionCookie(reply, signedIn.token, SESSION_LIFETIMES[signedIn.user.role].absoluteMs / 1000);
      return {
        user: signedIn.user,
        csrfToken: signedIn.csrfToken,
        session: { id: signedIn.sessionId, expiresAt: signedIn.expiresAt.toISOString() },
      };
    },
  );

  app.post(
    '/v1/auth/logout',
    {
      config: { policy: { allow: 'any-user', record: 'own-session' } },
      schema: {
        tags: ['identity'],
        summary: 'Sign out: ends this session and clears the cookie',
        response: { 204: Type.Null(), ...problemResponses(401, 403) },
      },
    },
    async (request, reply) => {
      await sessions.logout(actorOf(request));
      clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/me',
    {
      config: {
        policy: { allow: 'authenticated', record: 'self' },
      },
      schema: {
        tags: ['identity'],
        summary: 'Who am I: the signed-in user and session, or the API key',
        response: { 200: Me, ...problemResponses(401) },
      },
    },
    async (request) => {
      const principal = request.principal;
      if (principal?.kind === 'api_key') {
        return {
          kind: 'api_key' as const,
          apiKey: {
            id: principal.apiKeyId,
            name: principal.name,
            kind: principal.role,
            scopes: principal.scopes,
            providerId: principal.providerId,
          },
        };
      }
      if (principal?.kind !== 'user' || !request.sessionToken)
        throw new Error('policy let an anonymous caller in');
      return {
        kind: 'user' as const,
        user: {
          id: principal.userId,
          email: principal.email,
          name: principal.name,
          role: principal.role,
          providerId: principal.providerId,
        },
        session: { id: principal.sessionId, expiresAt: principal.sessionExpiresAt.toISOString() },
        csrfToken: csrfTokenFor(request.sessionToken),
      };
    },
  );

  app.get(
    '/v1/me/sessions',
    {
      config: { policy: { allow: 'any-user', record: 'own-sessions' } },
      schema: {
        tags: ['identity'],
        summary: 'My active sessions',
        response: { 200: Type.Object({ data: Type.Array(SessionView) }), ...problemResponses(401) },
      },
    },
    async (request) => ({ data: await sessions.listOwnSessions(actorOf(request)) }),
  );

  app.delete(
    '/v1/me/sessions/:id',
    {
      config: { policy: { allow: 'any-user', record: 'own-session' } },
      schema: {
        tags: ['identity'],
        summary: 'End one of my sessions (another device); someone else’s answers 404',
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await sessions.revokeOwnSession(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/me/password',
    {
      config: { policy: { allow: 'any-user', record: 'self' } },
      schema: {
        tags: ['identity'],
        summary: 'Change my password: the current one and a new one; my other sessions end, this one goes on',
        body: ChangePasswordBody,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 422, 429) },
      },
    },
    async (request, reply) => {
      await sessions.changePassword(actorOf(request), request.body);
      return reply.status(204).send(null);
    },
  );

  const adminOnly = { allow: ['admin'] as const, record: 'user' };

  app.get(
    '/v1/admin/users',
    {
      config: { policy: adminOnly },
      schema: {
        tags: ['admin'],
        summary: 'Accounts (audited)',
        querystring: UsersQuery,
        response: { 200: Type.Object({ data: Type.Array(UserView) }), ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ data: await identity.listUsers(actorOf(request), request.query.role) }),
  );

  app.post(
    '/v1/admin/users',
    {
      config: { policy: adminOnly },
      schema: {
        tags: ['admin'],
        summary: 'Create a staff or provider account',
        body: CreateUserBody,
        response: { 201: UserView, ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await identity.createUser(actorOf(request), request.body)),
  );

  for (const [action, status] of [
    ['disable', 'disabled'],
    ['enable', 'active'],
  ] as const) {
    app.post(
      `/v1/admin/users/:id/${action}`,
      {
        config: { policy: adminOnly },
        schema: {
          tags: ['admin'],
          summary:
            action === 'disable' ? 'Disable an account and end its sessions' : 'Enable an account again',
          params: IdParams,
          response: { 200: UserView, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => identity.setUserStatus(actorOf(request), request.params.id, status),
    );
  }

  app.post(
    '/v1/admin/users/:id/unlock',
    {
      // Supervisors too: they are the ones on shift when an agent is kept out.
      config: { policy: { allow: ['admin', 'supervisor'] as const, record: 'user' } },
      schema: {
        tags: ['admin'],
        summary:
          'Unlock an account’s sign-in: its failed attempts so far stop counting, from every address (audited)',
        params: IdParams,
        response: { 200: SignInUnlocked, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => identity.unlockSignIn(actorOf(request), request.params.id),
  );

  const adminKeys = { allow: ['admin'] as const, record: 'api_key' };

  app.get(
    '/v1/admin/api-keys',
    {
      config: { policy: adminKeys },
      schema: {
        tags: ['admin'],
        summary: 'API keys (never their secrets)',
        response: { 200: Type.Object({ data: Type.Array(ApiKeyView) }), ...problemResponses(401, 403) },
      },
    },
    async () => ({ data: await apiKeys.listApiKeys() }),
  );

  app.post(
    '/v1/admin/api-keys',
    {
      config: { policy: adminKeys },
      schema: {
        tags: ['admin'],
        summary: 'Create an API key; the key is shown once',
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKey, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await apiKeys.createApiKey(actorOf(request), request.body)),
  );

  app.delete(
    '/v1/admin/api-keys/:id',
    {
      config: { policy: adminKeys },
      schema: {
        tags: ['admin'],
        summary: 'Revoke an API key at once',
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await apiKeys.revokeApiKey(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
