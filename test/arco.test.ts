import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import type { ArcoRequestViewType } from '../src/domains/arco/schemas.ts';
import { pdfPages } from '../src/domains/invoicing/pdf/pdf-text.ts';
import { type ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, sessionsOf, type TestUser } from './support/auth.ts';
import { buildMembership } from './support/factories.ts';

let t: TestApp;
let clock: ManualClock;
const users: Record<'customer' | 'stranger' | 'agent' | 'supervisor' | 'privacy' | 'admin', TestUser> =
  {} as never;
let ownMembershipId: string;
const sessionOf = sessionsOf(() => t);
type Caller = keyof typeof users;

async function call(caller: Caller, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const session = await sessionOf(users[caller]);
  return t.app.inject({
    method,
    url,
    headers: method === 'GET' ? session.read : session.write,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

async function filed(caller: Caller, body: Record<string, unknown>): Promise<ArcoRequestViewType> {
  const res = await call(caller, 'POST', '/v1/arco-requests', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function answer(caller: Caller, id: string, decision: 'accepted' | 'refused', reason: string) {
  return call(caller, 'POST', `/v1/arco-requests/${id}/answer`, { decision, reason });
}

async function auditOf(recordType: string, recordId?: string): Promise<string[]> {
  const found = await rows<{ action: string }>(
    t.database.handle.db,
    recordId
      ? sql`select action from audit_log where record_type = ${recordType} and record_id = ${recordId} order by at, id`
      : sql`select action from audit_log where record_type = ${recordType} order by at, id`,
  );
  return found.map((r) => r.action);
}

async function messagesAbout(id: string) {
  return rows<{ kind: string; body_es: string; body_en: string }>(
    t.database.handle.db,
    sql`select kind, body_es, body_en from notifications where subject_key like ${`arco:${id}:%`} order by created_at`,
  );
}

const DETAILS = 'Quiero saber qué datos personales tienen de mí.';

beforeAll(async () => {
  t = await buildTestApp();
  clock = t.clock as ManualClock;
  for (const role of ['customer', 'stranger', 'agent', 'supervisor', 'privacy', 'admin'] as const)
    users[role] = await createUser(t, role === 'stranger' ? 'customer' : role);
  ownMembershipId = (await buildMembership(t, { by: (await sessionOf(users.customer)).write })).id;
  await buildMembership(t, { by: (await sessionOf(users.stranger)).write });
});
afterAll(async () => t?.close());

describe('filing an ARCO request', () => {
  it('gives a folio and the 20-business-day due date, counting the holidays, and confirms receipt', async () => {
    // Thursday Nov 12 2026, 10:00 Mexico City: Nov 16 (Revolution day) and the weekends are skipped.
    clock.set(mexicoCityTime('2026-11-12T10:00'));
    const r = await filed('customer', { type: 'access', details: DETAILS });
    expect(r).toMatchObject({
      membershipId: ownMembershipId,
      type: 'access',
      status: 'received',
      dueDate: '2026-12-11',
      dueAt: mexicoCityTime('2026-12-12T00:00').toISOString(),
      businessDaysLeft: 20,
      overdue: false,
      answer: null,
      deliveryReady: false,
    });
    expect(r.number).toMatch(/^AR-26-\d{6}$/);
    expect(r).not.toHaveProperty('requesterName');
    const [message] = await messagesAbout(r.id);
    expect(message?.kind).toBe('arco_received');
    expect(message?.body_es).toContain(r.number);
    expect(message?.body_es).toContain('11 de diciembre de 2026');
    expect(message?.body_en).toContain('December 11, 2026');
  });

  it('answers the first request again to the same Idempotency-Key and body', async () => {
    const session = await sessionOf(users.customer);
    const send = (details: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/arco-requests',
        headers: { ...session.write, 'idempotency-key': 'arco-retry-1' },
        payload: { type: 'access', details },
      });
    const first = await send(DETAILS);
    const again = await send(DETAILS);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    expect((await send(`${DETAILS} Otra vez.`)).statusCode).toBe(422);
  });

  it('from a weekend counts from the next business day, and over the year end', async () => {
    clock.set(mexicoCityTime('2026-12-19T12:00')); // Saturday
    const r = await filed('customer', { type: 'opposition', details: DETAILS, purpose: 'marketing' });
    // Mon Dec 21 is day 1; Dec 25 and Jan 1 are rest days: the 20th is Tue Jan 19 2027.
    expect(r.dueDate).toBe('2027-01-19');
  });

  it('asks a rectification for the data and the correction, and an opposition for the purpose', async () => {
    clock.set(mexicoCityTime('2026-11-12T10:00'));
    for (const body of [
      { type: 'rectification', details: DETAILS },
      { type: 'rectification', details: DETAILS, field: 'name' },
      { type: 'opposition', details: DETAILS },
      { type: 'access', details: DETAILS, purpose: 'marketing' },
      { type: 'access', details: DETAILS, field: 'name', correction: 'X' },
      { type: 'access', details: '          ' },
      { type: 'erasure', details: DETAILS },
    ]) {
      const res = await call('customer', 'POST', '/v1/arco-requests', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
  });

  it('is for customers with a membership; staff cannot file one', async () => {
    const lonely = await createUser(t, 'customer');
    const session = await sessionOf(lonely);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/arco-requests',
      headers: session.write,
      payload: { type: 'access', details: DETAILS },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('ARCO_NO_MEMBERSHIP');
    expect(
      (await call('privacy', 'POST', '/v1/arco-requests', { type: 'access', details: DETAILS })).statusCode,
    ).toBe(403);
  });
});

describe('who reaches what', () => {
  it('a customer sees only their own requests; another’s answers 404', async () => {
    clock.set(mexicoCityTime('2026-11-12T10:00'));
    const mine = await filed('customer', { type: 'access', details: DETAILS });
    const theirs = await filed('stranger', { type: 'access', details: DETAILS });
    const list = (await call('customer', 'GET', '/v1/arco-requests')).json().data as ArcoRequestViewType[];
    expect(list.map((r) => r.id)).toContain(mine.id);
    expect(list.map((r) => r.id)).not.toContain(theirs.id);
    const res = await call('customer', 'GET', `/v1/arco-requests/${theirs.id}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('ARCO_REQUEST_NOT_FOUND');
    expect((await call('customer', 'GET', `/v1/arco-requests/${mine.id}`)).statusCode).toBe(200);
    // Nor may a customer answer one, nor download another's data.
    expect((await answer('customer', mine.id, 'accepted', 'Me lo concedo a mí mismo.')).statusCode).toBe(403);
    expect((await call('customer', 'GET', `/v1/arco-requests/${theirs.id}/delivery`)).statusCode).toBe(404);
  });

  it('the privacy office and supervisors work the queue (audited); agents and admins do not', async () => {
    const queue = await call('privacy', 'GET', '/v1/arco-requests?status=received');
    expect(queue.statusCode).toBe(200);
    const data = queue.json().data as ArcoRequestViewType[];
    expect(data.length).toBeGreaterThan(1);
    expect(data[0]?.requesterName).toBeTruthy();
    // Unanswered, nearest due date first.
    const dues = data.map((r) => r.dueAt);
    expect([...dues].sort()).toEqual(dues);
    expect((await call('supervisor', 'GET', '/v1/arco-requests')).statusCode).toBe(200);
    expect((await call('agent', 'GET', '/v1/arco-requests')).statusCode).toBe(403);
    expect((await call('admin', 'GET', '/v1/arco-requests')).statusCode).toBe(403);
    expect(await auditOf('arco_request')).toContain('arco.list');
  });

  it('shows the clock: business days left, and overdue once the due day is over', async () => {
    clock.set(mexicoCityTime('2026-11-12T10:00'));
    const r = await filed('customer', { type: 'access', details: DETAILS });
    clock.set(mexicoCityTime('2026-12-11T23:59'));
    const onTheDay = (await call('privacy', 'GET', `/v1/arco-requests/${r.id}`)).json();
    expect(onTheDay).toMatchObject({ businessDaysLeft: 0, overdue: false });
    clock.set(mexicoCityTime('2026-12-14T09:00')); // Monday after
    const late = (await call('privacy', 'GET', `/v1/arco-requests/${r.id}`)).json();
    expect(late).toMatchObject({ businessDaysLeft: -1, overdue: true });
    const overdue = (await call('privacy', 'GET', '/v1/arco-requests?overdue=true')).json()
      .data as ArcoRequestViewType[];
    expect(overdue.map((x) => x.id)).toContain(r.id);
    expect(overdue.every((x) => x.overdue)).toBe(true);
    expect(await auditOf('arco_request', r.id)).toContain('arco.read');
  });
});

describe('answering', () => {
  it('access: delivers the person’s data as JSON and a readable page, without card numbers', async () => {
    clock.set(mexicoCityTime('2026-11-20T10:00'));
    const r = await filed('customer', { type: 'access', details: DETAILS });
    const notYet = await call('customer', 'GET', `/v1/arco-requests/${r.id}/delivery`);
    expect(notYet.statusCode).toBe(409);
    expect(notYet.json().code).toBe('ARCO_DELIVERY_NOT_READY');

    const res = await answer('privacy', r.id, 'accepted', 'Te entregamos tus datos en tu cuenta.');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'accepted', deliveryReady: true, businessDaysLeft: null });

    const json = await call('customer', 'GET', `/v1/arco-requests/${r.id}/delivery`);
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toContain('application/json');
    expect(json.headers['content-disposition']).toContain(`datos-${r.number}.json`);
    const data = json.json();
    expect(data.folio).toBe(r.number);
    expect(data.membership.id).toBe(ownMembershipId);
    expect(data.membership.titular.fullName).toBeTruthy();
    // In the free trial there is no charge yet; the list is there, empty.
    expect(data.charges).toEqual([]);
    expect(data.consents.map((c: { document: string }) => c.document).sort()).toEqual([
      'privacy_notice',
      'terms',
    ]);
    expect(Array.isArray(data.cases) && Array.isArray(data.complaints) && Array.isArray(data.messages)).toBe(
      true,
    );
    expect(json.body).not.toMatch(/4242424242424242|card_token|cardToken/);

    const html = await call('customer', 'GET', `/v1/arco-requests/${r.id}/delivery?format=html`);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('Tus datos personales');
    expect(html.body).toContain(data.membership.titular.fullName);
    expect(html.body).not.toContain('<script');
    // Readable: dates in words or `25 nov 2026, 14:05`, never ISO; labels in Spanish.
    expect(html.body).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(html.body).toContain('<dt>fecha de nacimiento</dt><dd>15 de marzo de 1985</dd>');

    // The same data as a PDF, read back with pdf.js.
    const pdf = await call('customer', 'GET', `/v1/arco-requests/${r.id}/delivery?format=pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toContain(`datos-${r.number}.pdf`);
    const text = (await pdfPages(pdf.rawPayload)).join('\n');
    expect(text).toContain('Tus datos personales');
    expect(text).toContain(`Respuesta a tu solicitud de acceso ${r.number}`);
    expect(text).toContain(data.membership.titular.fullName);
    expect(text).toContain('fecha de nacimiento: 15 de marzo de 1985');
    expect(text).toContain('Consentimientos (términos y aviso de privacidad)');
    expect(text).toContain('celular: 55 1234 5678');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}|undefined|NaN|\[object/);
    expect(text).not.toMatch(/4242424242424242|cardToken/);

    expect(await auditOf('arco_request', r.id)).toContain('arco.answer');
    // Each domain's read of the person's data was audited as the privacy office's.
    expect(await auditOf('membership', ownMembershipId)).toContain('membership.read');
    const kinds = (await messagesAbout(r.id)).map((m) => m.kind);
    expect(kinds.sort()).toEqual(['arco_answered', 'arco_received']);

    const again = await answer('supervisor', r.id, 'refused', 'Otra respuesta distinta.');
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('ARCO_REQUEST_ALREADY_ANSWERED');
  });

  it('rectification: the correction goes through members, with its event and audit', async () => {
    const r = await filed('customer', {
      type: 'rectification',
      details: 'Mi nombre está mal escrito en la membresía.',
      field: 'name',
      correction: 'María Fernanda López Ávila',
    });
    const res = await answer('privacy', r.id, 'accepted', 'Corregimos tu nombre como lo pediste.');
    expect(res.statusCode, res.body).toBe(200);
    const membership = (await call('customer', 'GET', `/v1/memberships/${ownMembershipId}`)).json();
    expect(membership.titular.fullName).toBe('María Fernanda López Ávila');
    expect(await auditOf('membership', ownMembershipId)).toContain('membership.data_rectified');
  });

  it('rectification with a value the product refuses is refused, and nothing is written', async () => {
    const r = await filed('customer', {
      type: 'rectification',
      details: 'Mi celular cambió, por favor actualícenlo.',
      field: 'phone',
      correction: '123',
    });
    const res = await answer('privacy', r.id, 'accepted', 'Actualizamos tu celular.');
    expect(res.statusCode).toBe(400);
    expect((await call('privacy', 'GET', `/v1/arco-requests/${r.id}`)).json().status).toBe('received');
  });

  it('cancellation: refused while the membership is in force; blocked once it is cancelled', async () => {
    const r = await filed('customer', {
      type: 'cancellation',
      details: 'Quiero que borren mis datos personales.',
    });
    const inForce = await answer('privacy', r.id, 'accepted', 'Bloqueamos tus datos personales.');
    expect(inForce.statusCode).toBe(409);
    expect(inForce.json().code).toBe('ARCO_CANCELLATION_CONTRACT_IN_FORCE');

    const cancel = await call('customer', 'POST', `/v1/memberships/${ownMembershipId}/cancellation`, {});
    expect(cancel.statusCode, cancel.body).toBeLessThan(300);
    const res = await answer(
      'privacy',
      r.id,
      'accepted',
      'Bloqueamos tus datos; conservamos solo los fiscales.',
    );
    expect(res.statusCode, res.body).toBe(200);
    const [blocked] = await rows<{ blocked: Date | null; search_text: string; number: string }>(
      t.database.handle.db,
      sql`select personal_data_blocked_at as blocked, search_text, number from memberships where id = ${ownMembershipId}`,
    );
    expect(blocked?.blocked).toBeInstanceOf(Date);
    expect(blocked?.search_text).toBe(blocked?.number.toLowerCase());
    expect(await auditOf('membership', ownMembershipId)).toContain('membership.personal_data_blocked');
  });

  it('opposition: records the purpose opposed; a refusal records nothing and tells the reason', async () => {
    const accepted = await filed('customer', { type: 'opposition', details: DETAILS, purpose: 'surveys' });
    expect((await answer('privacy', accepted.id, 'accepted', 'No te enviaremos encuestas.')).statusCode).toBe(
      200,
    );
    const refused = await filed('customer', { type: 'opposition', details: DETAILS, purpose: 'bank_offers' });
    const res = await answer(
      'supervisor',
      refused.id,
      'refused',
      'No compartimos tus datos para ofertas del banco.',
    );
    expect(res.json()).toMatchObject({
      status: 'refused',
      answer: 'No compartimos tus datos para ofertas del banco.',
    });
    const opposed = await rows<{ purpose: string }>(
      t.database.handle.db,
      sql`select purpose from arco_oppositions where membership_id = ${ownMembershipId}`,
    );
    expect(opposed.map((o) => o.purpose)).toEqual(['surveys']);
    const told = (await messagesAbout(refused.id)).find((m) => m.kind === 'arco_answered');
    expect(told?.body_es).toContain('No procede');
    expect(told?.body_es).toContain('No compartimos tus datos');
  });
});
