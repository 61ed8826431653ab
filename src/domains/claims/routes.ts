import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors.ts';
import { actorOf } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { sendProblem } from '../../platform/problem.ts';
import { drainUnreadBody } from '../../platform/unread-body.ts';
import { CaseDocumentView, CaseParams, CaseView } from '../cases/schemas.ts';
import { type ClaimsService, DOCUMENT_MAX_BYTES, DOCUMENT_TYPES, mediaTypeOf } from './service.ts';

const UPLOADERS = ['customer', 'agent', 'supervisor', 'scope:cases:write'] as const;
/** Evidence holds personal data: the customer and staff only, never providers or partners. */
const DOCUMENT_READERS = ['customer', 'agent', 'supervisor', 'finance', 'admin'] as const;

const DocumentParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  documentId: Type.String({ format: 'uuid' }),
});

const ReviewBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
    approvedCentavos: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100_000_000,
        description: 'At most this much (the withdrawal and the card’s 24-hour maximum cap it anyway)',
      }),
    ),
    reason: Type.String({ minLength: 3, maxLength: 1000 }),
  },
  { additionalProperties: false },
);

/** `attachment` with an ASCII fallback name and the exact name in RFC 5987 form. */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^A-Za-z0-9._ -]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** Body errors of an upload, in the claim's own words; anything else goes to the app's handler. */
async function uploadErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const tooLarge = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413;
  const wrongType = error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.statusCode === 415;
  // As the app's handler does: the rest of a refused file is read before the answer (unread-body.ts).
  if (tooLarge || wrongType) await drainUnreadBody(request, reply);
  if (tooLarge)
    return sendProblem(
      reply,
      request,
      new AppError('DOCUMENT_TOO_LARGE', { extensions: { maxBytes: DOCUMENT_MAX_BYTES } }),
    );
  if (wrongType)
    return sendProblem(
      reply,
      request,
      new AppError('DOCUMENT_TYPE_NOT_ALLOWED', { extensions: { allowed: DOCUMENT_TYPES } }),
    );
  throw error;
}

export const claimsRoutes: FastifyPluginAsyncTypebox<{ claims: ClaimsService }> = async (app, { claims }) => {
  // Documents arrive as the raw file; only in this plugin's routes.
  app.addContentTypeParser(DOCUMENT_TYPES, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post(
    '/v1/cases/:id/documents',
    {
      bodyLimit: DOCUMENT_MAX_BYTES,
      errorHandler: uploadErrorHandler,
      config: { policy: { allow: UPLOADERS, record: 'case' } },
      schema: {
        tags: ['claims'],
        summary:
          'File evidence with a reimbursement claim: the raw file as the body (application/pdf, image/jpeg or image/png, at most 5 MB)',
        params: CaseParams,
        querystring: Type.Object(
          {
            filename: Type.String({
              minLength: 1,
              maxLength: 200,
              pattern: '^[^/\\\\\\u0000-\\u001f\\u007f]+$',
              examples: ['denuncia.pdf'],
            }),
          },
          { additionalProperties: false },
        ),
        response: { 201: CaseDocumentView, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const content = request.body;
      const contentType = mediaTypeOf(request.headers['content-type']);
      // JSON and text bodies are parsed by the app's own parsers: they are not documents.
      if (!Buffer.isBuffer(content) || !DOCUMENT_TYPES.includes(contentType))
        throw new AppError('DOCUMENT_TYPE_NOT_ALLOWED', { extensions: { allowed: DOCUMENT_TYPES } });
      const document = await claims.addDocument(actorOf(request), request.params.id, {
        filename: request.query.filename,
        contentType,
        content,
      });
      return reply.status(201).send(document);
    },
  );

  app.get(
    '/v1/cases/:id/documents',
    {
      config: { policy: { allow: DOCUMENT_READERS, record: 'case' } },
      schema: {
        tags: ['claims'],
        summary: "A claim's documents (metadata: name, type, size, SHA-256)",
        params: CaseParams,
        response: {
          200: Type.Object({ data: Type.Array(CaseDocumentView) }),
          ...problemResponses(401, 403, 404, 409),
        },
      },
    },
    async (request) => ({ data: await claims.listDocuments(actorOf(request), request.params.id) }),
  );

  app.get(
    '/v1/cases/:id/documents/:documentId',
    {
      config: { policy: { allow: DOCUMENT_READERS, record: 'case' } },
      schema: {
        tags: ['claims'],
        summary: 'Download a document of a claim (staff reads are audited)',
        params: DocumentParams,
        response: {
          200: {
            description: 'The file as filed, with its stored content type, as an attachment',
            content: Object.fromEntries(
              DOCUMENT_TYPES.map((type) => [type, { schema: Type.String({ format: 'binary' }) }]),
            ),
          },
          ...problemResponses(401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const document = await claims.readDocument(
        actorOf(request),
        request.params.id,
        request.params.documentId,
      );
      return reply
        .header('content-type', document.contentType)
        .header('content-disposition', contentDisposition(document.filename))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(document.content as never);
    },
  );

  app.post(
    '/v1/cases/:id/review',
    {
      config: { policy: { allow: ['supervisor', 'finance'], record: 'case' } },
      schema: {
        tags: ['claims'],
        summary:
          'Approve (and pay out to the membership’s card, capped at the card’s 24-hour ATM maximum) or reject a claim',
        params: CaseParams,
        body: ReviewBody,
        response: { 200: CaseView, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => claims.review(actorOf(request), request.params.id, request.body),
  );
};
