import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DatabaseHandle, Executor } from '../db/client.ts';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}

/** Prometheus metrics at /metrics: the process's defaults plus request durations by route. */
export const metricsPlugin = fp(
  async (app: FastifyInstance) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'libra_' });
    const duration = new Histogram({
      name: 'libra_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status code.',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    app.decorate('metrics', registry);

    app.addHook('onResponse', async (request, reply) => {
      // The route template, not the raw URL, so that ids do not explode the label set.
      const route = request.routeOptions.url ?? 'unmatched';
      duration.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });

    app.get(
      '/metrics',
      {
        schema: { hide: true },
        config: {
          rateLimit: false,
          policy: { allow: ['supervisor', 'admin', 'scope:metrics:read'], record: 'none' },
        },
      },
      async (_request, reply) => {
        reply.type(registry.contentType);
        return registry.metrics();
      },
    );
  },
  { name: 'metrics' },
);

/** One series of a family: its label values and its value now. */
export interface Sample {
  labels?: Record<string, string>;
  value: number;
}

/** A gauge family read from the database when /metrics is scraped. */
export interface ScrapedFamily {
  name: string;
  help: string;
  labelNames?: readonly string[];
  /** One indexed statement: it runs at every scrape of every process. */
  read(executor: Executor): Promise<Sample[]>;
}

/** Longest one family's statement may run at a scrape before it is given up. */
const FAMILY_TIMEOUT_MS = 5_000;

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Registers gauges that are read from the database at scrape time, rather than counted in the
 * services: every process reports the same truth, a restart loses nothing, and the services stay
 * free of metrics. A scrape reads the families one after another (one connection at a time, however
 * many families and however many scrapers ask at once: concurrent scrapes share one reading), each
 * under a statement timeout. A family that fails is left empty for that scrape, logged, and says
 * so in `libra_metrics_family_up{family}` (0); the rest of the scrape answers as usual.
 */
export function registerScrapedFamilies(
  registry: Registry,
  database: DatabaseHandle,
  families: ScrapedFamily[],
  onError: (family: string, error: unknown) => void,
): void {
  let reading: Promise<Map<string, Sample[] | null>> | null = null;
  const readOne = async (family: ScrapedFamily): Promise<Sample[]> => {
    if (database.kind !== 'postgresql') return within(family.read(database.db), FAMILY_TIMEOUT_MS);
    // On PostgreSQL the server gives the statement up too, instead of running on for nobody.
    return within(
      database.db.transaction(async (tx) => {
        await tx.execute(sql.raw(`set local statement_timeout = ${FAMILY_TIMEOUT_MS}`));
        return family.read(tx);
      }),
      FAMILY_TIMEOUT_MS + 1_000,
    );
  };
  const readAll = async () => {
    const results = new Map<string, Sample[] | null>();
    for (const family of families) {
      try {
        results.set(family.name, await readOne(family));
      } catch (error) {
        results.set(family.name, null);
        onError(family.name, error);
      }
    }
    return results;
  };
  // Every gauge's collect asks for the scrape's one reading; the first starts it.
  const snapshot = () => {
    reading ??= readAll().finally(() => {
      reading = null;
    });
    return reading;
  };

  new Gauge({
    name: 'libra_metrics_family_up',
    help: '1 when the metric family was read at this scrape, 0 when reading it failed (see the log).',
    labelNames: ['family'] as const,
    registers: [registry],
    async collect() {
      const results = await snapshot();
      this.reset();
      for (const [family, samples] of results) this.set({ family }, samples ? 1 : 0);
    },
  });
  for (const family of families) {
    new Gauge({
      name: family.name,
      help: family.help,
      labelNames: family.labelNames ?? [],
      registers: [registry],
      async collect() {
        const samples = (await snapshot()).get(family.name);
        this.reset();
        for (const sample of samples ?? []) this.set(sample.labels ?? {}, sample.value);
      },
    });
  }
}
