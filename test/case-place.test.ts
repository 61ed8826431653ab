import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../src/db/schema/index.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { registerProvider } from './support/dispatch.ts';
import { buildCase, buildMembership } from './support/factories.ts';
import { expectProblem } from './support/problems.ts';

/**
 * An agent corrects a case's place (`PUT /v1/cases/{id}/place`, the console's draggable pin): the
 * point moves with its precision, the timeline says who moved it and from where, the audit log
 * keeps it, and a closed case keeps its place.
 */
let t: TestApp;
let agent: Session;
let customer: Session;
let ownMembershipId: string;

const GUADALAJARA = { lat: 20.6736, lng: -103.344 };

beforeAll(async () => {
  t = await buildTestApp();
  await registerProvider(t, { capacity: 100 });
  agent = await signIn(t, await createUser(t, 'agent'));
  const account = { password: 'mi contraseña segura' };
  const own = await buildMembership(t, { account });
  ownMembershipId = own.id;
  customer = await signIn(t, { email: own.body.titular.email, password: account.password });
});
afterAll(async () => t?.close());

const put = (caseId: string, payload: object, headers = agent.write) =>
  t.app.inject({ method: 'PUT', url: `/v1/cases/${caseId}/place`, headers, payload });

describe('PUT /v1/cases/{id}/place', () => {
  it('a new case keeps its coordinates as given: no precision stated, no accuracy', async () => {
    const kase = await buildCase(t);
    expect(kase.place).toMatchObject({ precision: null, accuracyM: null });
  });

  it('moves the point to where the agent put the pin: exact, on the timeline and in the audit log', async () => {
    const kase = await buildCase(t);
    const res = await put(kase.id, GUADALAJARA);
    expect(res.statusCode).toBe(200);
    const view = res.json();
    expect(view.place).toEqual({
      address: 'Plaza de la Constitución s/n, Centro, CDMX',
      ...GUADALAJARA,
      // The state follows the point (the Zócalo's CMX became Jalisco).
      stateCode: 'JAL',
      country: 'MX',
      precision: 'exact',
      accuracyM: null,
    });
    // The place's event, then dispatch's (the CDMX provider no longer covers the place).
    const event = view.timeline.find((e: { type: string }) => e.type === 'place_updated');
    expect(event).toMatchObject({
      type: 'place_updated',
      label: { es: 'Ubicación actualizada', en: 'Location updated' },
      state: kase.state,
      actor: { kind: 'agent' },
      data: {
        source: 'agent',
        ...GUADALAJARA,
        precision: 'exact',
        accuracyM: null,
        stateCode: 'JAL',
        previous: { lat: 19.4326, lng: -99.1332, precision: null, stateCode: 'CMX' },
      },
    });
    const audited = await t.database.handle.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'case.place_update'), eq(auditLog.recordId, kase.id)));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorType: 'user', actorRole: 'agent', recordType: 'case' });

    // Everyone who reads the case reads the new place.
    const read = await t.app.inject({ method: 'GET', url: `/v1/cases/${kase.id}`, headers: agent.read });
    expect(read.json().place).toMatchObject({ ...GUADALAJARA, precision: 'exact' });
  });

  it('takes the address as it now reads, and a reported accuracy sets the precision', async () => {
    const kase = await buildCase(t);
    const res = await put(kase.id, {
      ...GUADALAJARA,
      address: 'Av. Juárez 976, Centro, Guadalajara, Jal.',
      accuracyM: 349.2,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().place).toMatchObject({
      address: 'Av. Juárez 976, Centro, Guadalajara, Jal.',
      precision: 'street',
      accuracyM: 350,
    });
    expect(res.json().timeline.find((e: { type: string }) => e.type === 'place_updated').data).toMatchObject({
      address: 'Av. Juárez 976, Centro, Guadalajara, Jal.',
      precision: 'street',
    });
  });

  it('refuses a point off the globe, unknown fields and a missing coordinate, writing nothing', async () => {
    const kase = await buildCase(t);
    for (const body of [
      { lat: 91, lng: 0 },
      { lat: 19, lng: -181 },
      { lat: 19 },
      { ...GUADALAJARA, precision: 'exact' },
      { ...GUADALAJARA, accuracyM: -1 },
      { ...GUADALAJARA, address: 'x' },
    ]) {
      expectProblem(await put(kase.id, body), 400, 'VALIDATION_FAILED');
    }
    const read = await t.app.inject({ method: 'GET', url: `/v1/cases/${kase.id}`, headers: agent.read });
    expect(read.json().timeline.map((e: { type: string }) => e.type)).not.toContain('place_updated');
  });

  it('refuses a closed case: its place is history', async () => {
    const kase = await buildCase(t);
    const cancel = await t.app.inject({
      method: 'POST',
      url: `/v1/cases/${kase.id}/cancel`,
      headers: agent.write,
      payload: { reason: 'Ya no la necesita' },
    });
    expect(cancel.statusCode).toBe(200);
    expectProblem(await put(kase.id, GUADALAJARA), 409, 'CASE_PLACE_NOT_CHANGEABLE');
  });

  it('answers 404 for a case that does not exist', async () => {
    expectProblem(await put('01a211f5-0000-7000-8000-00000000cafe', GUADALAJARA), 404, 'CASE_NOT_FOUND');
  });

  it('is for agents and supervisors: the customer may not move their own case', async () => {
    const kase = await buildCase(t, { membershipId: ownMembershipId, by: customer.write });
    expectProblem(await put(kase.id, GUADALAJARA, customer.write), 403, 'FORBIDDEN');
  });
});
