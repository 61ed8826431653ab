import { Type } from '@sinclair/typebox';

export const ImportParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const ImportQuery = Type.Object(
  {
    filename: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        pattern: '^[^/\\\\\\u0000-\\u001f\\u007f]+$',
        description: 'The file’s name, kept with the run',
        examples: ['ventas-2026-12-05.csv'],
      }),
    ),
  },
  { additionalProperties: false },
);

/** An import run: where it came from, how it ended and its counts. */
export const ImportRunView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: Type.Literal('members'),
    source: Type.Union([Type.Literal('cli'), Type.Literal('api')]),
    fileName: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([Type.Literal('running'), Type.Literal('completed'), Type.Literal('stopped')], {
      description:
        '`completed`: every row was read; `stopped`: the file could not be read past `stop.line` (what came before was imported)',
    }),
    stop: Type.Union([
      Type.Object({
        code: Type.String({ examples: ['IMPORT_FILE_NOT_UTF8'] }),
        line: Type.Union([Type.Integer(), Type.Null()]),
      }),
      Type.Null(),
    ]),
    bytesRead: Type.Integer(),
    rows: Type.Integer({ description: 'Rows read after the header' }),
    imported: Type.Integer({ description: 'Memberships created by this run' }),
    alreadyImported: Type.Integer({
      description: 'Rows whose bank_reference already had a membership: nothing made, not an error',
    }),
    rejected: Type.Integer({ description: 'Rows refused; each problem is a line of the error report' }),
    startedAt: Type.String({ format: 'date-time' }),
    finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    errorReport: Type.String({
      description: 'Where the error report (CSV) is read',
      examples: ['/v1/imports/0193b8a4-7c1e-7d2a-9f00-1a2b3c4d5e6f/errors.csv'],
    }),
  },
  { $id: 'ImportRun' },
);
