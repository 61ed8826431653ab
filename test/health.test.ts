import { createServer, type Server, Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, buildServices, serviceOptionsOf } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase, rows } from '../src/db/client.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { freshDatabase, onPostgres } from './support/database.ts';
import { expectProblem } from './support/problems.ts';

/**
 * `/health/live` and `/health/ready` as a load balancer or Kubernetes probes them: ready goes 503
 * NOT_READY, naming the check, when a migration is pending, when the job queue stops, and when the
 * database is gone — while live stays 200, since restarting the process would not help.
 */
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  // The last test closed the database under the app: its listeners cannot say goodbye to it.
  await t?.app.close().catch(() => {});
  await t?.database.drop();
});

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { 'accept-language': 'en' } });

function notReady(res: Awaited<ReturnType<typeof get>>): { notReady: string[]; detail: string } {
  expect(res.statusCode).toBe(503);
  return expectProblem(res, 503, 'NOT_READY') as { notReady: string[]; detail: string };
}

describe('health probes', () => {
  it('live and ready answer 200 on a working app, ready with each check', async () => {
    const live = await get('/health/live');
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'live' });
    const ready = await get('/health/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ready',
      checks: { database: { ok: true }, migrations: { ok: true }, jobs: { ok: true } },
    });
    // The quick start's /health is as it was.
    expect((await get('/health')).json()).toMatchObject({ status: 'ok' });
  });

  it('ready is 503 naming the migrations while the database lacks one of this build’s', async () => {
    const db = t.database.handle.db;
    // The database as a build one migration older left it: the newest migration not yet run.
    const [last] = await rows<{ id: number; hash: string; created_at: number }>(
      db,
      sql`select id, hash, created_at::float8 as created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`,
    );
    if (!last) throw new Error('no migration recorded');
    await db.execute(sql`delete from drizzle.__drizzle_migrations where id = ${last.id}`);
    try {
      const res = notReady(await get('/health/ready'));
      expect(res.notReady).toEqual(['migrations']);
      expect(res.detail).toContain('migrations');
      expect(
        (res as unknown as { checks: { migrations: { detail: string } } }).checks.migrations.detail,
      ).toMatch(/^1 of \d+ migrations pending/);
      expect((await get('/health/live')).statusCode).toBe(200);
    } finally {
      await db.execute(
        sql`insert into drizzle.__drizzle_migrations (id, hash, created_at) values (${last.id}, ${last.hash}, ${last.created_at})`,
      );
    }
    expect((await get('/health/ready')).statusCode).toBe(200);
  });

  it('ready is 503 naming the job queue while pg-boss is stopped, and 200 once it runs again', async () => {
    await t.services.jobs.stop();
    try {
      const res = notReady(await get('/health/ready'));
      expect(res.notReady).toEqual(['jobs']);
      expect(res.detail).toBe('Libra is not ready: the job queue is not running.');
      const es = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(es.json().detail).toBe('Libra no está lista: la cola de trabajos no está en marcha.');
    } finally {
      await t.services.jobs.start();
    }
    expect((await get('/health/ready')).statusCode).toBe(200);
  });

  it('ready is 503 naming the database once it is closed; live stays 200', async () => {
    await t.database.handle.close();
    const res = notReady(await get('/health/ready'));
    expect(res.notReady).toEqual(expect.arrayContaining(['database', 'migrations']));
    expect((await get('/health/live')).statusCode).toBe(200);
    expect((await get('/health')).statusCode).toBe(503);
  });
});

/**
 * PostgreSQL going away under a running process: the app reaches it through a loopback proxy the
 * test cuts, as a database host that dies or a network that partitions would.
 */
describe.runIf(onPostgres)('health probes when PostgreSQL is down', () => {
  it('ready is 503 naming the database while PostgreSQL is unreachable, and 200 again when it is back', async () => {
    const database = await freshDatabase();
    const target = new URL(database.url as string);
    const sockets = new Set<Socket>();
    let proxy: Server | undefined;
    const openProxy = (port: number) =>
      new Promise<number>((resolve) => {
        proxy = createServer((client) => {
          const upstream = new Socket();
          upstream.connect(Number(target.port || 5432), target.hostname);
          for (const s of [client, upstream]) {
            sockets.add(s);
            s.on('error', () => {});
            s.on('close', () => sockets.delete(s));
          }
          client.pipe(upstream).pipe(client);
        });
        proxy.listen(port, '127.0.0.1', () => {
          const address = proxy?.address();
          resolve(typeof address === 'object' && address ? address.port : 0);
        });
      });
    const cut = () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        proxy?.close(() => resolve());
      });
    const port = await openProxy(0);
    const viaProxy = new URL(target);
    viaProxy.port = String(port);
    const handle = await openDatabase({ url: viaProxy.toString(), maxConnections: 4 });
    const config = loadConfig({ NODE_ENV: 'test', JOB_WORKERS: 'false', LOG_LEVEL: 'silent' });
    const services = buildServices(handle, new ManualClock('2026-11-25T20:05:00Z'), serviceOptionsOf(config));
    const app = await buildApp({ config, database: handle, services });
    try {
      await app.ready();
      expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);

      await cut();
      const down = await app.inject({
        method: 'GET',
        url: '/health/ready',
        headers: { 'accept-language': 'en' },
      });
      const problem = expectProblem(down, 503, 'NOT_READY') as { notReady: string[] };
      expect(problem.notReady).toContain('database');
      expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);

      await openProxy(port);
      let back = 0;
      for (let i = 0; i < 50 && back !== 200; i++) {
        back = (await app.inject({ method: 'GET', url: '/health/ready' })).statusCode;
        if (back !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(back).toBe(200);
    } finally {
      await app.close().catch(() => {});
      await handle.close().catch(() => {});
      await cut();
      await database.drop();
    }
  }, 120_000);
});
