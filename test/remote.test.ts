import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../src/lib/clock.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn, type TestUser } from './support/auth.ts';
import { contractByPhone, ZOCALO } from './support/dispatch.ts';
import { http } from './support/http.ts';

/**
 * Remote consultations: the request waits in the professionals' queue, one takes it, closes it
 * with a note; medical notes are read only by whom they concern, every read audited; a request
 * past its target is flagged for supervisors.
 */
let t: TestApp;
let agentUser: TestUser;
let agent: Session;
let doctorA: Session;
let doctorB: Session;
let lawyer: Session;
let medicalSupervisor: Session;
let membershipId: string;
const { post } = http(() => t);

function consultation(serviceCode = 'online-doctor') {
  return {
    membershipId,
    personId: 'titular',
    serviceCode,
    place: { address: 'Casa del titular', ...ZOCALO, stateCode: 'CMX' },
    description: 'Fiebre de 38.5 desde anoche',
    details: { callbackPhone: '55 1111 2222' },
  };
}

async function queueOf(session: Session) {
  const res = await t.app.inject({ method: 'GET', url: '/v1/remote/queue', headers: session.read });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as { id: string; overdue: boolean; callbackPhone: string }[];
}

beforeAll(async () => {
  t = await buildTestApp();
  agentUser = await createUser(t, 'agent');
  agent = await signIn(t, agentUser);
  doctorA = await signIn(t, await createUser(t, 'doctor'));
  doctorB = await signIn(t, await createUser(t, 'doctor'));
  lawyer = await signIn(t, await createUser(t, 'lawyer'));
  medicalSupervisor = await signIn(t, await createUser(t, 'medical_supervisor'));
  membershipId = await contractByPhone(t, agent.write);
});
afterAll(async () => t?.close());

describe('remote consultations', () => {
  it('refuses a callback number that is not a Mexican phone, at its field, and opens nothing', async () => {
    for (const callbackPhone of ['55 1111 222', '+1 212 555 0100', '0554800900']) {
      const res = await post('/v1/cases', agent.write, { ...consultation(), details: { callbackPhone } });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'PHONE_INVALID',
        errors: [{ field: 'body/details/callbackPhone' }],
      });
    }
    expect((await queueOf(doctorA)).length).toBe(0);
  });

  it('queues a doctor request for doctors only; one doctor takes it and closes it with a note', async () => {
    const opened = await post('/v1/cases', agent.write, consultation());
    expect(opened.statusCode, opened.body).toBe(201);
    const kase = opened.json();
    expect(kase).toMatchObject({ state: 'requested', fulfilment: 'remote' });

    const queued = (await queueOf(doctorA)).find((c) => c.id === kase.id);
    // Kept as E.164 whatever way it was typed: the doctor's phone dials it as it is.
    expect(queued).toMatchObject({ callbackPhone: '+525511112222', overdue: false });
    expect((await queueOf(lawyer)).map((c) => c.id)).not.toContain(kase.id);

    const [first, second] = await Promise.all([
      post(`/v1/cases/${kase.id}/take`, doctorA.write),
      post(`/v1/cases/${kase.id}/take`, doctorB.write),
    ]);
    expect([first.statusCode, second.statusCode].sort()).toEqual([200, 409]);
    const taker = first.statusCode === 200 ? doctorA : doctorB;
    const other = taker === doctorA ? doctorB : doctorA;
    expect((first.statusCode === 200 ? first : second).json().state).toBe('in_consultation');
    expect((await queueOf(doctorA)).map((c) => c.id)).not.toContain(kase.id);

    const notMine = await post(`/v1/cases/${kase.id}/outcome`, other.write, { note: 'x'.repeat(10) });
    expect(notMine.json().code).toBe('CONSULTATION_NOT_YOURS');
    const closed = await post(`/v1/cases/${kase.id}/outcome`, taker.write, {
      note: 'Probable infección viral; paracetamol 500 mg cada 8 h; acudir a urgencias si sube la fiebre.',
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().state).toBe('completed');
    // The note's text is not in the timeline.
    expect(JSON.stringify(closed.json().timeline)).not.toContain('paracetamol');
    const ledger = await t.services.entitlements['repository'].ofMembership(
      t.database.handle.db,
      membershipId,
    );
    expect(ledger.find((r) => r.caseId === kase.id)?.status).toBe('confirmed');
  });

  it('shows medical notes only to the customer, the doctor and medical supervisors, auditing every read', async () => {
    const kase = (await post('/v1/cases', agent.write, consultation())).json();
    await post(`/v1/cases/${kase.id}/take`, doctorA.write);
    await post(`/v1/cases/${kase.id}/outcome`, doctorA.write, {
      note: 'Dolor lumbar mecánico; reposo relativo.',
    });

    for (const [who, session] of [
      ['doctor', doctorA],
      ['medical supervisor', medicalSupervisor],
    ] as const) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/cases/${kase.id}/notes`,
        headers: session.read,
      });
      expect(res.statusCode, who).toBe(200);
      expect(res.json().data[0].body).toContain('lumbar');
    }
    for (const session of [agent, doctorB, lawyer]) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/cases/${kase.id}/notes`,
        headers: session.read,
      });
      expect([403, 404]).toContain(res.statusCode);
      expect(res.body).not.toContain('lumbar');
    }
    const stranger = await signIn(t, await createUser(t, 'customer'));
    const denied = await t.app.inject({
      method: 'GET',
      url: `/v1/cases/${kase.id}/notes`,
      headers: stranger.read,
    });
    expect(denied.statusCode).toBe(404);

    const audit = await t.services.audit.search(SYSTEM_ACTOR, {
      action: 'case.notes.read',
      recordType: 'case',
      recordId: kase.id,
      limit: 50,
    });
    // The doctor's and the medical supervisor's reads; the refused ones read nothing.
    expect(audit).toHaveLength(2);
  });

  it('flags a request nobody took within its target for supervisors', async () => {
    const kase = (await post('/v1/cases', agent.write, consultation('legal-advice'))).json();
    expect((await queueOf(lawyer)).find((c) => c.id === kase.id)?.overdue).toBe(false);
    (t.clock as ManualClock).advance({ minutes: 16 });
    lawyer = await signIn(t, await createUser(t, 'lawyer'));
    const supervisor = await signIn(t, await createUser(t, 'supervisor'));
    expect((await queueOf(lawyer)).find((c) => c.id === kase.id)?.overdue).toBe(true);
    const overdue = await t.app.inject({
      method: 'GET',
      url: '/v1/cases?overdue=true',
      headers: supervisor.read,
    });
    const flagged = overdue.json().data.find((c: { id: string }) => c.id === kase.id);
    expect(flagged.sla.breached).toEqual(['dispatch']);
  });
});
