import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { contractByPhone, signedInProvider, ZOCALO } from './support/dispatch.ts';
import { http } from './support/http.ts';
import { clearForDetails } from './support/members.ts';

/**
 * Appointment cases: a hospital publishes slots by specialty; the agent books, moves and cancels;
 * "at most one per specialty within four" holds at booking; the hospital records attendance.
 */
let t: TestApp;
let agent: Session;
let hospital: { id: string; session: Session };
let membershipId: string;
const { post } = http(() => t);
const SPECIALTIES = ['cardiología', 'dermatología', 'neurología', 'ortopedia', 'oftalmología'];

function consultation(specialty: string) {
  return {
    membershipId,
    personId: 'titular',
    serviceCode: 'specialist-consultation',
    place: { address: 'Av. Insurgentes Sur 3700, Tlalpan, CDMX', ...ZOCALO, stateCode: 'CMX' },
    description: `Consulta de ${specialty}`,
    details: { specialty },
  };
}

/** A slot a week ahead (plus `hours`) for the specialty. */
async function publish(specialty: string, hours = 0, capacity = 2) {
  const startsAt = new Date(t.clock.now().getTime() + (7 * 24 + hours) * 3_600_000).toISOString();
  const res = await post('/v1/provider/slots', hospital.session.write, {
    serviceCode: 'specialist-consultation',
    specialty,
    startsAt,
    durationMinutes: 30,
    capacity,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; startsAt: string };
}

async function open(specialty: string) {
  const res = await post('/v1/cases', agent.write, consultation(specialty));
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function usage() {
  await clearForDetails(t, agent.write, membershipId);
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/memberships/${membershipId}/usage`,
    headers: agent.read,
  });
  return res.json().services.find((s: { serviceCode: string }) => s.serviceCode === 'specialist-consultation')
    .limit;
}

beforeAll(async () => {
  t = await buildTestApp();
  agent = await signIn(t, await createUser(t, 'agent'));
  hospital = await signedInProvider(t, {
    name: 'Hospital Ángeles de prueba',
    services: ['specialist-consultation'],
    capacity: 50,
  });
  membershipId = await contractByPhone(t, agent.write);
});
afterAll(async () => t?.close());

describe('appointments', () => {
  it('books a cardiology consultation, refuses a second cardiology, and reminds the customer', async () => {
    const slot = await publish('cardiología');
    const kase = await open('cardiología');
    expect(kase).toMatchObject({ state: 'requested', fulfilment: 'appointment' });
    expect(kase).not.toHaveProperty('offers');

    const open_ = await t.app.inject({
      method: 'GET',
      url: `/v1/providers/${hospital.id}/slots?serviceCode=specialist-consultation&specialty=Cardiologia`,
      headers: agent.read,
    });
    expect(open_.json().data.map((s: { id: string }) => s.id)).toContain(slot.id);

    const booked = await post(`/v1/cases/${kase.id}/booking`, agent.write, { slotId: slot.id });
    expect(booked.statusCode, booked.body).toBe(200);
    expect(booked.json()).toMatchObject({
      state: 'booked',
      provider: { id: hospital.id },
      appointment: { at: slot.startsAt, slotId: slot.id },
    });
    expect(booked.json().appointment.notifications.map((n: { kind: string }) => n.kind)).toEqual([
      'appointment_confirmation',
      'appointment_reminder_24h',
      'appointment_reminder_2h',
    ]);
    expect(await usage()).toMatchObject({ used: 1, remaining: 3 });

    // One per specialty: a second cardiology is refused and kept as refused.
    const second = await open('Cardiología');
    expect(second).toMatchObject({ state: 'refused', closeReason: 'SPECIALTY_ALREADY_USED' });
  });

  it('runs no SLA target against an appointment: its time is the slot booked', async () => {
    // Home nurse visits have targets from when they were dispatched; as appointments they do not apply.
    const res = await post('/v1/cases', agent.write, {
      ...consultation('x'),
      serviceCode: 'home-nurse',
      description: 'Curación de una herida después de una cirugía',
      details: {},
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().sla).toMatchObject({ dispatchDueAt: null, arrivalDueAt: null, breached: [] });
    await post(`/v1/cases/${res.json().id}/cancel`, agent.write, { reason: 'fin de la prueba' });
  });

  it('refuses the fifth specialty once four are booked', async () => {
    for (const specialty of SPECIALTIES.slice(1, 4)) {
      const slot = await publish(specialty);
      const kase = await open(specialty);
      const res = await post(`/v1/cases/${kase.id}/booking`, agent.write, { slotId: slot.id });
      expect(res.json().state).toBe('booked');
    }
    expect(await usage()).toMatchObject({ used: 4, remaining: 0 });
    const fifth = await open(SPECIALTIES[4] as string);
    expect(fifth).toMatchObject({ state: 'refused', closeReason: 'ENTITLEMENT_EXHAUSTED' });
  });

  it('gives the use back when an appointment is cancelled, frees the slot and withdraws reminders', async () => {
    const cases = await t.app.inject({ method: 'GET', url: '/v1/cases?state=booked', headers: agent.read });
    const neuro = cases
      .json()
      .data.find((c: { details: { specialty?: string } }) => c.details.specialty === 'neurología');
    const cancelled = await post(`/v1/cases/${neuro.id}/cancel`, agent.write, {
      reason: 'El paciente ya se siente bien',
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().state).toBe('cancelled');
    expect(
      cancelled.json().appointment.notifications.every((n: { status: string }) => n.status === 'cancelled'),
    ).toBe(true);
    expect(await usage()).toMatchObject({ used: 3, remaining: 1 });
    // Now the fifth specialty fits.
    const slot = await publish(SPECIALTIES[4] as string);
    const kase = await open(SPECIALTIES[4] as string);
    expect((await post(`/v1/cases/${kase.id}/booking`, agent.write, { slotId: slot.id })).json().state).toBe(
      'booked',
    );
  });

  it('moves an appointment to another slot, keeping its one use', async () => {
    const cases = await t.app.inject({ method: 'GET', url: '/v1/cases?state=booked', headers: agent.read });
    const derma = cases
      .json()
      .data.find((c: { details: { specialty?: string } }) => c.details.specialty === 'dermatología');
    const later = await publish('dermatología', 3);
    const moved = await post(`/v1/cases/${derma.id}/booking`, agent.write, { slotId: later.id });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().appointment.at).toBe(later.startsAt);
    expect(moved.json().timeline.at(-1).type).toBe('rescheduled');
    expect(await usage()).toMatchObject({ used: 4 });
    const wrong = await publish('cardiología', 5);
    const mismatch = await post(`/v1/cases/${derma.id}/booking`, agent.write, { slotId: wrong.id });
    expect(mismatch.json().code).toBe('SLOT_NOT_SUITABLE');
  });

  it('records attendance by the hospital and confirms the use', async () => {
    const cases = await t.app.inject({ method: 'GET', url: '/v1/cases?state=booked', headers: agent.read });
    const ortho = cases
      .json()
      .data.find((c: { details: { specialty?: string } }) => c.details.specialty === 'ortopedia');
    const jobs = await t.app.inject({
      method: 'GET',
      url: '/v1/provider/jobs',
      headers: hospital.session.read,
    });
    expect(jobs.json().data.map((j: { id: string }) => j.id)).toContain(ortho.id);
    const attended = await post(`/v1/cases/${ortho.id}/status`, hospital.session.write, {
      status: 'attended',
    });
    expect(attended.statusCode, attended.body).toBe(200);
    expect(attended.json().state).toBe('attended');
    const ledger = await t.services.entitlements['repository'].ofMembership(
      t.database.handle.db,
      membershipId,
    );
    expect(ledger.find((r) => r.caseId === ortho.id)?.status).toBe('confirmed');
    const cancel = await post(`/v1/cases/${ortho.id}/cancel`, agent.write, { reason: 'tarde' });
    expect(cancel.json().code).toBe('CASE_NOT_CANCELLABLE');
  });

  it('answers a booking the membership can no longer have with the refusal, and keeps the case refused', async () => {
    // Two cardiology cases of one membership, both requested while no cardiology was used: the
    // first booked takes the year's cardiology, so booking the second is refused.
    const member = await contractByPhone(t, agent.write);
    const [first, second] = [
      (await post('/v1/cases', agent.write, { ...consultation('cardiología'), membershipId: member })).json(),
      (await post('/v1/cases', agent.write, { ...consultation('Cardiología'), membershipId: member })).json(),
    ];
    expect([first.state, second.state]).toEqual(['requested', 'requested']);
    const slot = await publish('cardiología', 20, 3);
    expect((await post(`/v1/cases/${first.id}/booking`, agent.write, { slotId: slot.id })).statusCode).toBe(
      200,
    );

    const refused = await t.app.inject({
      method: 'POST',
      url: `/v1/cases/${second.id}/booking`,
      headers: agent.write,
      payload: { slotId: slot.id },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    const problem = refused.json();
    expect(problem).toMatchObject({
      code: 'SPECIALTY_ALREADY_USED',
      status: 409,
      caseId: second.id,
      caseState: 'refused',
      decision: { allowed: false },
    });
    // The reason's own sentence, in the reader's language (Spanish unless asked otherwise).
    expect(problem.detail).toMatch(/cardiologia ya se usó este año/);
    // Refused is final: asked again, the case cannot be booked any more.
    const again = await post(`/v1/cases/${second.id}/booking`, agent.write, { slotId: slot.id });
    expect(again.json().code).toBe('CASE_NOT_BOOKABLE');

    const kase = (
      await t.app.inject({ method: 'GET', url: `/v1/cases/${second.id}`, headers: agent.read })
    ).json();
    expect(kase).toMatchObject({ state: 'refused', closeReason: 'SPECIALTY_ALREADY_USED' });
    expect(kase.timeline.at(-1).type).toBe('refused');
    // The slot kept its room: only the first case holds a place in it.
    const slots = await t.app.inject({
      method: 'GET',
      url: `/v1/providers/${hospital.id}/slots?serviceCode=specialist-consultation&specialty=cardiologia`,
      headers: agent.read,
    });
    expect(slots.json().data.find((s: { id: string }) => s.id === slot.id)).toMatchObject({ booked: 1 });
  });

  it('says why a booking is refused in English to whoever asks in English', async () => {
    const member = await contractByPhone(t, agent.write);
    const [first, second] = [
      (await post('/v1/cases', agent.write, { ...consultation('neumología'), membershipId: member })).json(),
      (await post('/v1/cases', agent.write, { ...consultation('neumología'), membershipId: member })).json(),
    ];
    const slot = await publish('neumología', 30, 3);
    await post(`/v1/cases/${first.id}/booking`, agent.write, { slotId: slot.id });
    const refused = await t.app.inject({
      method: 'POST',
      url: `/v1/cases/${second.id}/booking`,
      headers: { ...agent.write, 'accept-language': 'en' },
      payload: { slotId: slot.id },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toContain('already used this year');
  });

  it('refuses a full slot, a past slot and a slot for a service the provider does not give', async () => {
    const member = await contractByPhone(t, agent.write);
    const full = await publish('pediatría', 10, 1);
    const first = (
      await post('/v1/cases', agent.write, { ...consultation('pediatría'), membershipId: member })
    ).json();
    expect((await post(`/v1/cases/${first.id}/booking`, agent.write, { slotId: full.id })).json().state).toBe(
      'booked',
    );
    const other = await contractByPhone(t, agent.write);
    const second = (
      await post('/v1/cases', agent.write, { ...consultation('pediatría'), membershipId: other })
    ).json();
    const res = await post(`/v1/cases/${second.id}/booking`, agent.write, { slotId: full.id });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('SLOT_FULL');

    const past = await post('/v1/provider/slots', hospital.session.write, {
      serviceCode: 'specialist-consultation',
      startsAt: new Date(t.clock.now().getTime() - 3_600_000).toISOString(),
      durationMinutes: 30,
      capacity: 1,
    });
    expect(past.json().code).toBe('SLOT_IN_PAST');
    const notMine = await post('/v1/provider/slots', hospital.session.write, {
      serviceCode: 'home-nurse',
      startsAt: new Date(t.clock.now().getTime() + 3_600_000).toISOString(),
      durationMinutes: 60,
      capacity: 1,
    });
    expect(notMine.json().code).toBe('PROVIDER_CANNOT_SERVE');
  });
});
