import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../lib/errors.ts';
import { actorOf } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import './errors.ts';
import { ImportParams, ImportQuery, ImportRunView } from './schemas.ts';
import { IMPORT_MAX_BYTES, type ImportsService } from './service.ts';
import { presentRun } from './views.ts';

/** Files are finance's: the bank sends them to finance, who imports them. */
const IMPORTERS = ['finance'] as const;
const IMPORT_READERS = ['finance', 'admin'] as const;

function isStream(body: unknown): body is Readable {
  return body instanceof Readable;
}

export const importsRoutes: FastifyPluginAsyncTypebox<{ imports: ImportsService }> = async (
  app,
  { imports },
) => {
  // A CSV body is handed to the route as the request's stream, never read into memory here.
  app.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));

  app.post(
    '/v1/imports/members',
    {
      config: { policy: { allow: IMPORTERS, record: 'import' } },
      schema: {
        tags: ['imports'],
        summary:
          'Import the bank’s members file (CSV, docs/bank-files.md), streamed: every row imported, already imported (its bank_reference) or rejected into the error report (audited)',
        description: `The body is the file itself, \`Content-Type: text/csv\` (UTF-8), at most ${IMPORT_MAX_BYTES / 1024 / 1024} MiB; larger files go through \`libra import members\`. Safe to repeat: a row whose \`bank_reference\` already has a membership makes nothing and counts as already imported. A header that is not the layout is refused whole (422, nothing recorded).`,
        consumes: ['text/csv'],
        body: Type.Any({ description: 'The CSV file (text/csv, UTF-8)' }),
        querystring: ImportQuery,
        response: { 201: ImportRunView, ...problemResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (!isStream(body)) throw new AppError('IMPORT_CONTENT_TYPE');
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > IMPORT_MAX_BYTES) {
        throw new AppError('IMPORT_FILE_TOO_LARGE', { extensions: { maxBytes: IMPORT_MAX_BYTES } });
      }
      const run = await imports.importMembers(actorOf(request), body, {
        source: 'api',
        fileName: request.query.filename ?? null,
        maxBytes: IMPORT_MAX_BYTES,
      });
      return reply.status(201).header('location', `/v1/imports/${run.id}`).send(presentRun(run));
    },
  );

  app.get(
    '/v1/imports/:id',
    {
      config: { policy: { allow: IMPORT_READERS, record: 'import' } },
      schema: {
        tags: ['imports'],
        summary: 'An import run: its status and counts (they grow batch by batch while it runs)',
        params: ImportParams,
        response: { 200: ImportRunView, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => presentRun(await imports.run(request.params.id)),
  );

  app.get(
    '/v1/imports/:id/errors.csv',
    {
      config: { policy: { allow: IMPORT_READERS, record: 'import' } },
      schema: {
        tags: ['imports'],
        summary:
          'An import run’s error report: one CSV line per problem of a rejected row (file line, column, code, reason in Spanish and English, bank reference), streamed',
        params: ImportParams,
        response: {
          200: {
            description: '`text/csv`: the layout is in docs/bank-files.md, "The error report"',
            content: { 'text/csv': { schema: Type.String() } },
          },
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const run = await imports.run(request.params.id);
      return (
        reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="errores-${run.id}.csv"`)
          // A stream is sent as it is read, past the serializer; the typed reply only knows the schema.
          .send(Readable.from(imports.errorReport(run.id)) as unknown as string)
      );
    },
  );
};
