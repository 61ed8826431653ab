import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { OperationsQuery, OperationsReport } from './schemas.ts';
import type { ReportsService } from './service.ts';

export const reportsRoutes: FastifyPluginAsyncTypebox<{ reports: ReportsService }> = async (
  app,
  { reports },
) => {
  app.get(
    '/v1/reports/operations',
    {
      config: { policy: { allow: ['supervisor', 'admin'], record: 'report' } },
      schema: {
        tags: ['reports'],
        summary:
          'The operation in figures for a window (default the last 24 h, at most 31 days): cases per Mexico City hour by service, SLA shares, complaint backlog, charge success rate, memberships by state (audited)',
        querystring: OperationsQuery,
        response: { 200: OperationsReport, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => reports.operations(actorOf(request), request.query),
  );
};
