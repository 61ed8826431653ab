import { Type } from '@sinclair/typebox';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { DatabaseHandle } from '../db/client.ts';
import { migrationStatus } from '../db/migrate.ts';
import { AppError, type CodesOf, defineErrors } from '../lib/errors.ts';
import { loggableError } from './error-log.ts';
import { problemResponses } from './openapi.ts';
import { PUBLIC } from './principal.ts';

export const HealthErrors = defineErrors({
  /**
   * `/health/ready`: this process should not be sent traffic yet (or any more). `checks` names
   * each check and whether it passed: the database answers, its migrations are this build's, the
   * job queue runs.
   */
  NOT_READY: {
    status: 503,
    es: 'Libra no está lista para atender solicitudes.',
    en: 'Libra is not ready to serve requests.',
  },
});

declare module '../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof HealthErrors> {}
}

const Health = Type.Object({
  status: Type.Literal('ok'),
  database: Type.Union([Type.Literal('pglite'), Type.Literal('postgresql')]),
  version: Type.String(),
});

const Check = Type.Object({
  ok: Type.Boolean(),
  /** What was found, in English, for the operator's eyes. */
  detail: Type.String(),
});

const Ready = Type.Object({
  status: Type.Literal('ready'),
  version: Type.String(),
  checks: Type.Object({ database: Check, migrations: Check, jobs: Check }),
});

type CheckResult = { ok: boolean; detail: string };
type CheckName = 'database' | 'migrations' | 'jobs';

/** A probe answers within its own timeout: a check that hangs (a partitioned network) is a failure. */
const CHECK_TIMEOUT_MS = 2_000;

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const NOT_READY_WORDS: Record<CheckName, { es: string; en: string }> = {
  database: { es: 'la base de datos no responde', en: 'the database does not answer' },
  migrations: {
    es: 'la base de datos no tiene las migraciones de esta versión',
    en: "the database does not have this build's migrations",
  },
  jobs: { es: 'la cola de trabajos no está en marcha', en: 'the job queue is not running' },
};

export interface HealthOptions {
  database: DatabaseHandle;
  version: string;
  /** The job queue (pg-boss): ready only while it runs. */
  jobs: { readonly running: boolean };
}

/**
 * `/health` (the database answers), `/health/live` (the process runs its event loop: restart it
 * when this fails) and `/health/ready` (send it traffic: the database answers, it has every
 * migration of this build, and the job queue runs).
 */
export async function healthRoutes(app: FastifyInstance, { database, version, jobs }: HealthOptions) {
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

  app.get(
    '/health/live',
    {
      schema: {
        tags: ['platform'],
        summary: 'Liveness: the process answers (no dependency is asked); restart it when this fails',
        response: { 200: Type.Object({ status: Type.Literal('live') }) },
      },
      config: { rateLimit: false, policy: PUBLIC },
    },
    async () => ({ status: 'live' as const }),
  );

  const checkDatabase = async (): Promise<CheckResult> => {
    await within(database.db.execute(sql`select 1`), CHECK_TIMEOUT_MS);
    return { ok: true, detail: `${database.kind} answers` };
  };
  const checkMigrations = async (): Promise<CheckResult> => {
    const status = await within(migrationStatus(database), CHECK_TIMEOUT_MS);
    const ahead = status.unknown > 0 ? `; ${status.unknown} applied by a newer build` : '';
    if (status.pending > 0)
      return {
        ok: false,
        detail: `${status.pending} of ${status.known} migrations pending (run \`libra migrate\` or restart)`,
      };
    return { ok: true, detail: `${status.applied} applied, ${status.known} in this build${ahead}` };
  };

  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['platform'],
        summary:
          'Readiness: the database answers, its migrations are current and the job queue runs (503 NOT_READY names what is not)',
        response: { 200: Ready, ...problemResponses(503) },
      },
      config: { rateLimit: false, policy: PUBLIC },
    },
    async (request) => {
      const checks = {} as Record<CheckName, CheckResult>;
      const run = async (name: CheckName, check: () => Promise<CheckResult>) => {
        try {
          checks[name] = await check();
        } catch (cause) {
          request.log.warn({ err: loggableError(cause) }, `readiness: ${name} check failed`);
          checks[name] = { ok: false, detail: cause instanceof Error ? cause.message : String(cause) };
        }
      };
      await run('database', checkDatabase);
      // Unreachable, the database cannot say which migrations it has.
      if (checks.database.ok) await run('migrations', checkMigrations);
      else checks.migrations = { ok: false, detail: 'unknown: the database does not answer' };
      checks.jobs = jobs.running
        ? { ok: true, detail: 'pg-boss running' }
        : { ok: false, detail: 'pg-boss is not running' };

      const failing = (Object.keys(checks) as CheckName[]).filter((name) => !checks[name].ok);
      if (failing.length > 0) {
        throw new AppError('NOT_READY', {
          localisedDetail: {
            es: `Libra no está lista: ${failing.map((n) => NOT_READY_WORDS[n].es).join('; ')}.`,
            en: `Libra is not ready: ${failing.map((n) => NOT_READY_WORDS[n].en).join('; ')}.`,
          },
          extensions: { notReady: failing, checks },
        });
      }
      return { status: 'ready' as const, version, checks };
    },
  );
}
