import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { redactCardNumbersInUrl } from '../lib/card-numbers.ts';
import { AppError, type ErrorCode } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { loggableError } from './error-log.ts';
import { buildProblem, toAppError } from './problem.ts';

/**
 * Refusals Fastify's router makes before a route is found — a path that is not valid UTF-8
 * (FST_ERR_BAD_URL), a path parameter over `maxParamLength` (FST_ERR_MAX_PARAM_LENGTH, 414) — answered
 * as problem+json like every other error. No hook runs for them (no route was found), so what the
 * hooks add is added here: the request id header and a path without card numbers.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const appError = toAppError(error);
  if (appError.status >= 500)
    request.log.error({ err: loggableError(error), code: appError.code }, 'request failed');
  else request.log.info({ code: appError.code, status: appError.status }, 'request refused');
  reply.header('x-request-id', request.id);
  reply.header('x-content-type-options', 'nosniff');
  const withoutCards = { id: request.id, headers: request.headers, url: redactCardNumbersInUrl(request.url) };
  for (const [name, value] of Object.entries(appError.options.headers ?? {})) reply.header(name, value);
  return reply
    .status(appError.status)
    .type('application/problem+json; charset=utf-8')
    .send(buildProblem(appError, withoutCards));
}

/** Node's HTTP parser's refusals, by its error code, before Fastify sees a request. */
function clientErrorCode(error: NodeJS.ErrnoException): ErrorCode {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return 'HEADERS_TOO_LARGE';
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 'REQUEST_TIMEOUT';
    default:
      return 'MALFORMED_REQUEST';
  }
}

/**
 * What Node's HTTP parser refuses (request line and headers over 16 KB: 431; a request that does not
 * arrive in time: 408; anything that is not HTTP: 400) is answered on the socket as problem+json
 * with its code and a request id of its own, in Spanish (no headers could be read), then the
 * connection is closed as Node does. Replaces Fastify's default handler, which answers plain JSON.
 */
export function clientErrorHandler(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket) {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const appError = new AppError(clientErrorCode(error));
  const requestId = newId();
  this.log.info({ code: appError.code, status: appError.status, reqId: requestId }, 'request refused');
  if (socket.writable) {
    const { instance: _none, ...problem } = buildProblem(appError, { id: requestId, url: '', headers: {} });
    const body = JSON.stringify(problem);
    socket.write(
      `HTTP/1.1 ${appError.status} ${STATUS_CODES[appError.status]}\r\n` +
        'Connection: close\r\n' +
        'Content-Type: application/problem+json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        'X-Content-Type-Options: nosniff\r\n' +
        `\r\n${body}`,
    );
  }
  socket.destroy(error);
}
