import type { PlanView } from '../domains/catalog/schemas.ts';

export type { PlanView };
export type PlanService = PlanView['services'][number];

/** One offending field of a 400 VALIDATION_FAILED problem, e.g. `body/titular/email`. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** An RFC 9457 problem from the API (or a network failure, with status 0). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string | undefined,
    /** Field errors of a validation failure, in the API's words. */
    readonly fields: FieldProblem[] = [],
    /** The whole problem document (extensions such as `cancellationLine`). */
    readonly body: Record<string, unknown> = {},
  ) {
    super(detail ?? code);
  }

  /** The API's message for one field (`titular/email` matches `body/titular/email`). */
  fieldMessage(path: string): string | undefined {
    return this.fields.find((f) => f.field === `body/${path}` || f.field === path)?.message;
  }
}

/**
 * The session's CSRF token, sent with every state-changing request. Set by the session provider
 * (from sign-in or GET /v1/me); the session cookie itself is HttpOnly and never seen by scripts.
 */
let csrfToken: string | undefined;
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export interface RequestOptions {
  lang: string;
  body?: unknown;
  /** Sent as Idempotency-Key: the same key replays the first answer instead of acting twice. */
  idempotencyKey?: string;
}

/** Calls the API; failures become ApiProblem with the API's words, in the reader's language. */
export async function api<T>(method: string, path: string, options: RequestOptions): Promise<T> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': options.lang,
  };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiProblem(0, 'NETWORK', undefined);
  }
  if (response.status === 204) return undefined as T;
  if (response.ok) return (await response.json()) as T;
  let body: { code?: string; detail?: string; errors?: FieldProblem[] } = {};
  try {
    body = await response.json();
  } catch {
    // Not problem+json (a proxy's page): the status alone.
  }
  throw new ApiProblem(
    response.status,
    body.code ?? `HTTP_${response.status}`,
    body.detail,
    body.errors ?? [],
    body as Record<string, unknown>,
  );
}

/** GET a JSON resource in the reader's language. */
export function getJson<T>(path: string, lang: string): Promise<T> {
  return api<T>('GET', path, { lang });
}

/** A fresh Idempotency-Key for one user intent (kept across retries of that intent). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** The problem's own words (problem+json `detail`), or the caller's "no connection" sentence. */
export function problemText(error: unknown, network: string): string {
  return error instanceof ApiProblem && error.status !== 0 && error.detail ? error.detail : network;
}

/**
 * Every read's retry policy (the QueryClient's default): a 4xx answer will not change by asking
 * again, so it shows at once; a 5xx or a dropped connection is asked once more, quickly, so a
 * failing API shows its error state in about a second instead of after TanStack's three backed-off
 * retries (~8 s of "Cargando…").
 */
export const retryPolicy = (failures: number, error: unknown) =>
  !(error instanceof ApiProblem && error.status >= 400 && error.status < 500) && failures < 1;
export const RETRY_DELAY_MS = 400;
