import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, type ErrorCode, errorDefinition, type FieldError, type Language } from '../lib/errors.ts';
import { preferredLanguage } from '../lib/i18n.ts';
import { loggableError } from './error-log.ts';
import { drainUnreadBody } from './unread-body.ts';
import { type AjvError, validationMessage } from './validation-messages.ts';

/** RFC 9457 problem details, with Libra's stable `code` and the request id added. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance: string;
  requestId: string;
  errors?: { field: string; message: string }[];
  [extension: string]: unknown;
}

export function problemType(code: ErrorCode): string {
  return `/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}

export function buildProblem(
  error: AppError,
  request: Pick<FastifyRequest, 'id' | 'url' | 'headers'>,
  lang: Language = preferredLanguage(request.headers['accept-language']),
): Problem {
  const definition = errorDefinition(error.code);
  const title = definition ? definition[lang] : error.message;
  return {
    ...(error.options.extensions ?? {}),
    type: problemType(error.code),
    title,
    status: error.status,
    detail: error.options.localisedDetail?.[lang] ?? error.options.detail ?? title,
    code: error.code,
    instance: request.url.split('?')[0] ?? request.url,
    requestId: String(request.id),
    ...(error.options.errors
      ? {
          errors: error.options.errors.map((e) => ({
            field: e.field,
            message: e.localised?.[lang] ?? e.message,
          })),
        }
      : {}),
  };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: AppError): FastifyReply {
  for (const [name, value] of Object.entries(error.options.headers ?? {})) reply.header(name, value);
  return reply
    .status(error.status)
    .type('application/problem+json; charset=utf-8')
    .send(buildProblem(error, request));
}

/**
 * The offending fields of a schema validation failure, each with its sentence in both languages
 * (the problem document picks the request's). A field reported twice with the same sentence (a
 * union of literals fails each branch) is listed once.
 */
export function schemaFieldErrors(error: FastifyError): FieldError[] {
  const context = (error as FastifyError & { validationContext?: string }).validationContext ?? 'body';
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const e of (error.validation ?? []) as AjvError[]) {
    let path = e.instancePath;
    if (e.keyword === 'required' && typeof e.params.missingProperty === 'string') {
      path = `${path}/${e.params.missingProperty}`;
    }
    if (e.keyword === 'additionalProperties' && typeof e.params.additionalProperty === 'string') {
      path = `${path}/${e.params.additionalProperty}`;
    }
    const localised = validationMessage(e);
    const field = `${context}${path}`;
    const key = `${field}\n${localised.en}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push({ field, message: e.message ?? 'is not valid', localised });
  }
  return errors;
}

/** Maps whatever was thrown to one AppError. Unknown errors become INTERNAL_ERROR and leak nothing. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const e = error as FastifyError;
  if (e?.validation) return new AppError('VALIDATION_FAILED', { errors: schemaFieldErrors(e) });
  switch (e?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('MALFORMED_JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    // The router's refusals (src/platform/framework-errors.ts).
    case 'FST_ERR_BAD_URL':
      return new AppError('MALFORMED_URL');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('URL_TOO_LONG');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return e.statusCode === 415
        ? new AppError('UNSUPPORTED_MEDIA_TYPE')
        : new AppError('MALFORMED_REQUEST');
  }
  if (e instanceof SyntaxError && e.statusCode === 400) return new AppError('MALFORMED_JSON');
  if (e?.statusCode === 413) return new AppError('PAYLOAD_TOO_LARGE');
  if (e?.statusCode === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new AppError('MALFORMED_REQUEST');
  }
  return new AppError('INTERNAL_ERROR', { cause: error });
}

/**
 * What an unknown URL answers a browser instead of problem+json: the web's own 404 page (HTML),
 * or undefined to answer problem+json after all (an API path, a client that wants JSON, no build).
 */
export type BrowserNotFound = (request: FastifyRequest) => Promise<string | undefined>;

/** The one mapping from errors to HTTP, and the answer for unknown routes (problem+json, or the web's 404 page to a browser). */
export const problemPlugin = fp(
  async (app: FastifyInstance, { browserNotFound }: { browserNotFound?: BrowserNotFound } = {}) => {
    app.setErrorHandler(async (error, request, reply) => {
      const appError = toAppError(error);
      if (appError.status >= 500) {
        // Never the error itself: a failed query's carries its parameters (src/platform/error-log.ts).
        request.log.error({ err: loggableError(error), code: appError.code }, 'request failed');
      } else {
        request.log.info({ code: appError.code, status: appError.status }, 'request refused');
      }
      // A body refused before it was read (413) is read first, so its sender gets to read the answer.
      await drainUnreadBody(request, reply);
      return sendProblem(reply, request, appError);
    });
    app.setNotFoundHandler(async (request, reply) => {
      const page = await browserNotFound?.(request);
      if (page === undefined) return sendProblem(reply, request, new AppError('ROUTE_NOT_FOUND'));
      // The same 404, in the form a person reads: the app shows its "page not found" there. Like
      // every refusal it is no-store (cache-control.ts); it varies with what the caller accepts.
      return reply.status(404).type('text/html; charset=utf-8').header('vary', 'Accept').send(page);
    });
  },
  { name: 'problem' },
);
