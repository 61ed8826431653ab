import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, buildServices, type Services, serviceOptionsOf } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { buildInvoice } from '../src/domains/invoicing/cfdi/documents.ts';
import { SandboxPac, sealComprobante } from '../src/domains/invoicing/cfdi/index.ts';
import {
  COMPANY,
  charge,
  numbering,
  TEST_ISSUER,
  testCsd,
} from '../src/domains/invoicing/cfdi/test-support.ts';
import { SandboxPacRepository } from '../src/domains/invoicing/sandbox-pac-repository.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { seed } from '../src/seed.ts';
import type { TestApp } from './support/app.ts';
import { createUser, type Session, signIn, type TestUser } from './support/auth.ts';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { buildCharge } from './support/factories.ts';

/**
 * The sandbox PAC keeps what it stamped in the database: a document stamped by one Libra process
 * is known to every other on the same database and to a process started after a restart. Before,
 * it kept its stamps in memory, and another process (or the same after a restart) answered
 * PAC_NOT_FOUND to cancelling an invoice it had stamped, refused it as a substitute, and stamped a
 * draft left behind again with another seal and date.
 */

const PERSON = {
  rfc: 'GODE561231GR8',
  name: 'DIEGO GÓMEZ DE LA O',
  fiscalRegime: '605',
  postalCode: '06600',
  cfdiUse: 'S01',
};

interface Instance {
  app: FastifyInstance;
  services: Services;
  /** The factories' view of this instance (they take a TestApp). */
  t: TestApp;
}

let database: TestDatabase;
const clock = new ManualClock('2026-11-25T18:00:00Z');
const running: Instance[] = [];
let financeUser: TestUser;

/** A Libra process on the shared database: its own services, so its own sandbox PAC. */
async function start(): Promise<Instance> {
  const config = loadConfig({ NODE_ENV: 'test', JOB_WORKERS: 'false' });
  const services = buildServices(database.handle, clock, serviceOptionsOf(config));
  const app = await buildApp({ config, database: database.handle, clock, services });
  await app.ready();
  const instance = {
    app,
    services,
    t: { app, services, clock, database, config, close: async () => {} } as TestApp,
  };
  running.push(instance);
  return instance;
}

async function stop(instance: Instance): Promise<void> {
  await instance.app.close();
  running.splice(running.indexOf(instance), 1);
}

beforeAll(async () => {
  database = await freshDatabase();
  const first = await start();
  await seed(first.services, { demo: false });
  financeUser = await createUser(first.t, 'finance');
}, 120_000);
afterAll(async () => {
  for (const instance of [...running]) await stop(instance);
  await database?.drop();
});

const finance = (instance: Instance): Promise<Session> => signIn(instance.t, financeUser);

async function invoiceIn(instance: Instance): Promise<{ id: string; uuid: string; chargeId: string }> {
  const { charge } = await buildCharge(instance.t);
  const res = await instance.app.inject({
    method: 'POST',
    url: `/v1/charges/${charge.id}/invoice`,
    headers: (await finance(instance)).write,
    payload: PERSON,
  });
  expect(res.statusCode, res.body).toBe(201);
  return { ...res.json(), chargeId: charge.id };
}

async function cancelIn(instance: Instance, id: string, payload: Record<string, string>) {
  return instance.app.inject({
    method: 'POST',
    url: `/v1/invoices/${id}/cancellation`,
    headers: (await finance(instance)).write,
    payload,
  });
}

describe('the sandbox PAC across processes', () => {
  it('cancels, in one process, an invoice another stamped, with a substitute the other stamped too', async () => {
    const [a] = running as [Instance];
    const b = await start();
    const stamped = await invoiceIn(a);
    const substitute = await invoiceIn(a);
    const cancelled = await cancelIn(b, stamped.id, { reason: '01', substituteUuid: substitute.uuid });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({
      status: 'cancelled',
      cancellation: { reason: '01', substituteUuid: substitute.uuid },
    });
    await stop(b);
  });

  it('after a restart knows the stamps made before it', async () => {
    const [a] = running as [Instance];
    const stamped = await invoiceIn(a);
    await stop(a);
    const restarted = await start();
    const cancelled = await cancelIn(restarted, stamped.id, { reason: '02' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
  });

  it('answers a document stamped by one process with the same stamp in another, never a second one', async () => {
    // Two processes' sandboxes on the database, as buildServices makes them.
    const [one, other] = [0, 1].map(
      () => new SandboxPac({ clock, store: new SandboxPacRepository(database.handle.db) }),
    ) as [SandboxPac, SandboxPac];
    const xml = sealComprobante(
      buildInvoice({
        issuer: TEST_ISSUER,
        receiver: COMPANY,
        charges: [charge(21_800, '04')],
        numbering: numbering('F', 900),
      }),
      testCsd(),
    ).xml;
    // Both asked at once (a request and the stamp queue): one stamp, the same to both.
    const [a, b] = await Promise.all([
      one.stamp({ documentId: 'doc-900', xml }),
      other.stamp({ documentId: 'doc-900', xml }),
    ]);
    expect(b).toEqual(a);
    // Asked again later (a retry after a lost answer): the same stamp, to the second.
    clock.advance({ minutes: 3 });
    expect(await other.stamp({ documentId: 'doc-900', xml })).toEqual(a);
    // Another content under that document id is a conflict, wherever it is asked.
    const changed = xml.replace('Nombre="UNIVERSIDAD ROBOTICA ESPAÑOLA"', 'Nombre="OTRA"');
    await expect(other.stamp({ documentId: 'doc-900', xml: changed })).rejects.toMatchObject({
      code: 'PAC_CONFLICT',
    });
    // Cancelled in one, the other answers the same cancellation.
    const cancelled = await one.cancel({ issuerRfc: TEST_ISSUER.rfc, uuid: a.uuid, reason: '02' });
    expect(await other.cancel({ issuerRfc: TEST_ISSUER.rfc, uuid: a.uuid, reason: '02' })).toEqual(cancelled);
  });
});
