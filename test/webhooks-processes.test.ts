import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, buildServices, type Services, serviceOptionsOf } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { type DatabaseHandle, openDatabase, rows } from '../src/db/client.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { seed } from '../src/seed.ts';
import type { TestApp } from './support/app.ts';
import { bearer, createApiKey } from './support/auth.ts';
import { freshDatabase, onPostgres, type TestDatabase } from './support/database.ts';
import { buildMembership } from './support/factories.ts';
import { until } from './support/wait.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

/**
 * Delivered once across processes: every process with workers fans the log out and sends what is
 * due, and each event reaches each endpoint once — one delivery per (event, endpoint), claimed by
 * one worker at a time.
 */

interface Instance {
  app: FastifyInstance;
  services: Services;
  handle: DatabaseHandle;
}

const clock = new ManualClock('2026-11-25T20:05:00Z');
let database: TestDatabase | undefined;
const databases: TestDatabase[] = [];
const instances: Instance[] = [];
let receiver: WebhookReceiver | undefined;

afterAll(async () => {
  for (const i of instances) {
    await i.app.close();
    if (!databases.some((d) => d.handle === i.handle)) await i.handle.close();
  }
  await receiver?.close();
  for (const d of databases) await d.drop();
});

async function start(handle: DatabaseHandle, workers: boolean): Promise<Instance> {
  const config = loadConfig({
    NODE_ENV: 'test',
    JOB_WORKERS: String(workers),
    JOB_POLL_SECONDS: '1',
    PARTNER_RATE_LIMIT_PER_MINUTE: '100000',
  });
  const services = buildServices(handle, clock, serviceOptionsOf(config));
  const app = await buildApp({ config, database: handle, clock, services });
  await app.ready();
  const instance = { app, services, handle };
  instances.push(instance);
  return instance;
}

async function counts(handle: DatabaseHandle) {
  const [row] = await rows<{ deliveries: number; succeeded: number; attempts: number }>(
    handle.db,
    sql`select count(*)::int as deliveries,
          count(*) filter (where status = 'succeeded' and attempts = 1)::int as succeeded,
          (select count(*)::int from webhook_attempts) as attempts
        from webhook_deliveries`,
  );
  return row;
}

describe('webhooks from several processes', () => {
  it('two workers fanning out and sending at the same time deliver each event once', async () => {
    database = await freshDatabase();
    databases.push(database);
    const one = await start(database.handle, false);
    await seed(one.services, { demo: false });
    // A second set of services on the same database: on PostgreSQL its own pool, as a process's.
    const otherHandle = database.url
      ? await openDatabase({ url: database.url, maxConnections: 4 })
      : undefined;
    const two = otherHandle ? await start(otherHandle, false) : one;
    receiver = await startWebhookReceiver();
    const t = { app: one.app, services: one.services } as TestApp;
    const key = bearer((await createApiKey(t, 'partner', ['memberships:write', 'events:read'])).key);
    const made = await one.app.inject({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      headers: key,
      payload: { url: receiver.url },
    });
    expect(made.statusCode, made.body).toBe(201);
    const N = 12;
    for (let i = 0; i < N; i++) await buildMembership(t, { by: key });
    const work = (s: Services) => s.webhookDelivery.fanOut().then(() => s.webhookDelivery.drain());
    await until('every membership delivered', async () => {
      await Promise.all([work(one.services), work(two.services), work(one.services), work(two.services)]);
      return receiver !== undefined && receiver.received.length >= N;
    });
    await Promise.all([work(one.services), work(two.services)]);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(N);
    expect(new Set(ids).size).toBe(N);
    expect(await counts(database.handle)).toEqual({ deliveries: N, succeeded: N, attempts: N });
  });

  it.runIf(onPostgres)(
    'two app processes with workers on one PostgreSQL database deliver each event once, unprompted',
    async () => {
      const fresh = await freshDatabase();
      databases.push(fresh);
      {
        const url = fresh.url ?? '';
        const a = await start(await openDatabase({ url, maxConnections: 6 }), true);
        await seed(a.services, { demo: false });
        const b = await start(await openDatabase({ url, maxConnections: 6 }), true);
        const hooks = await startWebhookReceiver();
        try {
          const t = { app: a.app, services: a.services } as TestApp;
          const key = bearer((await createApiKey(t, 'partner', ['memberships:write', 'events:read'])).key);
          const made = await b.app.inject({
            method: 'POST',
            url: '/v1/webhook-endpoints',
            headers: key,
            payload: { url: hooks.url },
          });
          expect(made.statusCode, made.body).toBe(201);
          const N = 10;
          // Half the changes through each process; both are woken by every commit.
          for (let i = 0; i < N; i++)
            await buildMembership({ app: (i % 2 ? a : b).app, services: a.services } as TestApp, { by: key });
          await until('every membership delivered by the workers', async () => hooks.received.length >= N, {
            timeoutMs: 60_000,
          });
          // Whatever either still had to do, done: still once each.
          await Promise.all([a, b].map((p) => p.services.webhookDelivery.drain()));
          const ids = hooks.received.map((r) => r.headers['webhook-id']);
          expect(new Set(ids).size).toBe(N);
          expect(ids).toHaveLength(N);
          expect(await counts(a.handle)).toEqual({ deliveries: N, succeeded: N, attempts: N });
        } finally {
          await hooks.close();
        }
      }
    },
    120_000,
  );
});
