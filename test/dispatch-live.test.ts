import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, buildServices, type Services, serviceOptionsOf } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { pendingJobs } from '../src/platform/jobs.ts';
import { seed } from '../src/seed.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { freshDatabase, onPostgres, type TestDatabase } from './support/database.ts';
import { contractByPhone, createProviderUser, registerProvider, towRequest } from './support/dispatch.ts';
import { waitFor } from './support/wait.ts';

describe('offer expiry survives a restart', () => {
  let database: TestDatabase;
  const clock = new ManualClock('2026-11-25T20:05:00Z');
  let app: FastifyInstance | null = null;

  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  async function start(workers: boolean): Promise<{ app: FastifyInstance; services: Services }> {
    const config = loadConfig({
      NODE_ENV: 'test',
      JOB_WORKERS: String(workers),
      JOB_POLL_SECONDS: '1',
      OFFER_TIMEOUT_SECONDS: '2',
    });
    const services = buildServices(database.handle, clock, serviceOptionsOf(config));
    const built = await buildApp({ config, database: database.handle, clock, services });
    await built.ready();
    return { app: built, services };
  }

  it('expires the unanswered offer and offers the case to the next nearest after the restart', async () => {
    // First process: it only sends jobs (no workers), and stops before the offer is due.
    const first = await start(false);
    app = first.app;
    await seed(first.services, { demo: false });
    const fake = { services: first.services, app: first.app, clock, database } as unknown as TestApp;
    const nearest = await registerProvider(fake, { kmNorth: 1 });
    const next = await registerProvider(fake, { kmNorth: 4 });
    const agent = await signIn(fake, await createUser(fake, 'agent'));
    const membershipId = await contractByPhone(fake, agent.write);
    const opened = await first.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: agent.write,
      payload: towRequest(membershipId),
    });
    expect(opened.statusCode).toBe(201);
    const caseId = opened.json().id;
    const offers = () => first.services.dispatch.offersOfJob(database.handle.db, caseId);
    expect((await offers()).map((o) => [o.providerId, o.status])).toEqual([[nearest, 'pending']]);
    expect(await pendingJobs(database.handle.db, 'dispatch-offer-expiry')).toBe(1);
    await first.app.close();
    app = null;

    // Time passes while no process runs; the next one starts with workers.
    clock.advance({ minutes: 3 });
    const second = await start(true);
    app = second.app;
    const after = await waitFor('the offer to expire', async () => {
      const found = await offers();
      return found.length === 2 ? found : undefined;
    });
    expect(after.map((o) => [o.providerId, o.status])).toEqual([
      [nearest, 'expired'],
      [next, 'pending'],
    ]);
    const kase = await second.services.cases['repository'].events(database.handle.db, caseId);
    expect(kase.map((e) => e.type)).toEqual(['requested', 'offered', 'offer_expired', 'offered']);
  });
});

describe('live and concurrent', () => {
  let t: TestApp;
  let agent: Session;
  let providerId: string;
  let dispatcherA: Session;
  let dispatcherB: Session;
  let membershipId: string;
  let baseUrl: string;

  beforeAll(async () => {
    t = await buildTestApp();
    agent = await signIn(t, await createUser(t, 'agent'));
    providerId = await registerProvider(t, { kmNorth: 1, capacity: 10 });
    // Two dispatchers of the same tow company.
    dispatcherA = await signIn(t, await createProviderUser(t, providerId));
    dispatcherB = await signIn(t, await createProviderUser(t, providerId));
    membershipId = await contractByPhone(t, agent.write);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await t?.close();
  });

  async function openCase(): Promise<{ id: string }> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: agent.write,
      payload: towRequest(membershipId),
    });
    expect(res.statusCode).toBe(201);
    return res.json();
  }

  async function offerOf(caseId: string): Promise<string> {
    const [offer] = await t.services.dispatch.offersOfJob(t.database.handle.db, caseId);
    if (!offer) throw new Error('no offer');
    return offer.id;
  }

  /** Reads Server-Sent Events until `until` arrives; returns the events' ids and types. */
  async function follow(caseId: string, until: string, onOpen: () => Promise<void>, lastEventId?: number) {
    const controller = new AbortController();
    const res = await fetch(`${baseUrl}/v1/cases/${caseId}/events`, {
      headers: { ...agent.read, ...(lastEventId ? { 'last-event-id': String(lastEventId) } : {}) },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const seen: { id: number; type: string; state: string | undefined }[] = [];
    let buffer = '';
    let opened = false;
    const deadline = setTimeout(() => controller.abort(), 20_000);
    try {
      while (!seen.some((e) => e.type === until)) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: (\d+)$/m.exec(block)?.[1];
          const type = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (id && type)
            seen.push({ id: Number(id), type, state: data ? JSON.parse(data).case?.state : undefined });
          end = buffer.indexOf('\n\n');
        }
        if (!opened) {
          opened = true;
          // The stream is open (the retry line arrived first): now make things happen.
          await onOpen();
        }
      }
    } finally {
      clearTimeout(deadline);
      controller.abort();
    }
    return seen;
  }

  it('streams the provider’s status changes to a follower, in order, and resumes after Last-Event-ID', async () => {
    const kase = await openCase();
    const offerId = await offerOf(kase.id);
    const seen = await follow(kase.id, 'completed', async () => {
      const post = (url: string, payload: object) =>
        t.app.inject({ method: 'POST', url, headers: dispatcherA.write, payload });
      expect((await post(`/v1/offers/${offerId}/accept`, { quoteCentavos: 60_000 })).statusCode).toBe(200);
      for (const status of ['en_route', 'on_site', 'completed']) {
        expect((await post(`/v1/cases/${kase.id}/status`, { status })).statusCode).toBe(200);
      }
    });
    expect(seen.map((e) => e.type)).toEqual([
      'requested',
      'offered',
      'offer_accepted',
      'dispatched',
      'en_route',
      'on_site',
      'completed',
    ]);
    expect(seen.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(seen.at(-1)?.state).toBe('completed');

    const resumed = await follow(kase.id, 'completed', async () => {}, 5);
    expect(resumed.map((e) => e.id)).toEqual([6, 7]);
  });

  it(`lets exactly one of many simultaneous acceptances win (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, async () => {
    const kase = await openCase();
    const offerId = await offerOf(kase.id);
    const attempts = [
      ...Array.from({ length: 10 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: `/v1/offers/${offerId}/accept`,
          headers: (i % 2 ? dispatcherA : dispatcherB).write,
          payload: { quoteCentavos: 70_000 },
        }),
      ),
      t.app.inject({
        method: 'POST',
        url: `/v1/cases/${kase.id}/assignment`,
        headers: agent.write,
        payload: { providerId, reason: 'Asignación manual simultánea', quoteCentavos: 70_000 },
      }),
    ];
    const results = await Promise.all(attempts);
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(10);
    for (const r of results.filter((x) => x.statusCode === 409))
      expect(['OFFER_NOT_PENDING', 'CASE_ALREADY_DISPATCHED']).toContain(r.json().code);

    const events = await t.services.cases['repository'].events(t.database.handle.db, kase.id);
    expect(events.filter((e) => e.type === 'dispatched')).toHaveLength(1);
    const ledger = await t.services.entitlements['repository'].ofMembership(
      t.database.handle.db,
      membershipId,
    );
    expect(ledger.filter((r) => r.caseId === kase.id)).toHaveLength(1);
    const offers = await t.services.dispatch.offersOfJob(t.database.handle.db, kase.id);
    expect(offers.filter((o) => o.status === 'accepted')).toHaveLength(1);
  });
});
