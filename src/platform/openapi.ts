import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, errorDefinition, registeredErrorCodes } from '../lib/errors.ts';
import { PUBLIC } from './principal.ts';

/** RFC 9457 problem document as every error response is shaped. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'URI reference naming the problem kind; GET it for its description.' }),
    title: Type.String({
      description: 'Short sentence for people, in Spanish unless Accept-Language prefers English.',
    }),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable machine-readable code, e.g. PLAN_NOT_FOUND.' }),
    instance: Type.String(),
    requestId: Type.String({ description: 'Quote it when reporting a problem; it is in every log line.' }),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { additionalProperties: true },
);

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input (problem+json: VALIDATION_FAILED lists the fields; MALFORMED_JSON)',
  401: 'Not signed in',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflicts with the current state',
  413: 'Body too large',
  415: 'Unsupported content type',
  422: 'Not processable',
  428: 'A precondition is missing (VERIFICATION_REQUIRED: verify the caller first)',
  429: 'Too many requests (see Retry-After)',
  451: 'Personal data blocked by an ARCO cancellation (PERSONAL_DATA_BLOCKED): only billing records are kept',
  503: 'Unavailable',
};

/** Response entries for the error statuses a route can answer, for its schema. */
export function problemResponses(...statuses: number[]) {
  const responses: Record<
    number,
    { content: Record<string, { schema: typeof ProblemSchema }>; description: string }
  > = {};
  for (const status of statuses) {
    responses[status] = {
      description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    };
  }
  return responses;
}

/** OpenAPI 3.1 generated from the route schemas, served at /openapi.json, and browsable at /docs. */
export const openApiPlugin = fp(
  async (app: FastifyInstance, { version }: { version: string }) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Libra API',
          version,
          description:
            'The platform behind the Asistencia Libra Plus program. Money is integer centavos (MXN, IVA included unless said otherwise); times are ISO 8601 instants; errors are RFC 9457 problem+json with a stable `code`.',
        },
        tags: [
          { name: 'catalog', description: 'Plans, versions, services and their limits' },
          { name: 'platform', description: 'Health, metrics, API description' },
          { name: 'identity', description: 'Sign-in, sessions, who am I' },
          { name: 'admin', description: 'Staff accounts, API keys and the plan catalog' },
          { name: 'reports', description: "Supervisors' figures of the operation (no personal data)" },
          { name: 'audit', description: 'The append-only audit log' },
          { name: 'memberships', description: 'Contracting, beneficiaries, cards, member search' },
          {
            name: 'entitlements',
            description: 'May this person use this service now? Usage this membership year',
          },
          { name: 'payments', description: 'The sandbox processor: card tokenization with test cards' },
          {
            name: 'complaints',
            description:
              'Complaints: filing, the staff who work them, due dates in business days, escalation',
          },
          {
            name: 'messages',
            description:
              "Messages to members: their delivery state, re-sending one, and the member's choice of language, channels and quiet hours",
          },
        ],
      },
    });
    // The docs UI registers its own routes; they are public, declared here since it cannot.
    await app.register(async (docs) => {
      docs.addHook('onRoute', (route) => {
        route.config = { ...(route.config ?? {}), policy: PUBLIC };
      });
      await docs.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
    });

    app.get(
      '/openapi.json',
      { schema: { hide: true }, config: { rateLimit: false, policy: PUBLIC } },
      async () => app.swagger(),
    );

    app.get<{ Params: { slug: string } }>(
      '/problems/:slug',
      { schema: { hide: true }, config: { policy: PUBLIC } },
      async (request) => {
        const code = request.params.slug.toUpperCase().replace(/-/g, '_');
        const definition = errorDefinition(code);
        if (!definition) throw new AppError('ROUTE_NOT_FOUND');
        return { code, status: definition.status, title: { es: definition.es, en: definition.en } };
      },
    );

    app.get('/problems', { schema: { hide: true }, config: { policy: PUBLIC } }, async () => ({
      data: registeredErrorCodes().map((code) => {
        const d = errorDefinition(code);
        return { code, status: d?.status, title: { es: d?.es, en: d?.en } };
      }),
    }));
  },
  { name: 'openapi' },
);
