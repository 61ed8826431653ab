import { expect } from 'vitest';
import { buildApp, buildServices, serviceOptionsOf } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { seed } from '../../src/seed.ts';
import type { TestApp } from './app.ts';
import { createUser, signIn } from './auth.ts';
import { signedInProvider } from './dispatch.ts';
import { buildMembership, towRequest } from './factories.ts';
import { TEST_CARD } from './payments.ts';

/**
 * The whole app (services and HTTP, no listener) on a database the test opened itself — an
 * embedded one in a DATA_DIR, or a PostgreSQL database — migrated and with the catalog loaded.
 * Closing it closes the database, which lets a child process in.
 */
export async function appOn(handle: DatabaseHandle, url?: string): Promise<TestApp> {
  await migrateDatabase(handle);
  const config = loadConfig({ NODE_ENV: 'test', JOB_WORKERS: 'false', JOB_POLL_SECONDS: '1' });
  const clock = new ManualClock('2026-11-25T20:05:00Z');
  const services = buildServices(handle, clock, serviceOptionsOf(config));
  await services.jobs.start();
  await seed(services, { demo: false });
  const app = await buildApp({ config, database: handle, clock, services });
  await app.ready();
  return {
    app,
    services,
    database: { handle, url, drop: async () => handle.close() },
    clock,
    config,
    close: async () => {
      await app.close();
      await handle.close();
    },
  };
}

/**
 * A day of the operation through the API and the services, as people would make it: members
 * contracted by phone (one with a card that is always declined), the billing run (twice: nothing
 * is charged twice), tows completed and cancelled, three plumbing requests for two uses a year (the
 * third is refused at dispatch), and a complaint.
 */
export async function makeActivity(t: TestApp): Promise<void> {
  const agent = await signIn(t, await createUser(t, 'agent'));
  const members: string[] = [];
  for (const card of [
    TEST_CARD.visaCredit,
    TEST_CARD.alwaysDeclined,
    TEST_CARD.visaDebit,
    TEST_CARD.visaCredit,
  ])
    members.push((await buildMembership(t, { by: agent.write, card })).id);
  const [first, declined, third] = members as [string, string, string, string];
  for (let run = 0; run < 2; run++) await t.services.billing.run({ at: t.clock.now(), trigger: 'test' });

  const tows = await signedInProvider(t, { kmNorth: 1, capacity: 10 });
  const post = async (url: string, headers: Record<string, string>, payload: object) => {
    const res = await t.app.inject({ method: 'POST', url, headers, payload });
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
  const offerOf = async (caseId: string) => {
    const offers = await t.services.dispatch.offersOfJob(t.database.handle.db, caseId);
    const pending = offers.find((o) => o.status === 'pending');
    if (!pending) throw new Error(`no pending offer for case ${caseId}`);
    return pending.id;
  };

  // A tow from request to completion.
  const done = await post('/v1/cases', agent.write, towRequest(first));
  await post(`/v1/offers/${await offerOf(done.id)}/accept`, tows.session.write, { quoteCentavos: 60_000 });
  for (const status of ['en_route', 'on_site', 'completed'])
    await post(`/v1/cases/${done.id}/status`, tows.session.write, { status });
  // A tow cancelled after dispatch: its use comes back.
  const cancelled = await post('/v1/cases', agent.write, towRequest(third));
  await post(`/v1/offers/${await offerOf(cancelled.id)}/accept`, tows.session.write, {
    quoteCentavos: 60_000,
  });
  await post(`/v1/cases/${cancelled.id}/cancel`, agent.write, { reason: 'Ya arrancó el coche' });
  // A tow still waiting for its provider.
  await post('/v1/cases', agent.write, towRequest(third));

  // Home plumbing: two uses a membership year; the third request is refused when dispatched.
  const plumber = await signedInProvider(t, { services: ['home-plumbing'], kmNorth: 2, capacity: 10 });
  const plumbing: string[] = [];
  for (let i = 0; i < 3; i++) {
    const kase = await post('/v1/cases', agent.write, {
      ...towRequest(first),
      serviceCode: 'home-plumbing',
      description: 'Fuga de agua en la cocina',
      details: {},
    });
    plumbing.push(kase.id);
  }
  const states: string[] = [];
  for (const id of plumbing) {
    const accepted = await post(`/v1/offers/${await offerOf(id)}/accept`, plumber.session.write, {
      quoteCentavos: 80_000,
    });
    states.push(accepted.state);
  }
  expect(states).toEqual(['dispatched', 'dispatched', 'refused']);

  await post('/v1/complaints', agent.write, {
    membershipId: declined,
    category: 'other',
    text: 'Me cobraron dos veces este mes, revisen por favor.',
  });
}
