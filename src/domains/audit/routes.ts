import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { PageLimit } from '../../platform/schemas.ts';
import type { AuditService } from './service.ts';

const AuditEntryView = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actorType: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorRole: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  recordType: Type.String(),
  recordId: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});

const AuditQuery = Type.Object(
  {
    actorId: Type.Optional(Type.String({ maxLength: 100 })),
    action: Type.Optional(Type.String({ maxLength: 100 })),
    recordType: Type.Optional(Type.String({ maxLength: 100 })),
    recordId: Type.Optional(Type.String({ maxLength: 100 })),
    requestId: Type.Optional(Type.String({ maxLength: 128 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    before: Type.Optional(
      Type.String({ format: 'uuid', description: 'Cursor: the last id of the previous page' }),
    ),
    limit: Type.Optional(PageLimit(200, 50)),
  },
  { additionalProperties: false },
);

export const auditRoutes: FastifyPluginAsyncTypebox<{ audit: AuditService }> = async (app, { audit }) => {
  app.get(
    '/v1/audit',
    {
      config: { policy: { allow: ['supervisor', 'admin'], record: 'audit_log' } },
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first, filterable (this read is itself audited)',
        querystring: AuditQuery,
        response: {
          200: Type.Object({
            data: Type.Array(AuditEntryView),
            nextBefore: Type.Union([Type.String(), Type.Null()]),
          }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? 50;
      const entries = await audit.search(actorOf(request), {
        ...q,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        limit,
      });
      return {
        data: entries.map((e) => ({ ...e, at: e.at.toISOString() })),
        nextBefore: entries.length === limit ? (entries.at(-1)?.id ?? null) : null,
      };
    },
  );
};
