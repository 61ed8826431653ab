import { Type } from '@sinclair/typebox';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { DatabaseHandle } from '../db/client.ts';
import { AppError } from '../lib/errors.ts';
import { loggableError } from './error-log.ts';
import { PUBLIC } from './principal.ts';

const Health = Type.Object({
  status: Type.Literal('ok'),
  database: Type.Union([Type.Literal('pglite'), Type.Literal('postgresql')]),
  version: Type.String(),
});

/** Liveness and readiness in one: answers 200 only when the database answers. */
export async function healthRoutes(
  app: FastifyInstance,
  { database, version }: { database: DatabaseHandle; version: string },
) {
  app.get(
    '/health',
    {
      schema: {
        tags: ['platform'],
        summary: 'Health: the server is up and its database answers',
        response: { 200: Health },
      },
      config: { rateLimit: false, policy: PUBLIC },
    },
    async (request) => {
      try {
        await database.db.execute(sql`select 1`);
      } catch (cause) {
        request.log.error({ err: loggableError(cause) }, 'health check: database unreachable');
        throw new AppError('SERVICE_UNAVAILABLE', { cause });
      }
      return { status: 'ok' as const, database: database.kind, version };
    },
  );
}
