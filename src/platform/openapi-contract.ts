import { CSRF_HEADER, SESSION_COOKIE } from './auth.ts';
import { OPERATION_EXAMPLES } from './openapi-examples.ts';
import { ANSWER_FOLLOWS_CALLER, OPERATION_IDS, operationKey } from './openapi-operations.ts';
import type { RoutePolicy } from './principal.ts';

/**
 * What the OpenAPI description says of each operation beyond its route's schemas: who may call it
 * (security), its operationId, every problem it can answer and the partner's examples. Derived here,
 * from the route's policy and the parts of the request it takes, so that no route repeats it and
 * a new route is described like the rest. Only the description changes: validation and
 * serialisation still use the route's own schema.
 */

/** Names of the security schemes, as operations' `security` refer to them. */
export const SCHEME = { apiKey: 'apiKey', session: 'sessionCookie', csrf: 'csrfToken' } as const;

export const SECURITY_SCHEMES = {
  [SCHEME.apiKey]: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'lbr_<prefix>_<secret>',
    description:
      "A system's API key (the bank's partner key, a provider's systems, a metrics scraper): `Authorization: Bearer lbr_<prefix>_<secret>`. Admins create keys with scopes (`POST /v1/admin/api-keys`; the key is shown once) and revoke them at once. An operation lists the scopes that admit a key, one requirement each: a key holding any of them may call it. A malformed, unknown or revoked key is refused (401 `API_KEY_INVALID`) even on public operations.",
  },
  [SCHEME.session]: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description:
      "A person's session, set by `POST /v1/auth/login` (and by activating an account or accepting an invitation). An operation lists the roles that admit a person; a person has one role. Browsers send the cookie by themselves: a page of this server signed in (the console, the portal) tries operations here as that person.",
  },
  [SCHEME.csrf]: {
    type: 'apiKey',
    in: 'header',
    name: CSRF_HEADER,
    description:
      "With the session cookie, every POST, PUT, PATCH and DELETE carries the session's CSRF token (`csrfToken` in the answer of signing in and of `GET /v1/me`); reads need none. A wrong or missing one is 403 `CSRF_TOKEN_INVALID`.",
  },
} as const;

type Requirement = Record<string, string[]>;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sessionRequirement(method: string, roles: string[]): Requirement {
  return SAFE_METHODS.has(method)
    ? { [SCHEME.session]: roles }
    : { [SCHEME.session]: roles, [SCHEME.csrf]: [] };
}

/** The security requirements a route's policy amounts to: alternatives, any one of which admits. */
export function securityOf(policy: RoutePolicy | undefined, method: string, key: string): Requirement[] {
  if (!policy || policy.allow === 'public') {
    if (!ANSWER_FOLLOWS_CALLER.has(key)) return [];
    return [{}, { [SCHEME.apiKey]: [] }, sessionRequirement(method, [])];
  }
  if (policy.allow === 'authenticated') return [{ [SCHEME.apiKey]: [] }, sessionRequirement(method, [])];
  if (policy.allow === 'any-user') return [sessionRequirement(method, [])];
  const scopes = policy.allow.filter((g) => g.startsWith('scope:')).map((g) => g.slice('scope:'.length));
  const roles = policy.allow.filter((g) => !g.startsWith('scope:'));
  return [
    ...scopes.map((scope) => ({ [SCHEME.apiKey]: [scope] })),
    ...(roles.length > 0 ? [sessionRequirement(method, [...roles])] : []),
  ];
}

const list = (words: readonly string[], last = 'or') =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} ${last} ${words.at(-1)}`;
const code = (words: readonly string[]) => words.map((w) => `\`${w}\``);

/** "Who may call" in words, for the operation's description (what swagger-ui shows first). */
export function callersOf(policy: RoutePolicy | undefined, key: string): string {
  if (!policy || policy.allow === 'public') {
    return ANSWER_FOLLOWS_CALLER.has(key)
      ? 'Public; who calls decides the answer: no credentials (online), a signed-in agent or supervisor (phone), a partner key with `memberships:write` (bank).'
      : 'Public: no credentials needed.';
  }
  if (policy.allow === 'authenticated') return 'Any API key or signed-in person.';
  if (policy.allow === 'any-user') return 'Any signed-in person (not API keys).';
  const scopes = policy.allow.filter((g) => g.startsWith('scope:')).map((g) => g.slice('scope:'.length));
  const roles = policy.allow.filter((g) => !g.startsWith('scope:'));
  return [
    roles.length > 0 ? `people signed in as ${list(roles)}` : '',
    scopes.length > 0 ? `API keys with the scope ${list(code(scopes))}` : '',
  ]
    .filter(Boolean)
    .join('; ')
    .replace(/^./, (c) => c.toUpperCase())
    .concat('.');
}

/** What each problem status means, whatever its code. */
const STATUS_MEANING: Record<number, string> = {
  400: 'Bad input',
  401: 'No valid credentials',
  402: 'The card was declined',
  403: 'Not allowed',
  404: 'Not found (or not yours: someone else’s record answers as if it did not exist)',
  405: 'Method not allowed',
  409: 'Conflicts with the current state',
  410: 'Gone: no longer usable',
  413: 'Body too large',
  415: 'Unsupported content type',
  422: 'Not processable',
  428: 'A precondition is missing',
  429: 'Too many requests: wait `Retry-After` seconds',
  500: 'A failure we did not expect: quote the `requestId`',
  502: 'An upstream service failed',
  503: 'Unavailable for now: try again',
  504: 'An upstream service timed out',
};

interface RouteFacts {
  method: string;
  key: string;
  policy: RoutePolicy | undefined;
  hasBody: boolean;
  hasQuery: boolean;
  hasParams: boolean;
  hasIdempotencyKey: boolean;
  /** Error statuses the route's own schema declares (its domain's codes). */
  declared: number[];
}

/** The platform's codes this operation can answer, by status: derived from its policy and input. */
export function platformProblems(f: RouteFacts): Map<number, string[]> {
  const codes = new Map<number, string[]>();
  const add = (status: number, ...more: string[]) =>
    codes.set(status, [...(codes.get(status) ?? []), ...more]);
  const input = f.hasBody || f.hasQuery || f.hasParams || f.hasIdempotencyKey;
  if (input) add(400, 'VALIDATION_FAILED');
  if (f.hasBody) add(400, 'MALFORMED_JSON', 'JSON_TOO_DEEP');
  if (f.hasIdempotencyKey) add(400, 'IDEMPOTENCY_KEY_INVALID');
  const open = !f.policy || f.policy.allow === 'public';
  add(401, ...(open ? ['API_KEY_INVALID'] : ['UNAUTHENTICATED', 'SESSION_EXPIRED', 'API_KEY_INVALID']));
  if (!open && f.policy?.allow !== 'authenticated') add(403, 'FORBIDDEN');
  const sessions =
    !open &&
    (f.policy?.allow === 'authenticated' ||
      f.policy?.allow === 'any-user' ||
      (Array.isArray(f.policy?.allow) && f.policy.allow.some((g) => !g.startsWith('scope:'))));
  if (sessions && !SAFE_METHODS.has(f.method)) add(403, 'CSRF_TOKEN_INVALID');
  if (f.hasParams) add(404);
  if (f.hasBody) add(413, 'PAYLOAD_TOO_LARGE');
  if (f.hasBody) add(415, 'UNSUPPORTED_MEDIA_TYPE');
  if (f.hasBody || f.hasQuery) add(422, 'CARD_NUMBER_NOT_ALLOWED');
  if (f.hasIdempotencyKey) add(422, 'IDEMPOTENCY_KEY_REUSED');
  add(429, 'RATE_LIMITED');
  add(500, 'INTERNAL_ERROR');
  add(503, 'SERVICE_UNAVAILABLE');
  for (const status of f.declared) add(status);
  return codes;
}

type NamedExamples = Record<string, { summary: string; value: unknown }>;

/** The shared problem document, `components.schemas.Problem` (registered by the OpenAPI plugin). */
export const PROBLEM_REF = { $ref: 'Problem#' } as const;

function problemResponse(status: number, codes: string[], declared: boolean, examples?: NamedExamples) {
  const known =
    codes.length > 0
      ? ` Codes: ${list(code(codes))}${declared ? ', or one of this operation’s own' : ''}.`
      : '';
  const own =
    codes.length === 0 && declared ? ' Codes: this operation’s own (`GET /problems` lists every code).' : '';
  return {
    description: `${STATUS_MEANING[status] ?? 'Problem'}.${known}${own}`,
    ...(status === 429
      ? {
          headers: { 'retry-after': { type: 'integer', description: 'Seconds to wait before trying again' } },
        }
      : {}),
    content: { 'application/problem+json': { schema: PROBLEM_REF, ...(examples ? { examples } : {}) } },
  };
}

type Schema = Record<string, unknown>;
interface SwaggerRoute {
  method: string | string[];
  config?: { policy?: RoutePolicy };
}

/**
 * @fastify/swagger's `transform`: the route's schema as the description shows it. Runs each time
 * the description is generated (once: it is cached), never on a request.
 */
export function describeRoute({
  schema,
  url,
  route,
}: {
  schema: Schema | undefined;
  url: string;
  route: SwaggerRoute;
}): { schema: Schema | undefined; url: string } {
  if (!schema || schema.hide) return { schema, url };
  const method = [route.method].flat()[0] ?? 'GET';
  const key = operationKey(method, url);
  const policy = route.config?.policy;
  const response = { ...((schema.response as Record<string, Schema> | undefined) ?? {}) };
  const declared = Object.keys(response)
    .map(Number)
    .filter((status) => status >= 400);
  for (const status of declared) delete response[status];
  const headers = schema.headers as { properties?: Record<string, unknown> } | undefined;
  const facts: RouteFacts = {
    method,
    key,
    policy,
    hasBody: schema.body !== undefined,
    hasQuery: schema.querystring !== undefined,
    hasParams: /:\w/.test(url),
    hasIdempotencyKey: headers?.properties?.['idempotency-key'] !== undefined,
    declared,
  };
  const examples = OPERATION_EXAMPLES[key];
  for (const [status, codes] of platformProblems(facts)) {
    // A 401 of a route that needs credentials is always the platform's; a public one may have its own.
    const own = declared.includes(status) && !(status === 401 && policy && policy.allow !== 'public');
    response[status] = problemResponse(status, [...new Set(codes)], own, examples?.responses?.[status]);
  }
  // @fastify/swagger moves `x-examples` of a JSON answer's schema into its media type's examples.
  for (const [status, named] of Object.entries(examples?.responses ?? {})) {
    if (Number(status) < 400 && response[status])
      response[status] = { ...response[status], 'x-examples': named };
  }
  const callers = `**Who may call:** ${callersOf(policy, key)}`;
  const operationId = OPERATION_IDS[key];
  return {
    url,
    schema: {
      ...schema,
      ...(operationId ? { operationId } : {}),
      description: schema.description ? `${schema.description}\n\n${callers}` : callers,
      security: securityOf(policy, method, key),
      ...(examples?.body && schema.body
        ? { body: { ...(schema.body as Schema), 'x-examples': examples.body } }
        : {}),
      response,
    },
  };
}
