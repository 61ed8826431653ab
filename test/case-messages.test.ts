import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { NotificationRow } from '../src/domains/notifications/repository.ts';
import { NotificationsRepository } from '../src/domains/notifications/repository.ts';
import { generalArea } from '../src/domains/onsite/messages.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import {
  createProviderUser,
  registerProvider,
  signedInProvider,
  towRequest,
  ZOCALO,
} from './support/dispatch.ts';
import { buildMembership, contractBody, tokenize } from './support/factories.ts';
import { http } from './support/http.ts';
import { header, startSmtpServer, type TestSmtpServer } from './support/smtp.ts';

/**
 * What a case tells people, written in the transaction of each act: the titular hears who comes
 * (company, ETA), that they are on the way, arrived, finished; an excess to accept with the link;
 * why a case closed without service; the remote consultation taken; a claim approved, paid or
 * rejected; an appointment's confirmation and reminders. Each provider offered a job gets a text
 * with the area only. One message per event, in the titular's language; none when the act rolls
 * back; and an email through a real SMTP peer for whoever chose email.
 */
let t: TestApp;
let smtp: TestSmtpServer;
let agent: Session;
let near: { id: string; session: Session; name: string };
let middle: { id: string; session: Session; name: string };
let membershipId: string;
const repository = new NotificationsRepository();
const { post } = http(() => t);
const FROM = 'Asistencia Libra Plus <avisos@libra.test>';
/** The titular every factory membership has (contractBody's default). */
const TITULAR = ['María', 'Fernanda', 'López', 'Ruiz'];

async function provider(kmNorth: number) {
  const p = await signedInProvider(t, { kmNorth, capacity: 30 });
  return { ...p, name: (await t.services.dispatch.get(p.id)).name };
}

async function messagesOf(caseId: string): Promise<NotificationRow[]> {
  return repository.ofCase(t.database.handle.db, caseId);
}

/** The one message of this kind about the case (fails if there is none or more than one). */
async function only(caseId: string, kind: string): Promise<NotificationRow> {
  const found = (await messagesOf(caseId)).filter((m) => m.kind === kind);
  expect(
    found.map((m) => m.kind),
    `one ${kind}`,
  ).toEqual([kind]);
  return found[0] as NotificationRow;
}

async function kindsOf(caseId: string): Promise<string[]> {
  return (await messagesOf(caseId)).map((m) => m.kind).sort();
}

async function openTow(membership = membershipId, headers = agent.write) {
  const res = await post('/v1/cases', headers, towRequest(membership));
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; number: string; state: string };
}

async function pendingOffer(session: Session, caseId: string): Promise<string> {
  const res = await t.app.inject({ method: 'GET', url: '/v1/provider/offers', headers: session.read });
  const offer = (res.json().data as { id: string; caseId: string }[]).find((o) => o.caseId === caseId);
  if (!offer) throw new Error(`no pending offer of case ${caseId}`);
  return offer.id;
}

async function accept(session: Session, caseId: string, body: Record<string, unknown> = {}) {
  const res = await post(`/v1/offers/${await pendingOffer(session, caseId)}/accept`, session.write, {
    quoteCentavos: 80_000,
    ...body,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function report(session: Session, caseId: string, status: string, expected = 200) {
  const res = await post(`/v1/cases/${caseId}/status`, session.write, { status });
  expect(res.statusCode, res.body).toBe(expected);
}

async function preferEnglish(id: string, channels: Record<string, ('email' | 'sms')[]> = {}) {
  await repository.savePreferences(
    t.database.handle.db,
    id,
    { language: 'en', channels, quietHours: true },
    t.clock.now(),
  );
}

/** The text of a raw email: quoted-printable and base64 parts decoded. */
function textOf(raw: string): string {
  const quoted = raw.replace(/=\r?\n/g, '').replace(/(?:=[0-9A-F]{2})+/g, (run) =>
    Buffer.from(
      run
        .split('=')
        .slice(1)
        .map((h) => Number.parseInt(h, 16)),
    ).toString('utf8'),
  );
  const base64 = [
    ...raw.matchAll(/Content-Transfer-Encoding: base64\r?\n(?:.+\r?\n)*?\r?\n([A-Za-z0-9+/=\r\n]+)/gi),
  ].map((m) => Buffer.from((m[1] ?? '').replace(/\s/g, ''), 'base64').toString('utf8'));
  return [quoted, ...base64].join('\n');
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await buildTestApp({ env: { SMTP_URL: smtp.url, MAIL_FROM: FROM } });
  agent = await signIn(t, await createUser(t, 'agent'));
  // Nearest first: 1 km and 3 km north of the Zócalo.
  near = await provider(1);
  middle = await provider(3);
  membershipId = (await buildMembership(t, { by: agent.write })).id;
});

afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a tow, from the offer to the end', () => {
  it('texts each provider its offer with the area only, and tells the titular who comes, on the way, arrived and done', async () => {
    const kase = await openTow();

    // The nearest is offered the job: a text to its dispatch phone, with no one's name or street.
    const [first] = await t.services.dispatch.offersOfJob(t.database.handle.db, kase.id);
    const offerText = await only(kase.id, 'provider_offer');
    expect(offerText).toMatchObject({
      providerId: near.id,
      membershipId: null,
      channel: 'sms',
      language: 'es',
      subjectKey: `offer:${first?.id}`,
    });
    expect(offerText.bodyEs).toContain(
      `Libra: nuevo servicio ${kase.number}, envío de grúa en Centro, CDMX, a 1 km de tu unidad.`,
    );
    expect(offerText.bodyEs).toContain(t.services.notifier.links.providerJobs());
    for (const personal of [...TITULAR, 'Plaza', 'Constitución', 'ABC-123-D'])
      expect(`${offerText.bodyEs}\n${offerText.bodyEn}`).not.toContain(personal);

    // It declines; the next nearest gets its own text, one per offer.
    const declined = await post(`/v1/offers/${first?.id}/decline`, near.session.write, {
      reason: 'Sin unidad',
    });
    expect(declined.statusCode).toBe(204);
    const offers = await t.services.dispatch.offersOfJob(t.database.handle.db, kase.id);
    const texts = (await messagesOf(kase.id)).filter((m) => m.kind === 'provider_offer');
    expect(texts.map((m) => [m.providerId, m.subjectKey])).toEqual(
      offers.map((o) => [o.providerId, `offer:${o.id}`]),
    );
    expect(texts.map((m) => m.providerId)).toEqual([near.id, middle.id]);

    // Accepted with a 25-minute ETA: the titular hears who comes and when.
    await accept(middle.session, kase.id, { etaMinutes: 25 });
    const assigned = await only(kase.id, 'case_provider_assigned');
    expect(assigned).toMatchObject({
      membershipId,
      providerId: null,
      caseId: kase.id,
      channel: 'sms',
      language: 'es',
      status: 'pending',
      subjectKey: `case:${kase.id}:provider_assigned`,
    });
    expect(assigned.bodyEs).toContain(
      `Caso ${kase.number}: ${middle.name} atenderá tu solicitud de envío de grúa. Llegada estimada: 25 min.`,
    );
    expect(assigned.bodyEn).toContain(
      `Case ${kase.number}: ${middle.name} will handle your tow truck request.`,
    );
    expect(assigned.sendAt.toISOString()).toBe(t.clock.now().toISOString());

    await report(middle.session, kase.id, 'en_route');
    expect((await only(kase.id, 'case_provider_en_route')).bodyEs).toContain(
      `Caso ${kase.number}: ${middle.name} va en camino. Llegada estimada: 25 min.`,
    );
    await report(middle.session, kase.id, 'on_site');
    expect((await only(kase.id, 'case_provider_arrived')).bodyEs).toContain(
      `Caso ${kase.number}: ${middle.name} llegó al lugar.`,
    );
    await report(middle.session, kase.id, 'completed');
    const done = await only(kase.id, 'case_completed');
    expect(done.bodyEs).toContain(`Caso ${kase.number}: concluimos tu solicitud de envío de grúa.`);
    expect(done.bodyEs).toContain('55 5480 0900');

    // A report made twice is refused and writes nothing more.
    await report(middle.session, kase.id, 'completed', 409);
    expect(await kindsOf(kase.id)).toEqual([
      'case_completed',
      'case_provider_arrived',
      'case_provider_assigned',
      'case_provider_en_route',
      'provider_offer',
      'provider_offer',
    ]);
    for (const m of await messagesOf(kase.id))
      if (m.kind !== 'provider_offer') expect(m).toMatchObject({ membershipId, providerId: null });
  });

  it('writes in English when the titular prefers it', async () => {
    const english = (await buildMembership(t, { by: agent.write })).id;
    await preferEnglish(english);
    const kase = await openTow(english);
    await accept(near.session, kase.id, { etaMinutes: 30 });
    const assigned = await only(kase.id, 'case_provider_assigned');
    expect(assigned).toMatchObject({ membershipId: english, language: 'en', channel: 'sms' });
    expect(assigned.bodyEn).toContain(
      `Case ${kase.number}: ${near.name} will handle your tow truck request. Estimated arrival: 30 min.`,
    );
    expect(assigned.bodyEn).toContain('+52 55 5480 0900');
    // The provider's text stays in Spanish: it is the operator's staff alert.
    expect(await only(kase.id, 'provider_offer')).toMatchObject({ providerId: near.id, language: 'es' });
    await report(near.session, kase.id, 'en_route');
    expect(await only(kase.id, 'case_provider_en_route')).toMatchObject({ language: 'en' });
    await post(`/v1/cases/${kase.id}/cancel`, agent.write, { reason: 'Fin de la prueba' });
  });

  it("tells the titular an agent's hand assignment, with the agent's ETA", async () => {
    // Nobody gives home-glazier service yet: the case waits for an agent, no offer is texted.
    const opened = await post('/v1/cases', agent.write, {
      ...towRequest(membershipId),
      serviceCode: 'home-glazier',
      description: 'Se rompió el ventanal de la sala.',
      details: {},
    });
    const kase = opened.json();
    expect(kase).toMatchObject({ state: 'requested', needsManualDispatch: true });
    const glazier = await registerProvider(t, { services: ['home-glazier'], kmNorth: 2 });
    const name = (await t.services.dispatch.get(glazier)).name;
    const assigned = await post(`/v1/cases/${kase.id}/assignment`, agent.write, {
      providerId: glazier,
      reason: 'Proveedor de confianza del cliente',
      etaMinutes: 40,
      quoteCentavos: 90_000,
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(await kindsOf(kase.id)).toEqual(['case_provider_assigned']);
    expect((await only(kase.id, 'case_provider_assigned')).bodyEs).toContain(
      `Caso ${kase.number}: ${name} atenderá tu solicitud de vidriería. Llegada estimada: 40 min.`,
    );
  });

  it('asks for the excess with the link to the case page, and says who comes once it is accepted', async () => {
    const kase = await openTow();
    const quoted = await accept(near.session, kase.id, { quoteCentavos: 140_000 });
    expect(quoted.state).toBe('awaiting_excess_acceptance');
    const excess = await only(kase.id, 'case_excess_to_accept');
    expect(excess).toMatchObject({ membershipId, channel: 'sms', subjectKey: `case:${kase.id}:excess` });
    const link = t.services.notifier.links.case(kase.id);
    expect(link).toMatch(new RegExp(`/app/casos/${kase.id}$`));
    expect(excess.bodyEs).toContain(
      `Caso ${kase.number}: el servicio rebasa tu cobertura por $400.00. Acéptalo o recházalo en ${link}`,
    );
    expect(await kindsOf(kase.id)).not.toContain('case_provider_assigned');

    const answer = await post(`/v1/cases/${kase.id}/excess-acceptance`, agent.write, { accept: true });
    expect(answer.json().state).toBe('dispatched');
    expect((await only(kase.id, 'case_provider_assigned')).bodyEs).toContain(near.name);
    await post(`/v1/cases/${kase.id}/cancel`, agent.write, { reason: 'Fin de la prueba' });
  });
});

describe('a case closed without its service', () => {
  let customer: Session;
  let ownMembership: string;

  beforeAll(async () => {
    customer = await signIn(t, await createUser(t, 'customer'));
    const own = await post('/v1/memberships', customer.write, contractBody(await tokenize(t)));
    expect(own.statusCode, own.body).toBe(201);
    ownMembership = own.json().id;
  });

  const abroad = (membership: string) => ({
    ...towRequest(membership),
    serviceCode: 'land-ambulance',
    place: { address: 'Main St 1, Laredo TX', lat: 27.5, lng: -99.5, country: 'US' },
    description: 'Dolor de pecho',
    details: {},
  });

  it('tells the titular why a request an agent made was refused', async () => {
    const res = await post('/v1/cases', agent.write, abroad(membershipId));
    const kase = res.json();
    expect(kase).toMatchObject({ state: 'refused', closeReason: 'OUTSIDE_TERRITORY' });
    const reason = kase.decision.reasons.find((r: { ok: boolean }) => !r.ok);
    const refused = await only(kase.id, 'case_refused');
    expect(refused).toMatchObject({ membershipId, channel: 'sms', subjectKey: `case:${kase.id}:closed` });
    expect(refused.bodyEs).toContain(
      `Caso ${kase.number}: no procede tu solicitud de ambulancia terrestre en México. Motivo: ${reason.es}`,
    );
    expect(refused.bodyEn).toContain(
      `Case ${kase.number}: your land ambulance in Mexico request cannot be provided. Reason: ${reason.en}`,
    );
  });

  it('tells the titular a refusal at dispatch (the last use taken meanwhile), with its reasons', async () => {
    // Home plumbing: 2 a membership year. Three requests, all allowed when asked.
    const plumber = await registerProvider(t, { services: ['home-plumbing'], kmNorth: 2, capacity: 10 });
    const plumberSession = await signIn(t, await createProviderUser(t, plumber));
    const member = (await buildMembership(t, { by: agent.write })).id;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await post('/v1/cases', agent.write, {
        ...towRequest(member),
        serviceCode: 'home-plumbing',
        description: 'Fuga de agua en la cocina',
        details: {},
      });
      ids.push(res.json().id);
    }
    const states: string[] = [];
    for (const id of ids) states.push((await accept(plumberSession, id)).state);
    expect(states).toEqual(['dispatched', 'dispatched', 'refused']);
    const last = ids[2] as string;
    const kase = (
      await t.app.inject({ method: 'GET', url: `/v1/cases/${last}`, headers: agent.read })
    ).json();
    const reason = kase.decision.reasons.find((r: { ok: boolean }) => !r.ok);
    expect(reason.code).toBe('ENTITLEMENT_EXHAUSTED');
    expect(await kindsOf(last)).toEqual(['case_refused', 'provider_offer']);
    expect((await only(last, 'case_refused')).bodyEs).toContain(
      `Caso ${kase.number}: no procede tu solicitud de plomería. Motivo: ${reason.es}`,
    );
  });

  it("says nothing to a customer of their own refused request or cancellation, and tells them an agent's cancellation with its reason", async () => {
    const refused = (await post('/v1/cases', customer.write, abroad(ownMembership))).json();
    expect(refused.state).toBe('refused');
    expect(await kindsOf(refused.id)).toEqual([]);

    const own = await openTow(ownMembership, customer.write);
    const cancelled = await post(`/v1/cases/${own.id}/cancel`, customer.write, { reason: 'Ya lo resolví' });
    expect(cancelled.json().state).toBe('cancelled');
    expect(await kindsOf(own.id)).toEqual(['provider_offer']);

    const byAgent = await openTow(ownMembership);
    const res = await post(`/v1/cases/${byAgent.id}/cancel`, agent.write, {
      reason: 'No respondiste a tres llamadas',
    });
    expect(res.json().state).toBe('cancelled');
    const message = await only(byAgent.id, 'case_refused');
    expect(message).toMatchObject({ membershipId: ownMembership, channel: 'sms' });
    expect(message.bodyEs).toContain(
      `Caso ${byAgent.number}: cancelamos tu solicitud de envío de grúa. Motivo: No respondiste a tres llamadas`,
    );
  });
});

describe('consultations, claims and appointments', () => {
  it('tells the titular who took the remote consultation, and when it is done', async () => {
    const doctor = await signIn(t, await createUser(t, 'doctor'));
    const opened = await post('/v1/cases', agent.write, {
      membershipId,
      personId: 'titular',
      serviceCode: 'online-doctor',
      place: { address: 'Casa del titular', ...ZOCALO, stateCode: 'CMX' },
      description: 'Fiebre de 38.5 desde anoche',
      details: { callbackPhone: '55 1111 2222' },
    });
    const kase = opened.json();
    const taken = await post(`/v1/cases/${kase.id}/take`, doctor.write);
    expect(taken.statusCode, taken.body).toBe(200);
    const professional = taken.json().timeline.find((e: { type: string }) => e.type === 'taken')
      .data.professional;
    const message = await only(kase.id, 'remote_consultation_taken');
    expect(message).toMatchObject({ membershipId, channel: 'sms', subjectKey: `case:${kase.id}:taken` });
    expect(message.bodyEs).toContain(
      `Caso ${kase.number}: ${professional} tomó tu solicitud de médico online y te contactará en breve.`,
    );
    const closed = await post(`/v1/cases/${kase.id}/outcome`, doctor.write, {
      note: 'Probable infección viral; paracetamol y vigilar la fiebre.',
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect((await only(kase.id, 'case_completed')).bodyEs).toContain(
      `Caso ${kase.number}: concluimos tu solicitud de médico online.`,
    );
  });

  function claim(membership: string) {
    return {
      membershipId: membership,
      personId: 'titular',
      serviceCode: 'atm-robbery-protection',
      place: { address: 'Cajero BBVA, Av. Juárez 10, Centro, CDMX', ...ZOCALO, stateCode: 'CMX' },
      description: 'Me obligaron a retirar efectivo en el cajero y se lo llevaron.',
      details: {
        withdrawal: { amountCentavos: 500_000, at: '2026-11-25T03:10:00Z', atm: 'BBVA, Av. Juárez 10' },
        cardDailyAtmMaximumCentavos: 900_000,
      },
    };
  }

  it('tells the titular a claim approved and paid with the amount, or rejected with the reason', async () => {
    const finance = await signIn(t, await createUser(t, 'finance'));
    const filed = (await post('/v1/cases', agent.write, claim(membershipId))).json();
    expect(filed.state).toBe('under_review');
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');
    const upload = await t.app.inject({
      method: 'POST',
      url: `/v1/cases/${filed.id}/documents?filename=denuncia.pdf`,
      headers: { ...agent.write, 'content-type': 'application/pdf' },
      payload: pdf,
    });
    expect(upload.statusCode, upload.body).toBe(201);
    const paid = await post(`/v1/cases/${filed.id}/review`, finance.write, {
      decision: 'approve',
      reason: 'Denuncia y comprobante en orden',
    });
    expect(paid.json().state).toBe('paid');
    const approved = await only(filed.id, 'claim_approved');
    expect(approved).toMatchObject({ membershipId, channel: 'email' });
    expect(approved.bodyEs).toContain(`Caso ${filed.number}: aprobamos tu reembolso por $5,000.00.`);
    expect((await only(filed.id, 'claim_paid')).bodyEs).toContain(
      `Caso ${filed.number}: pagamos tu reembolso por $5,000.00.`,
    );

    const other = (await buildMembership(t, { by: agent.write })).id;
    const second = (await post('/v1/cases', agent.write, claim(other))).json();
    const rejected = await post(`/v1/cases/${second.id}/review`, finance.write, {
      decision: 'reject',
      reason: 'La denuncia es de otra fecha',
    });
    expect(rejected.json().state).toBe('rejected');
    expect(await kindsOf(second.id)).toEqual(['claim_rejected']);
    expect((await only(second.id, 'claim_rejected')).bodyEs).toContain(
      `Caso ${second.number}: no procede tu reembolso. Motivo: La denuncia es de otra fecha`,
    );
  });

  it('confirms an appointment and reminds 24 h and 2 h before, from the catalogue; a move withdraws them and writes the new ones', async () => {
    const hospital = await signedInProvider(t, {
      name: `Hospital de prueba ${Math.random().toString(36).slice(2, 6)}`,
      services: ['specialist-consultation'],
      capacity: 50,
    });
    const publish = async (days: number) => {
      const res = await post('/v1/provider/slots', hospital.session.write, {
        serviceCode: 'specialist-consultation',
        specialty: 'cardiología',
        startsAt: new Date(t.clock.now().getTime() + days * 24 * 3_600_000).toISOString(),
        durationMinutes: 30,
        capacity: 1,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string; startsAt: string };
    };
    const english = (await buildMembership(t, { by: agent.write })).id;
    await preferEnglish(english);
    const kase = (
      await post('/v1/cases', agent.write, {
        membershipId: english,
        personId: 'titular',
        serviceCode: 'specialist-consultation',
        place: { address: 'Av. Insurgentes Sur 3700, Tlalpan, CDMX', ...ZOCALO, stateCode: 'CMX' },
        description: 'Consulta de cardiología',
        details: { specialty: 'cardiología' },
      })
    ).json();
    const first = await publish(7);
    const booked = await post(`/v1/cases/${kase.id}/booking`, agent.write, { slotId: first.id });
    expect(booked.statusCode, booked.body).toBe(200);
    const at = new Date(first.startsAt).getTime();
    const rows = await messagesOf(kase.id);
    expect(rows.map((m) => [m.kind, m.sendAt.getTime(), m.language, m.channel, m.membershipId])).toEqual([
      ['appointment_confirmation', t.clock.now().getTime(), 'en', 'sms', english],
      ['appointment_reminder_24h', at - 24 * 3_600_000, 'en', 'sms', english],
      ['appointment_reminder_2h', at - 2 * 3_600_000, 'en', 'sms', english],
    ]);
    for (const m of rows) {
      expect(m.bodyEs).toContain(`Caso ${kase.number}`);
      expect(m.bodyEn).toContain(`Case ${kase.number}`);
      expect(m.subjectKey).toMatch(new RegExp(`^case:${kase.id}:booking:\\d+:`));
    }
    expect(rows[0]?.bodyEn).toMatch(/^Your appointment with Hospital de prueba .+ is booked for /);
    // The case's view shows the appointment's messages.
    expect(booked.json().appointment.notifications.map((n: { kind: string }) => n.kind)).toEqual([
      'appointment_confirmation',
      'appointment_reminder_24h',
      'appointment_reminder_2h',
    ]);

    const second = await publish(8);
    const moved = await post(`/v1/cases/${kase.id}/booking`, agent.write, { slotId: second.id });
    expect(moved.statusCode, moved.body).toBe(200);
    const after = await messagesOf(kase.id);
    expect(
      after
        .filter((m) => m.status === 'cancelled')
        .map((m) => m.id)
        .sort(),
    ).toEqual(rows.map((m) => m.id).sort());
    const current = after.filter((m) => m.status === 'pending');
    expect(current.map((m) => m.kind)).toEqual([
      'appointment_confirmation',
      'appointment_reminder_24h',
      'appointment_reminder_2h',
    ]);
    expect(current[2]?.sendAt.toISOString()).toBe(
      new Date(new Date(second.startsAt).getTime() - 2 * 3_600_000).toISOString(),
    );
  });
});

describe('a change that rolls back', () => {
  it('leaves no message when the act fails after writing it, and one when it is done again', async () => {
    const kase = await openTow();
    await accept(near.session, kase.id);
    await report(near.session, kase.id, 'en_route');
    await report(near.session, kase.id, 'on_site');
    // The audit of the completion fails, after the case moved and its message was written.
    const record = t.services.audit.record.bind(t.services.audit);
    vi.spyOn(t.services.audit, 'record').mockImplementation(async (tx, actor, event) => {
      if (event.action === 'case.completed') throw new Error('the audit log is unavailable');
      return record(tx, actor, event);
    });
    await report(near.session, kase.id, 'completed', 500);
    expect(await kindsOf(kase.id)).not.toContain('case_completed');
    const still = await t.app.inject({ method: 'GET', url: `/v1/cases/${kase.id}`, headers: agent.read });
    expect(still.json().state).toBe('on_site');

    vi.restoreAllMocks();
    await report(near.session, kase.id, 'completed');
    await only(kase.id, 'case_completed');
  });
});

describe('through a real SMTP peer', () => {
  it('emails the completion to a titular who chose email for it, with the case number', async () => {
    const membership = await buildMembership(t, { by: agent.write });
    await repository.savePreferences(
      t.database.handle.db,
      membership.id,
      { language: 'es', channels: { case_completed: ['email'] }, quietHours: true },
      t.clock.now(),
    );
    const kase = await openTow(membership.id);
    await accept(near.session, kase.id);
    for (const status of ['en_route', 'on_site', 'completed']) await report(near.session, kase.id, status);
    const done = await only(kase.id, 'case_completed');
    expect(done).toMatchObject({ channel: 'email', membershipId: membership.id });

    await t.services.outbox.drain();
    expect(await repository.byId(t.database.handle.db, done.id)).toMatchObject({ status: 'sent' });
    // Besides the contracting welcome, the completion: once.
    const mails = smtp.received.filter(
      (m) =>
        m.to.includes(membership.body.titular.email.toLowerCase()) &&
        header(m.raw, 'Subject') === 'Servicio concluido',
    );
    expect(mails).toHaveLength(1);
    const raw = mails[0]?.raw ?? '';
    expect(header(raw, 'Subject')).toBe('Servicio concluido');
    expect(textOf(raw)).toContain(`Caso ${kase.number}: concluimos tu solicitud de envío de grúa.`);
    // The texts stay kept for the SMS channel (not configured in this test).
    expect(
      await repository.byId(t.database.handle.db, (await only(kase.id, 'case_provider_arrived')).id),
    ).toMatchObject({
      status: 'unconfigured',
    });
  });
});

describe('the area an offer names', () => {
  it('keeps the colonia, municipality and state, and leaves out the street and anything with a number', () => {
    expect(generalArea('Plaza de la Constitución s/n, Centro, CDMX', 'CMX')).toBe('Centro, CDMX');
    expect(generalArea('Av. Insurgentes Sur 3700, Int. 4, Tlalpan, C.P. 14000, CDMX', 'CMX')).toBe(
      'Tlalpan, CDMX',
    );
    // An address that says no more than the road: the state's name.
    expect(generalArea('Km 45 autopista México-Querétaro', 'QUE')).toBe('Querétaro');
    expect(generalArea('Casa del titular', null)).toBe('');
  });
});
