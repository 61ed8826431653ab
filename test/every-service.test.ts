import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { contractByPhone, signedInProvider, ZOCALO } from './support/dispatch.ts';
import { http } from './support/http.ts';

/**
 * Every service of the seeded Libra Plus catalog is requested and fulfilled end to end through
 * the API, by the kind the catalog gives it, and its use ends confirmed in the ledger.
 */
let t: TestApp;
let agent: Session;
let supervisor: Session;
let doctor: Session;
let lawyer: Session;
let membershipId: string;
let services: { code: string; category: string; fulfilment: string }[];

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');

const api = http(() => t);

/** A POST that must succeed; its answer's body. */
async function post(url: string, headers: Record<string, string>, payload: unknown = {}) {
  const res = await api.post(url, headers, payload);
  expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
  return res.json();
}

function request(serviceCode: string, details: Record<string, unknown> = {}) {
  return {
    membershipId,
    personId: 'titular',
    serviceCode,
    place: { address: 'Plaza de la Constitución s/n, Centro, CDMX', ...ZOCALO, stateCode: 'CMX' },
    description: `Solicitud de ${serviceCode}`,
    details,
  };
}

const providerFor = (serviceCode: string) =>
  signedInProvider(t, { services: [serviceCode], kmNorth: 2, capacity: 5 });

/** Drives one service's case from request to its end; returns the final case. */
async function fulfil(service: { code: string; category: string; fulfilment: string }) {
  switch (service.fulfilment) {
    case 'dispatch': {
      const provider = await providerFor(service.code);
      const kase = await post('/v1/cases', agent.write, request(service.code));
      const [offer] = await t.services.dispatch.offersOfJob(t.database.handle.db, kase.id);
      await post(`/v1/offers/${offer?.id}/accept`, provider.session.write, { quoteCentavos: 50_000 });
      for (const status of ['en_route', 'on_site', 'completed'])
        await post(`/v1/cases/${kase.id}/status`, provider.session.write, { status });
      return kase.id as string;
    }
    case 'appointment': {
      const provider = await providerFor(service.code);
      const specialty = service.code === 'specialist-consultation' ? 'cardiología' : undefined;
      const slot = await post('/v1/provider/slots', provider.session.write, {
        serviceCode: service.code,
        ...(specialty ? { specialty } : {}),
        startsAt: new Date(t.clock.now().getTime() + 48 * 3_600_000).toISOString(),
        durationMinutes: 60,
        capacity: 1,
      });
      const kase = await post(
        '/v1/cases',
        agent.write,
        request(service.code, specialty ? { specialty } : {}),
      );
      await post(`/v1/cases/${kase.id}/booking`, agent.write, { slotId: slot.id });
      await post(`/v1/cases/${kase.id}/status`, provider.session.write, { status: 'attended' });
      return kase.id as string;
    }
    case 'remote': {
      const professional = service.category === 'legal' ? lawyer : doctor;
      const kase = await post('/v1/cases', agent.write, request(service.code));
      await post(`/v1/cases/${kase.id}/take`, professional.write);
      await post(`/v1/cases/${kase.id}/outcome`, professional.write, {
        note: 'Orientación dada por teléfono.',
      });
      return kase.id as string;
    }
    case 'reimbursement': {
      const kase = await post(
        '/v1/cases',
        agent.write,
        request(service.code, {
          withdrawal: {
            amountCentavos: 300_000,
            at: '2026-11-25T03:10:00Z',
            atm: 'Banorte, Madero 5, Centro',
          },
          cardDailyAtmMaximumCentavos: 900_000,
        }),
      );
      const uploaded = await t.app.inject({
        method: 'POST',
        url: `/v1/cases/${kase.id}/documents?filename=denuncia.pdf`,
        headers: { ...agent.write, 'content-type': 'application/pdf' },
        payload: PDF,
      });
      expect(uploaded.statusCode, uploaded.body).toBe(201);
      await post(`/v1/cases/${kase.id}/review`, supervisor.write, {
        decision: 'approve',
        reason: 'Denuncia y retiro verificados',
      });
      return kase.id as string;
    }
    default:
      throw new Error(`no way to fulfil ${service.fulfilment}`);
  }
}

const FINAL: Record<string, string> = {
  dispatch: 'completed',
  appointment: 'attended',
  remote: 'completed',
  reimbursement: 'paid',
};

beforeAll(async () => {
  t = await buildTestApp();
  agent = await signIn(t, await createUser(t, 'agent'));
  supervisor = await signIn(t, await createUser(t, 'supervisor'));
  doctor = await signIn(t, await createUser(t, 'doctor'));
  lawyer = await signIn(t, await createUser(t, 'lawyer'));
  membershipId = await contractByPhone(t, agent.write, 'libra-plus');
  const [plus] = await t.services.catalog['repository'].currentVersions(
    t.database.handle.db,
    t.clock.now(),
    'libra-plus',
  );
  const inPlan = await t.services.catalog['repository'].servicesOf(t.database.handle.db, [
    plus?.versionId as string,
  ]);
  services = [];
  for (const s of inPlan) {
    const row = await t.services.catalog['repository'].serviceByCode(t.database.handle.db, s.code);
    services.push({ code: s.code, category: s.category, fulfilment: row?.fulfilment as string });
  }
});
afterAll(async () => t?.close());

describe('every service of Libra Plus, end to end by its own kind', () => {
  it('covers all four kinds', () => {
    expect(new Set(services.map((s) => s.fulfilment))).toEqual(
      new Set(['dispatch', 'appointment', 'remote', 'reimbursement']),
    );
    expect(services.length).toBeGreaterThanOrEqual(12);
  });

  it('fulfils each one and confirms its use', async () => {
    expect(services.length).toBeGreaterThanOrEqual(12);
    const outcomes: Record<string, string> = {};
    for (const service of services) {
      const caseId = await fulfil(service);
      const kase = await t.services.cases.get(SYSTEM_ACTOR, caseId);
      const ledger = await t.services.entitlements['repository'].ofMembership(
        t.database.handle.db,
        membershipId,
      );
      outcomes[service.code] = `${kase.state}/${ledger.find((r) => r.caseId === caseId)?.status ?? 'no use'}`;
    }
    expect(outcomes).toEqual(
      Object.fromEntries(services.map((s) => [s.code, `${FINAL[s.fulfilment]}/confirmed`])),
    );
  });
});
