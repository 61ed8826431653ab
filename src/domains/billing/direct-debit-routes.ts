import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../lib/errors.ts';
import { actorOf } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import type { BillingService } from './service.ts';

/** Money moves by finance's hand: the bank's files are finance's. */
const FINANCE = ['finance'] as const;

/** An answer file of a few hundred thousand lines fits (a line is some 40 bytes). */
export const ANSWER_FILE_MAX_BYTES = 32 * 1024 * 1024;

const Label = Type.Object({ es: Type.String(), en: Type.String() });

const Issue = Type.Object({
  line: Type.Integer({ description: 'The line number in the file (the header is line 1)' }),
  reference: Type.Union([Type.String(), Type.Null()]),
  kind: Type.Union(
    ['already_applied', 'malformed', 'unknown_reference', 'not_sent', 'duplicate', 'conflict', 'stale'].map(
      (k) => Type.Literal(k),
    ),
  ),
  message: Label,
});

export const AnswerImportView = Type.Object({
  lines: Type.Integer({ description: 'Answer lines read (the header and blank lines aside)' }),
  approved: Type.Integer({ description: 'Approvals applied now: charges paid' }),
  rejected: Type.Integer({ description: 'Rejections applied now: declined attempts' }),
  alreadyApplied: Type.Integer({ description: 'Lines applied by an earlier import: nothing changed' }),
  problems: Type.Integer({ description: 'Lines refused (see issues): nothing changed for them' }),
  issues: Type.Array(Issue, { description: 'The lines not applied now, by line (the first 1,000)' }),
  issuesTruncated: Type.Boolean(),
});

const FileParams = Type.Object(
  {
    date: Type.String({
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description: 'The collection day (Mexico City)',
      examples: ['2026-12-01'],
    }),
  },
  { additionalProperties: false },
);

export const directDebitRoutes: FastifyPluginAsyncTypebox<{ billing: BillingService }> = async (
  app,
  { billing },
) => {
  // The bank's answer arrives as the CSV itself; only in this plugin's routes.
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.get(
    '/v1/direct-debits/:date/file',
    {
      config: { policy: { allow: FINANCE, record: 'direct_debit_file' } },
      schema: {
        tags: ['billing'],
        summary:
          'The day’s direct-debit collection file for the bank (CSV, docs/bank-files.md): sealed at its first export, the same file every time after (audited)',
        params: FileParams,
        response: {
          200: {
            description: '`text/csv`: a header, then one line per collection, by reference',
            content: { 'text/csv': { schema: Type.String() } },
          },
          ...problemResponses(400, 401, 403, 422),
        },
      },
    },
    async (request, reply) => {
      const file = await billing.exportDirectDebitFile(actorOf(request), request.params.date);
      return (
        reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="domiciliacion-${request.params.date}.csv"`)
          .header('x-libra-lines', String(file.lines))
          .header('x-libra-amount-centavos', String(file.amountCentavos))
          // A stream is sent as it is read, past the serializer; the typed reply only knows the schema.
          .send(Readable.from(file.body) as unknown as string)
      );
    },
  );

  app.post(
    '/v1/imports/direct-debit-answers',
    {
      bodyLimit: ANSWER_FILE_MAX_BYTES,
      config: { policy: { allow: FINANCE, record: 'direct_debit_file' } },
      schema: {
        tags: ['billing'],
        summary:
          'Apply the bank’s direct-debit answer file (text/csv, docs/bank-files.md): approvals pay, rejections decline, each exactly once; a line that cannot be applied is reported and changes nothing',
        // The file itself is the body: described so that a generated client sends text/csv.
        consumes: ['text/csv'],
        body: Type.Any({ description: 'The answer file (text/csv, UTF-8), layout in docs/bank-files.md' }),
        response: { 200: AnswerImportView, ...problemResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request) => {
      const body = request.body;
      if (typeof body !== 'string') throw new AppError('UNSUPPORTED_MEDIA_TYPE');
      const report = await billing.importDirectDebitAnswers(actorOf(request), body.split('\n'));
      return {
        ...report,
        issues: report.issues.map(({ es, en, ...rest }) => ({ ...rest, message: { es, en } })),
      };
    },
  );
};
