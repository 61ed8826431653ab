import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import type { ComplaintView } from '../src/domains/complaints/views.ts';
import { type ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { bearer, createApiKey, createUser, sessionsOf, signIn, type TestUser } from './support/auth.ts';
import { contractByPhone } from './support/dispatch.ts';
import { buildCase, buildMembership } from './support/factories.ts';

const START = '2026-11-25T20:05:00Z'; // Wednesday 14:05 in Mexico City

let t: TestApp;
let clock: ManualClock;
const users: Record<'customer' | 'stranger' | 'agent' | 'agent2' | 'supervisor' | 'admin', TestUser> =
  {} as never;
let partnerKey: string;
let readOnlyPartnerKey: string;
/** The customer's own membership (online), and someone else's (contracted by phone). */
let ownMembershipId: string;
let otherMembershipId: string;

/** Sessions valid at the clock's time (these tests move it by days and weeks). */
const sessionOf = sessionsOf(() => t);

type Caller = keyof typeof users | 'partner' | 'readOnlyPartner';
async function headersOf(caller: Caller, write: boolean): Promise<Record<string, string>> {
  if (caller === 'partner') return bearer(partnerKey);
  if (caller === 'readOnlyPartner') return bearer(readOnlyPartnerKey);
  const session = await sessionOf(users[caller]);
  return write ? session.write : session.read;
}

async function call(
  caller: Caller,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
  extra: Record<string, string> = {},
) {
  return t.app.inject({
    method,
    url,
    headers: { ...(await headersOf(caller, method !== 'GET')), ...extra },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

const TEXT = 'La grúa llegó dos horas tarde y el operador fue grosero.';

async function file(caller: Caller, body: Record<string, unknown>, extra: Record<string, string> = {}) {
  const res = await call(
    caller,
    'POST',
    '/v1/complaints',
    { category: 'service_quality', text: TEXT, ...body },
    extra,
  );
  return res;
}

async function filed(caller: Caller, body: Record<string, unknown>): Promise<ComplaintView> {
  const res = await file(caller, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function read(caller: Caller, id: string): Promise<ComplaintView> {
  const res = await call(caller, 'GET', `/v1/complaints/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function act(caller: Caller, id: string, action: string, payload?: unknown) {
  return call(caller, 'POST', `/v1/complaints/${id}/${action}`, payload);
}

async function auditActions(recordId: string): Promise<string[]> {
  const found = await rows<{ action: string }>(
    t.database.handle.db,
    sql`select action from audit_log where record_type = 'complaint' and record_id = ${recordId} order by at, id`,
  );
  return found.map((r) => r.action);
}

beforeAll(async () => {
  t = await buildTestApp();
  clock = t.clock as ManualClock;
  for (const [name, role] of [
    ['customer', 'customer'],
    ['stranger', 'customer'],
    ['agent', 'agent'],
    ['agent2', 'agent'],
    ['supervisor', 'supervisor'],
    ['admin', 'admin'],
  ] as const)
    users[name] = await createUser(t, role);
  partnerKey = (await createApiKey(t, 'partner', ['complaints:read', 'complaints:write'])).key;
  readOnlyPartnerKey = (await createApiKey(t, 'partner', ['complaints:read'])).key;
  ownMembershipId = (await buildMembership(t, { by: await headersOf('customer', true) })).id;
  otherMembershipId = (await buildMembership(t, { by: await headersOf('agent', true) })).id;
});
afterAll(async () => t?.close());

describe('filing a complaint', () => {
  it('by the customer, for their own membership: online, open, due in 5 business days', async () => {
    clock.set(START);
    // A customer's channel is online, whatever they say.
    const c = await filed('customer', { membershipId: ownMembershipId, channel: 'phone' });
    expect(c).toMatchObject({
      membershipId: ownMembershipId,
      category: 'service_quality',
      categoryLabel: { es: 'Calidad del servicio', en: 'Service quality' },
      channel: 'online',
      status: 'open',
      statusLabel: { es: 'Recibida', en: 'Open' },
      text: TEXT,
      owner: null,
      resolution: null,
      overdue: false,
      caseId: null,
      chargeId: null,
      filedBy: { type: 'customer' },
      filedAt: START.replace('Z', '.000Z'),
      // Wednesday 14:05 + 5 business days = next Wednesday 14:05.
      dueAt: mexicoCityTime('2026-12-02T14:05').toISOString(),
    });
    expect(c.number).toMatch(/^LQ-26-\d{6}$/);
    expect(c.timeline).toMatchObject([{ seq: 1, type: 'filed', fromStatus: null, toStatus: 'open' }]);
    expect(c.timeline?.[0]?.actor).not.toHaveProperty('id');
  });

  it('by an agent for any membership: phone by default, or the channel they say', async () => {
    clock.set(START);
    const byPhone = await filed('agent', { membershipId: otherMembershipId, category: 'charge' });
    expect(byPhone).toMatchObject({ channel: 'phone', filedBy: { type: 'agent' }, category: 'charge' });
    const byEmail = await filed('supervisor', { membershipId: ownMembershipId, channel: 'email' });
    expect(byEmail.channel).toBe('email');
    expect(byEmail.number).not.toBe(byPhone.number);
    expect(await auditActions(byPhone.id)).toEqual(['complaint.file']);
  });

  it('by the bank with complaints:write: channel api; a key without it is refused', async () => {
    const c = await filed('partner', { membershipId: otherMembershipId, category: 'cancellation' });
    expect(c).toMatchObject({ channel: 'api', filedBy: { type: 'api_key:partner' } });
    const refused = await file('readOnlyPartner', { membershipId: otherMembershipId });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('FORBIDDEN');
  });

  it('a customer cannot file on someone else’s membership: as if it did not exist', async () => {
    const res = await file('customer', { membershipId: otherMembershipId });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('MEMBERSHIP_NOT_FOUND');
  });

  it('about a case or a charge of the same membership only', async () => {
    clock.set(START);
    const ownCase = await buildCase(t, { membershipId: ownMembershipId, by: 'system' });
    const otherCase = await buildCase(t, { membershipId: otherMembershipId, by: 'system' });
    const aboutCase = await filed('customer', {
      membershipId: ownMembershipId,
      category: 'provider_conduct',
      caseId: ownCase.id,
    });
    expect(aboutCase).toMatchObject({ caseId: ownCase.id, caseNumber: ownCase.number });

    const mismatch = await file('customer', { membershipId: ownMembershipId, caseId: otherCase.id });
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json().code).toBe('COMPLAINT_CASE_MISMATCH');
    const unknown = await file('agent', {
      membershipId: ownMembershipId,
      caseId: '01a211f5-0000-7000-8000-00000000cafe',
    });
    expect(unknown.json().code).toBe('COMPLAINT_CASE_MISMATCH');

    // The phone membership's first charge (due at contracting), made by a billing run.
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    const [charge] = await t.services.billing.chargesOfMembership(SYSTEM_ACTOR, otherMembershipId);
    expect(charge).toBeDefined();
    const aboutCharge = await filed('agent', {
      membershipId: otherMembershipId,
      category: 'charge',
      chargeId: charge?.id,
    });
    expect(aboutCharge.chargeId).toBe(charge?.id);
    const wrongCharge = await file('customer', { membershipId: ownMembershipId, chargeId: charge?.id });
    expect(wrongCharge.statusCode).toBe(422);
    expect(wrongCharge.json().code).toBe('COMPLAINT_CHARGE_MISMATCH');
  });

  it('with an Idempotency-Key: the same body answers the first complaint, another body is refused', async () => {
    const key = { 'idempotency-key': `queja-${Math.random().toString(36).slice(2)}` };
    const first = await file('agent', { membershipId: otherMembershipId }, key);
    expect(first.statusCode).toBe(201);
    const again = await file('agent', { membershipId: otherMembershipId }, key);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    const other = await file('agent', { membershipId: otherMembershipId, category: 'other' }, key);
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('reading complaints', () => {
  let ownId: string;
  let othersId: string;
  beforeAll(async () => {
    clock.set(START);
    ownId = (await filed('customer', { membershipId: ownMembershipId, category: 'data_privacy' })).id;
    othersId = (await filed('agent', { membershipId: otherMembershipId })).id;
  });

  it('a customer reads their own, and someone else’s is not found', async () => {
    expect((await read('customer', ownId)).id).toBe(ownId);
    const res = await call('customer', 'GET', `/v1/complaints/${othersId}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('COMPLAINT_NOT_FOUND');
    // Another customer, with no membership, does not see the first one's.
    const stranger = await call('stranger', 'GET', `/v1/complaints/${ownId}`);
    expect(stranger.statusCode).toBe(404);
  });

  it('a customer lists only their own; staff list every one, filtered, and the read is audited', async () => {
    const mine = (await call('customer', 'GET', '/v1/complaints?limit=200')).json();
    expect(mine.data.length).toBeGreaterThan(0);
    expect(mine.data.every((c: ComplaintView) => c.membershipId === ownMembershipId)).toBe(true);
    expect(mine.data.some((c: ComplaintView) => c.id === othersId)).toBe(false);
    expect((await call('stranger', 'GET', '/v1/complaints')).json()).toEqual({ data: [], nextBefore: null });

    const byMembership = (
      await call(
        'supervisor',
        'GET',
        `/v1/complaints?membershipId=${otherMembershipId}&status=open&limit=200`,
      )
    ).json();
    expect(byMembership.data.some((c: ComplaintView) => c.id === othersId)).toBe(true);
    expect(byMembership.data.every((c: ComplaintView) => c.membershipId === otherMembershipId)).toBe(true);
    const privacy = (await call('admin', 'GET', '/v1/complaints?category=data_privacy')).json();
    expect(privacy.data.map((c: ComplaintView) => c.id)).toContain(ownId);
    expect(privacy.data.every((c: ComplaintView) => c.category === 'data_privacy')).toBe(true);

    const listed = await rows<{ n: number }>(
      t.database.handle.db,
      sql`select count(*)::int as n from audit_log where action = 'complaint.list'`,
    );
    expect(listed[0]?.n).toBeGreaterThanOrEqual(2);
  });

  it('pages newest first with before=<nextBefore>', async () => {
    const first = (await call('agent', 'GET', '/v1/complaints?limit=2')).json();
    expect(first.data).toHaveLength(2);
    expect(first.nextBefore).toBe(first.data[1].id);
    const second = (await call('agent', 'GET', `/v1/complaints?limit=2&before=${first.nextBefore}`)).json();
    expect(second.data.length).toBeGreaterThan(0);
    const ids = [...first.data, ...second.data].map((c: ComplaintView) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort().reverse()).toEqual(ids);
  });

  it('staff and the bank read any by id (audited); finance and providers may not', async () => {
    expect((await read('agent', ownId)).id).toBe(ownId);
    expect((await read('partner', ownId)).id).toBe(ownId);
    expect(await auditActions(ownId)).toEqual(['complaint.read', 'complaint.read']);
    const finance = await createUser(t, 'finance');
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/complaints/${ownId}`,
      headers: (await signIn(t, finance)).read,
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('the lifecycle', () => {
  it('open → in progress → resolved, with notes, in order on the timeline; the customer is told', async () => {
    clock.set(START);
    const c = await filed('customer', { membershipId: ownMembershipId });

    const taken = await act('agent', c.id, 'take');
    expect(taken.statusCode, taken.body).toBe(200);
    expect(taken.json()).toMatchObject({
      status: 'in_progress',
      owner: { id: users.agent.id },
    });
    const again = await act('agent2', c.id, 'take');
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('COMPLAINT_ALREADY_TAKEN');

    clock.advance({ minutes: 10 });
    const noted = await act('agent', c.id, 'notes', { note: 'Llamé al proveedor; confirma el retraso.' });
    expect(noted.statusCode, noted.body).toBe(200);
    expect(noted.json().status).toBe('in_progress');

    // Only its owner (or a supervisor) resolves it.
    const notYours = await act('agent2', c.id, 'resolve', { resolution: 'Se ofrece una disculpa.' });
    expect(notYours.statusCode).toBe(409);
    expect(notYours.json().code).toBe('COMPLAINT_NOT_YOURS');

    clock.advance({ minutes: 10 });
    const resolution = 'Reembolsamos el excedente de la grúa y amonestamos al proveedor.';
    const resolved = await act('agent', c.id, 'resolve', { resolution });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const view = resolved.json() as ComplaintView;
    expect(view).toMatchObject({ status: 'resolved', resolution, overdue: false });
    expect(view.resolvedAt).toBe(clock.now().toISOString());
    expect(view.timeline?.map((e) => [e.seq, e.type, e.fromStatus, e.toStatus, e.actor.type])).toEqual([
      [1, 'filed', null, 'open', 'customer'],
      [2, 'taken', 'open', 'in_progress', 'agent'],
      [3, 'note', null, null, 'agent'],
      [4, 'resolved', 'in_progress', 'resolved', 'agent'],
    ]);
    expect(view.timeline?.[1]?.actor.id).toBe(users.agent.id);

    // Resolved is final.
    for (const [action, payload] of [
      ['resolve', { resolution: 'Otra resolución distinta.' }],
      ['take', undefined],
      ['escalate', { note: 'Demasiado tarde' }],
    ] as const) {
      const res = await act('supervisor', c.id, action, payload);
      expect(res.statusCode, action).toBe(409);
      expect(res.json().code).toBe('COMPLAINT_TRANSITION_INVALID');
      expect(res.json().complaintStatus).toBe('resolved');
    }

    // The customer sees the resolution and the message sent, without the internal note.
    const seen = await read('customer', c.id);
    expect(seen.resolution).toBe(resolution);
    expect(seen.timeline?.map((e) => e.type)).toEqual(['filed', 'taken', 'resolved']);
    expect(seen.timeline?.at(-1)?.note).toBe(resolution);
    expect(seen.timeline?.every((e) => !('id' in e.actor))).toBe(true);
    expect(seen.owner).toEqual({ name: expect.any(String) });
    // Received when filed (with its due date), then resolved: each with the operator's line.
    expect(seen.notifications?.map((n) => n.kind)).toEqual(['complaint_received', 'complaint_resolution']);
    expect(seen.notifications?.[0]?.es).toContain(
      `Recibimos tu queja ${c.number}. Te responderemos a más tardar el `,
    );
    expect(seen.notifications?.[1]).toEqual({
      kind: 'complaint_resolution',
      channel: 'email',
      status: 'pending',
      sendAt: clock.now().toISOString(),
      es: `Resolvimos tu queja ${c.number}. Nuestra respuesta: ${resolution}\n\nAsistencia Libra Plus, 24 horas: 55 5480 0900.`,
      en: `We have resolved your complaint ${c.number}. Our answer: ${resolution}\n\nAsistencia Libra Plus, 24 hours: +52 55 5480 0900.`,
    });
    const [notification] = await rows<{ membership_id: string; kind: string }>(
      t.database.handle.db,
      sql`select membership_id, kind from notifications where subject_key = ${`complaint:${c.id}:resolution`}`,
    );
    expect(notification).toEqual({ membership_id: ownMembershipId, kind: 'complaint_resolution' });

    expect(await auditActions(c.id)).toEqual(['complaint.take', 'complaint.note', 'complaint.resolve']);
  });

  it('escalated: a supervisor takes it back or resolves it; an agent may not', async () => {
    clock.set(START);
    const c = await filed('agent', { membershipId: otherMembershipId });
    const resolveOpen = await act('agent', c.id, 'resolve', { resolution: 'Resolución sin tomarla.' });
    expect(resolveOpen.statusCode).toBe(409);
    expect(resolveOpen.json().code).toBe('COMPLAINT_TRANSITION_INVALID');

    await act('agent', c.id, 'take');
    const escalated = await act('agent', c.id, 'escalate', { note: 'Pide hablar con supervisión.' });
    expect(escalated.statusCode, escalated.body).toBe(200);
    expect(escalated.json()).toMatchObject({ status: 'escalated', owner: null });
    expect(escalated.json().escalatedAt).toBe(clock.now().toISOString());
    const twice = await act('supervisor', c.id, 'escalate', { note: 'otra vez' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('COMPLAINT_TRANSITION_INVALID');

    for (const [action, payload] of [
      ['take', undefined],
      ['resolve', { resolution: 'Resuelve un agente.' }],
    ] as const) {
      const res = await act('agent', c.id, action, payload);
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('COMPLAINT_SUPERVISOR_REQUIRED');
    }
    const back = await act('supervisor', c.id, 'take');
    expect(back.json()).toMatchObject({ status: 'in_progress', owner: { id: users.supervisor.id } });
    const resolved = await act('supervisor', c.id, 'resolve', {
      resolution: 'Se bonifica un mes de membresía.',
    });
    expect(resolved.statusCode).toBe(200);
    expect((resolved.json() as ComplaintView).timeline?.map((e) => e.type)).toEqual([
      'filed',
      'taken',
      'escalated',
      'taken',
      'resolved',
    ]);
  });

  it('a supervisor resolves an escalated complaint directly and becomes its owner', async () => {
    const c = await filed('agent', { membershipId: otherMembershipId });
    await act('agent', c.id, 'escalate', { note: 'Caso delicado de datos personales.' });
    const resolved = await act('supervisor', c.id, 'resolve', {
      resolution: 'Se corrigieron los datos del titular.',
    });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'resolved', owner: { id: users.supervisor.id } });
  });

  it('keeps the timeline append-only in the database', async () => {
    const c = await filed('agent', { membershipId: otherMembershipId });
    const db = t.database.handle.db;
    // Drizzle wraps the driver's error; the database's own message is the cause.
    const refusal = async (statement: ReturnType<typeof sql>) => {
      const error = await db.execute(statement).then(
        () => null,
        (e: Error) => e,
      );
      return String((error?.cause as Error | undefined)?.message ?? error?.message);
    };
    expect(await refusal(sql`update complaint_events set note = 'x' where complaint_id = ${c.id}`)).toMatch(
      /append-only/,
    );
    expect(await refusal(sql`delete from complaint_events where complaint_id = ${c.id}`)).toMatch(
      /append-only/,
    );
    expect((await read('agent', c.id)).timeline).toHaveLength(1);
  });
});

describe('due dates and escalation', () => {
  it('skips weekends: a Friday filing with 5 business days is due the next Friday', async () => {
    clock.set(mexicoCityTime('2026-11-27T10:00')); // Friday
    const friday = await filed('agent', { membershipId: otherMembershipId });
    expect(friday.dueAt).toBe(mexicoCityTime('2026-12-04T10:00').toISOString());
    clock.set(mexicoCityTime('2026-11-28T11:30')); // Saturday: counts from the end of Friday
    const saturday = await filed('agent', { membershipId: otherMembershipId });
    expect(saturday.dueAt).toBe(mexicoCityTime('2026-12-05T00:00').toISOString());
  });

  it('the sweep escalates what is past due, clears the owner, and leaves the rest', async () => {
    clock.set(START);
    const waiting = await filed('agent', { membershipId: otherMembershipId });
    const taken = await filed('agent', { membershipId: otherMembershipId });
    await act('agent', taken.id, 'take');
    const done = await filed('agent', { membershipId: otherMembershipId });
    await act('agent', done.id, 'take');
    await act('agent', done.id, 'resolve', { resolution: 'Resuelta antes de vencer.' });
    clock.set(mexicoCityTime('2026-12-01T09:00'));
    const later = await filed('agent', { membershipId: otherMembershipId });

    // Due next Wednesday 14:05; a minute later both waiting complaints are overdue.
    clock.set(mexicoCityTime('2026-12-02T14:06'));
    const overdue = (await call('supervisor', 'GET', '/v1/complaints?overdue=true&limit=200')).json();
    const overdueIds = overdue.data.map((c: ComplaintView) => c.id);
    expect(overdueIds).toEqual(expect.arrayContaining([waiting.id, taken.id]));
    expect(overdueIds).not.toContain(done.id);
    expect(overdueIds).not.toContain(later.id);
    expect(overdue.data.every((c: ComplaintView) => c.overdue)).toBe(true);
    const notOverdue = (await call('supervisor', 'GET', '/v1/complaints?overdue=false&limit=200')).json();
    expect(notOverdue.data.map((c: ComplaintView) => c.id)).toEqual(
      expect.arrayContaining([done.id, later.id]),
    );

    expect(await t.services.complaints.escalateOverdue()).toBeGreaterThanOrEqual(2);
    for (const id of [waiting.id, taken.id]) {
      const c = await read('supervisor', id);
      expect(c).toMatchObject({ status: 'escalated', owner: null, overdue: true });
      expect(c.escalatedAt).toBe(clock.now().toISOString());
      expect(c.timeline?.at(-1)).toMatchObject({
        type: 'escalated',
        toStatus: 'escalated',
        actor: { type: 'system', id: null, name: 'Libra' },
        label: { es: 'Escalada a supervisión: venció el plazo de respuesta' },
      });
    }
    expect((await read('supervisor', taken.id)).timeline?.at(-1)?.fromStatus).toBe('in_progress');
    expect((await read('supervisor', done.id)).status).toBe('resolved');
    expect((await read('supervisor', later.id)).status).toBe('open');
    // Escalated ones are not escalated again.
    expect(await t.services.complaints.escalateOverdue()).toBe(0);
    expect((await read('supervisor', waiting.id)).timeline).toHaveLength(2);
  });

  it('a job on the complaints-escalation queue (every 15 minutes, Mexico City) escalates what is past due', async () => {
    const app = await buildTestApp({ env: { JOB_WORKERS: 'true', JOB_POLL_SECONDS: '1' } });
    try {
      const schedules = await rows<{ name: string; cron: string; timezone: string }>(
        app.database.handle.db,
        sql`select name, cron, timezone from pgboss.schedule where name = 'complaints-escalation'`,
      );
      expect(schedules).toEqual([
        { name: 'complaints-escalation', cron: '*/15 * * * *', timezone: 'America/Mexico_City' },
      ]);
      const agent = await signIn(app, await createUser(app, 'agent'));
      const membershipId = await contractByPhone(app, agent.write);
      const res = await app.app.inject({
        method: 'POST',
        url: '/v1/complaints',
        headers: agent.write,
        payload: { membershipId, category: 'other', text: TEXT },
      });
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().id;
      await app.app.inject({ method: 'POST', url: `/v1/complaints/${id}/take`, headers: agent.write });

      // Past the due date on the app's clock; what the cron does every 15 minutes: a job on the queue.
      (app.clock as ManualClock).advance({ days: 8 });
      await app.services.jobs.send(app.database.handle.db, 'complaints-escalation', {}, new Date());
      let status = '';
      for (let i = 0; i < 40 && status !== 'escalated'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        status = (await app.services.complaints.get(SYSTEM_ACTOR, id)).status;
      }
      expect(status).toBe('escalated');
      const after = await app.services.complaints.get(SYSTEM_ACTOR, id);
      expect(after.owner).toBeNull();
      expect(after.timeline?.at(-1)).toMatchObject({ type: 'escalated', actor: { type: 'system' } });
    } finally {
      await app.close();
    }
  }, 60_000);
});

describe('bad input', () => {
  const problems: [string, number, string, Record<string, unknown> | string][] = [
    ['no text', 400, 'VALIDATION_FAILED', { category: 'other' }],
    ['text too short', 400, 'VALIDATION_FAILED', { category: 'other', text: 'Mal.' }],
    ['only spaces', 400, 'VALIDATION_FAILED', { category: 'other', text: '             ' }],
    ['text too long', 400, 'VALIDATION_FAILED', { category: 'other', text: 'x'.repeat(4001) }],
    ['unknown category', 400, 'VALIDATION_FAILED', { category: 'weather', text: TEXT }],
    ['bad channel', 400, 'VALIDATION_FAILED', { category: 'other', text: TEXT, channel: 'fax' }],
    [
      'a case id that is not a uuid',
      400,
      'VALIDATION_FAILED',
      { category: 'other', text: TEXT, caseId: 'LP-26-000001' },
    ],
    [
      'both a case and a charge',
      400,
      'VALIDATION_FAILED',
      {
        category: 'other',
        text: TEXT,
        caseId: '01a211f5-0000-7000-8000-00000000cafe',
        chargeId: '01a211f5-0000-7000-8000-00000000beef',
      },
    ],
    ['an unknown field', 400, 'VALIDATION_FAILED', { category: 'other', text: TEXT, priority: 'high' }],
    ['not JSON', 400, 'MALFORMED_JSON', '{"category": '],
  ];
  it.each(problems)('%s → %i %s, as problem+json', async (_name, status, code, body) => {
    const payload = typeof body === 'string' ? body : { membershipId: otherMembershipId, ...body };
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/complaints',
      headers: { ...(await headersOf('agent', true)), 'content-type': 'application/json' },
      payload: payload as never,
    });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe(code);
  });

  it('staff actions and queries with bad input answer 400 or 404, never 500', async () => {
    const c = await filed('agent', { membershipId: otherMembershipId });
    const checks: [Caller, 'GET' | 'POST', string, unknown, number][] = [
      ['agent', 'POST', `/v1/complaints/${c.id}/resolve`, {}, 400],
      ['agent', 'POST', `/v1/complaints/${c.id}/notes`, { note: '  ' }, 400],
      ['agent', 'POST', `/v1/complaints/${c.id}/escalate`, { note: 12 }, 400],
      ['agent', 'POST', '/v1/complaints/not-a-uuid/take', undefined, 400],
      ['agent', 'POST', '/v1/complaints/01a211f5-0000-7000-8000-00000000cafe/take', undefined, 404],
      ['agent', 'GET', '/v1/complaints?status=closed', undefined, 400],
      ['agent', 'GET', '/v1/complaints?limit=0', undefined, 400],
      ['agent', 'GET', '/v1/complaints?overdue=maybe', undefined, 400],
      ['agent', 'GET', '/v1/complaints?before=yesterday', undefined, 400],
      ['customer', 'GET', '/v1/complaints/not-a-uuid', undefined, 400],
    ];
    for (const [caller, method, url, payload, status] of checks) {
      const res = await call(caller, method, url, payload);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });
});
