import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, errorDefinition, registeredErrorCodes } from '../lib/errors.ts';
import { describeRoute, SECURITY_SCHEMES } from './openapi-contract.ts';
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

/**
 * The domains' tags, in the order the docs page shows them (what a partner reads first, first).
 * Every tag an operation uses is declared here with its description (test/openapi-contract.test.ts).
 */
export const TAGS = [
  {
    name: 'memberships',
    description:
      'Contracting (online, by phone, by the bank), the membership and its history, its card, contact and beneficiaries, member search',
  },
  { name: 'entitlements', description: 'May this person use this service now? Usage this membership year' },
  {
    name: 'cases',
    description:
      'Assistance cases: opening one (eligibility decided and stored), following it live, cancelling it, its place, SLA targets',
  },
  { name: 'billing', description: 'Charges, their attempts, receipts and refunds; billing runs' },
  { name: 'invoicing', description: 'CFDI 4.0 invoices, credit notes, the global invoice, fiscal data' },
  { name: 'cancellation', description: 'Cancelling a membership, and the 30-day refund' },
  {
    name: 'events',
    description:
      'The event log, in order from a cursor: what happened to memberships, charges, refunds, cases, complaints, cancellations and invoices',
  },
  {
    name: 'webhooks',
    description:
      'Endpoints that receive the events signed per Standard Webhooks; their delivery log, replays and secret rotation (docs/webhooks.md)',
  },
  {
    name: 'complaints',
    description: 'Complaints: filing, the staff who work them, due dates in business days, escalation',
  },
  { name: 'catalog', description: 'Plans, versions, services and their limits' },
  {
    name: 'imports',
    description:
      'Files from partners: the bank’s members file, imported as a stream, and each import’s error report (docs/bank-files.md)',
  },
  { name: 'payments', description: 'The sandbox processor: card tokenization with test cards' },
  {
    name: 'test-clocks',
    description:
      'Sandbox only: clocks whose memberships live in a time of their own, advanced to see renewals, declines, retries and suspensions happen (docs/test-clocks.md)',
  },
  {
    name: 'places',
    description: 'Mexican postal codes and addresses placed on the map, with their precision',
  },
  { name: 'claims', description: 'Reimbursement claims: their documents, review and payout' },
  {
    name: 'appointments',
    description: 'Published slots of appointment services, and booking a case into one',
  },
  {
    name: 'remote',
    description: 'Remote consultations: the on-duty professionals’ queue, taking one, its notes',
  },
  {
    name: 'providers',
    description: 'The provider network as staff see it: providers, availability, candidates',
  },
  {
    name: 'provider',
    description: "A provider's own side: offers to answer, jobs, progress, position, slots",
  },
  {
    name: 'messages',
    description:
      "Messages to members: their delivery state, re-sending one, and the member's choice of language, channels and quiet hours",
  },
  {
    name: 'privacy',
    description: 'ARCO requests (access, rectification, cancellation, opposition) and their answers',
  },
  {
    name: 'identity',
    description: 'Sign-in, sessions, who am I, activating an account, accepting an invitation',
  },
  { name: 'admin', description: 'Staff accounts, API keys and the plan catalog' },
  { name: 'audit', description: 'The append-only audit log' },
  { name: 'reports', description: "Supervisors' figures of the operation (no personal data)" },
  { name: 'platform', description: 'Health and the web apps’ run-time settings' },
];

/** The problem document as the description shows it: every stable code listed in `code`. */
function problemDocument() {
  return {
    ...ProblemSchema,
    $id: 'Problem',
    description:
      'RFC 9457 problem details, the body of every 4xx and 5xx answer (`application/problem+json`). Switch on `code`; `GET {type}` describes a code and `GET /problems` lists every code with its status and sentences.',
    properties: {
      ...ProblemSchema.properties,
      code: {
        type: 'string',
        description:
          'Stable machine-readable code, e.g. PLAN_NOT_FOUND: one of these, and new ones may be added.',
        enum: registeredErrorCodes(),
      },
    },
  };
}

/** OpenAPI 3.1 generated from the route schemas, served at /openapi.json, and browsable at /docs. */
export const openApiPlugin = fp(
  async (app: FastifyInstance, { version }: { version: string }) => {
    // Every domain's errors.ts is loaded by now (app.ts imports the routes), so the list is whole.
    app.addSchema(problemDocument());
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Libra API',
          version,
          description:
            'The platform behind the Asistencia Libra Plus program. Money is integer centavos (MXN, IVA included unless said otherwise); times are ISO 8601 instants; errors are RFC 9457 problem+json with a stable `code` (`components.schemas.Problem` lists them). Systems authenticate with an API key (`Authorization: Bearer …`, the **Authorize** button here); people with the session cookie and, on writes, its CSRF token. Each operation says who may call it.',
          license: { name: 'Proprietary: all rights reserved', identifier: 'LicenseRef-Libra-Proprietary' },
        },
        // Relative: the server that serves this description, whatever its address (docs/decisions.md).
        servers: [{ url: '/', description: 'This Libra server' }],
        components: { securitySchemes: SECURITY_SCHEMES },
        tags: TAGS,
      },
      transform: describeRoute as never,
      // Shared schemas keep their own names (`components.schemas.Problem`), not `def-0`.
      refResolver: {
        buildLocalReference: (json: { $id?: unknown }, _base: unknown, _fragment: unknown, i: number) =>
          typeof json.$id === 'string' ? json.$id : `def-${i}`,
      },
    });
    // The docs UI registers its own routes; they are public, declared here since it cannot.
    await app.register(async (docs) => {
      docs.addHook('onRoute', (route) => {
        route.config = { ...(route.config ?? {}), policy: PUBLIC };
      });
      await docs.register(swaggerUi, {
        routePrefix: '/docs',
        staticCSP: true,
        // A partner finds an operation by tag or by the operationId its generated client uses.
        uiConfig: { displayOperationId: true, filter: true },
      });
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
