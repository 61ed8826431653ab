import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.ts';
import type { Router } from '../src/domains/places/routing.ts';
import type { ManualClock } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { contractByPhone, signedInProvider, ZOCALO } from './support/dispatch.ts';
import { buildCase } from './support/factories.ts';
import { http } from './support/http.ts';

/**
 * The routing port (a self-hosted OSRM, `ROUTING_URL`) is a network call: it must never be waited
 * on inside a database transaction, where it would hold the case's row lock (and PGlite's only
 * connection) for as long as the router takes. A local server speaks OSRM's table format (every
 * trip 20 minutes, so its answers are recognisable on the offers); the app's router is wrapped to
 * record, for every call, whether it was made inside a transaction — every `db.transaction`
 * callback runs in an async context that says so. Every dispatch path that ranks or times a trip
 * is exercised, and each must call the router, and never inside a transaction.
 */
const ROAD_SECONDS = 20 * 60;
const inTransaction = new AsyncLocalStorage<true>();
const calls: { inTransaction: boolean; origins: number }[] = [];
let osrm: Server;
let t: TestApp;
let agent: Session;
let near: { id: string; session: Session };
let far: { id: string; session: Session };
const { get, put, post } = http(() => t);

beforeAll(async () => {
  osrm = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://osrm');
    const [, , , , coordinates = ''] = url.pathname.split('/');
    const points = coordinates.split(';').length;
    const origins = (url.searchParams.get('sources') ?? '0').split(';').length;
    response.setHeader('content-type', 'application/json');
    if (url.pathname.startsWith('/table/')) {
      response.end(
        JSON.stringify({
          code: 'Ok',
          durations: Array.from({ length: origins }, () => [ROAD_SECONDS]),
          distances: Array.from({ length: origins }, () => [9_000]),
        }),
      );
    } else {
      response.end(
        JSON.stringify({ code: 'Ok', routes: [{ distance: 9_000, duration: ROAD_SECONDS }], points }),
      );
    }
  });
  await new Promise<void>((resolve) => osrm.listen(0, '127.0.0.1', resolve));
  const { port } = osrm.address() as AddressInfo;
  t = await buildTestApp({ env: { ROUTING_URL: `http://127.0.0.1:${port}` } });

  // Every transaction's callback runs in a context that says "inside a transaction".
  const db = t.database.handle.db as Database & { transaction: Database['transaction'] };
  const transaction = db.transaction.bind(db);
  db.transaction = ((work, config) =>
    transaction((tx) => inTransaction.run(true, () => work(tx)), config)) as Database['transaction'];
  // The router the app holds, recording where it is called from before it goes to the server.
  const router = t.services.routing as Router;
  const table = router.table.bind(router);
  const route = router.route.bind(router);
  router.table = (from, to) => {
    calls.push({ inTransaction: inTransaction.getStore() === true, origins: from.length });
    return table(from, to);
  };
  router.route = (from, to) => {
    calls.push({ inTransaction: inTransaction.getStore() === true, origins: 1 });
    return route(from, to);
  };

  agent = await signIn(t, await createUser(t, 'agent'));
  near = await signedInProvider(t, { kmNorth: 1 });
  far = await signedInProvider(t, { kmNorth: 6 });
});
afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => osrm?.close(resolve));
});

/** Runs `act`, then checks it asked the router, and never from inside a transaction. */
async function routerCallsOf(act: () => Promise<unknown>) {
  const from = calls.length;
  await act();
  const made = calls.slice(from);
  expect(made.length, 'the act asks the router').toBeGreaterThan(0);
  expect(
    made.filter((c) => c.inTransaction),
    'router calls made inside a transaction',
  ).toEqual([]);
  return made;
}

describe('the router is never called inside a transaction', () => {
  it('the detector works: a router call inside a transaction is seen', async () => {
    const from = calls.length;
    await t.database.handle.db.transaction(() => t.services.routing.table([ZOCALO], ZOCALO));
    expect(calls.slice(from)).toEqual([{ inTransaction: true, origins: 1 }]);
    calls.splice(from);
  });

  it('opening a case, the board, a decline, a moved place, an expiry, an assignment, a shared position, a provider moving', async () => {
    const membershipId = await contractByPhone(t, agent.write);
    let caseId = '';
    await routerCallsOf(async () => {
      caseId = (await buildCase(t, { membershipId, by: agent.write })).id;
    });
    const opened = (await get(`/v1/cases/${caseId}`, agent.read)).json();
    // The router's 20 minutes on the road, plus 5 to set out: the plan made before the transaction was used.
    expect(opened.offers[0]).toMatchObject({ providerId: near.id, etaMinutes: 25 });

    await routerCallsOf(async () => {
      const board = await get(`/v1/cases/${caseId}/candidates`, agent.read);
      expect(board.statusCode).toBe(200);
      expect(board.json().data.map((c: { etaMinutes: number }) => c.etaMinutes)).toEqual([25, 25]);
    });

    await routerCallsOf(async () => {
      const declined = await post(`/v1/offers/${opened.offers[0].id}/decline`, near.session.write, {
        reason: 'Sin grúa libre',
      });
      expect(declined.statusCode).toBe(204);
    });
    const afterDecline = (await get(`/v1/cases/${caseId}`, agent.read)).json();
    expect(afterDecline.offers.at(-1)).toMatchObject({
      providerId: far.id,
      status: 'pending',
      etaMinutes: 25,
    });

    await routerCallsOf(async () => {
      const moved = await put(`/v1/cases/${caseId}/place`, agent.write, { lat: 19.45, lng: -99.14 });
      expect(moved.statusCode).toBe(200);
    });

    // The far provider's offer runs out (the expiry job, run here at once): nobody left to ask.
    const pending = (await get(`/v1/cases/${caseId}`, agent.read)).json().offers.at(-1);
    expect(pending).toMatchObject({ providerId: far.id, status: 'pending' });
    (t.clock as ManualClock).set(new Date(Date.parse(pending.expiresAt) + 1_000));
    await routerCallsOf(() => t.services.onsite.expireOffer(pending.id));
    expect((await get(`/v1/cases/${caseId}`, agent.read)).json().needsManualDispatch).toBe(true);

    await routerCallsOf(async () => {
      const assigned = await post(`/v1/cases/${caseId}/assignment`, agent.write, {
        providerId: near.id,
        reason: 'El cliente la conoce',
        quoteCentavos: 80_000,
      });
      expect(assigned.statusCode, assigned.body).toBe(200);
      expect(assigned.json()).toMatchObject({ state: 'dispatched', eta: { minutes: 25 } });
    });

    // The caller shares the phone's position through the agent's link: the ETA is refigured.
    const link = await post(`/v1/cases/${caseId}/location-links`, agent.write, {});
    expect(link.statusCode, link.body).toBe(201);
    const token = link.json().url.split('/').at(-1);
    await routerCallsOf(async () => {
      const shared = await post(
        `/v1/location-links/${token}`,
        {},
        { lat: 19.43, lng: -99.13, accuracyM: 20 },
      );
      expect(shared.statusCode, shared.body).toBe(200);
    });

    await routerCallsOf(async () => {
      const position = await put('/v1/provider/location', near.session.write, { lat: 19.44, lng: -99.135 });
      expect(position.statusCode).toBe(200);
    });
  });
});
