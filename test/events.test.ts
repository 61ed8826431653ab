import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { bearer, createApiKey, createUser, type Session, signIn } from './support/auth.ts';
import { onPostgres } from './support/database.ts';
import { buildMembership, towRequest } from './support/factories.ts';
import { http } from './support/http.ts';
import { clearForDetails } from './support/members.ts';
import { TEST_CARD } from './support/payments.ts';
import { expectProblem } from './support/problems.ts';
import { sleep, until } from './support/wait.ts';

/**
 * The event log through the API: every change tells its event in its own transaction, in one
 * order a reader pages through with `after` without gaps or repeats; a partner key reads only the
 * memberships sold through its channel (the bank), finance and supervisors read all of it; and an
 * event whose transaction rolled back was never there.
 */

interface Event {
  id: string;
  type: string;
  cursor: string;
  membershipId: string | null;
  data: Record<string, unknown>;
}

let t: TestApp;
const { get, post } = http(() => t);
let partner: Record<string, string>;
let finance: Session;
let agent: Session;

/** Every event after `after`, page by page, as a partner's poller reads them. */
async function pull(headers: Record<string, string>, after?: string, query = ''): Promise<Event[]> {
  const all: Event[] = [];
  let cursor = after;
  for (;;) {
    const res = await get(`/v1/events?limit=50${cursor ? `&after=${cursor}` : ''}${query}`, headers);
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as { data: Event[]; next: string };
    all.push(...page.data);
    if (page.data.length === 0) return all;
    cursor = page.next;
  }
}

/** Where the log ends for this reader now: what comes after it is new. */
async function head(headers: Record<string, string>): Promise<string> {
  let cursor: string | undefined;
  for (;;) {
    const res = await get(`/v1/events?limit=500${cursor ? `&after=${cursor}` : ''}`, headers);
    const page = res.json() as { data: Event[]; next: string };
    cursor = page.next;
    if (page.data.length === 0) return cursor;
  }
}

beforeAll(async () => {
  t = await buildTestApp({ env: { PARTNER_RATE_LIMIT_PER_MINUTE: '100000' } });
  const key = await createApiKey(t, 'partner', [
    'memberships:read',
    'memberships:write',
    'cases:read',
    'cases:write',
    'complaints:read',
    'complaints:write',
    'events:read',
  ]);
  partner = bearer(key.key);
  finance = await signIn(t, await createUser(t, 'finance'));
  agent = await signIn(t, await createUser(t, 'agent'));
});
afterAll(async () => t?.close());

describe('the event log', () => {
  it('tells every change of a bank membership, in order, and the bank sees none of the other channels', async () => {
    const partnerStart = await head(partner);
    const financeStart = await head(finance.read);

    const bank = await buildMembership(t, { by: partner });
    const phone = await buildMembership(t, { by: agent.write, card: TEST_CARD.insufficientFunds });
    const online = await buildMembership(t, { account: { password: 'una frase de acceso larga y mía' } });
    // The month's run: the bank's charge is paid, the phone member's is declined (past due).
    await t.services.billing.run({ at: t.clock.now(), trigger: 'test' });
    const [charge] = await t.services.billing.chargesOfMembership(SYSTEM_ACTOR, bank.id);
    if (!charge) throw new Error('no charge');
    await t.services.invoicing.invoiceCharge(SYSTEM_ACTOR, charge.id, {
      rfc: 'GODE561231GR8',
      name: 'DIEGO GÓMEZ DE LA O',
      fiscalRegime: '605',
      postalCode: '06600',
      cfdiUse: 'S01',
    });
    const opened = await post('/v1/cases', partner, towRequest(bank.id));
    expect(opened.statusCode, opened.body).toBe(201);
    const cancelled = await post(`/v1/cases/${opened.json().id}/cancel`, agent.write, {
      reason: 'La clienta ya no la necesita.',
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const complaint = await post('/v1/complaints', partner, {
      membershipId: bank.id,
      category: 'charge',
      chargeId: charge.id,
      text: 'El cliente no reconoce el cobro del mes.',
    });
    expect(complaint.statusCode, complaint.body).toBe(201);
    await post(`/v1/complaints/${complaint.json().id}/take`, agent.write);
    const resolved = await post(`/v1/complaints/${complaint.json().id}/resolve`, agent.write, {
      resolution: 'Se explicó el cobro: corresponde a la mensualidad.',
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const refund = await post(`/v1/charges/${charge.id}/refunds`, finance.write, {
      amountCentavos: 1000,
      reason: 'Compensación por la queja',
    });
    expect(refund.statusCode, refund.body).toBe(201);
    await clearForDetails(t, agent.write, bank.id);
    const cancellation = await post(`/v1/memberships/${bank.id}/cancellation`, agent.write, {
      reason: 'Ya no la necesita',
    });
    expect(cancellation.statusCode, cancellation.body).toBe(201);

    // On PostgreSQL another database's transaction may hold the horizon back for a moment.
    let seen: Event[] = [];
    await until('the bank’s events', async () => {
      seen = await pull(partner, partnerStart);
      return seen.filter((e) => e.type === 'refund.succeeded').length === 2;
    });
    expect(seen.map((e) => e.type)).toEqual([
      'membership.created',
      'charge.succeeded',
      'invoice.issued',
      'case.created',
      'case.state_changed',
      'complaint.created',
      'complaint.resolved',
      'refund.created',
      'refund.succeeded',
      'membership.state_changed',
      'cancellation.created',
      // Cancelled within 30 days with no help used: the rest of the charge goes back.
      'refund.created',
      'refund.succeeded',
    ]);
    expect(new Set(seen.map((e) => e.membershipId))).toEqual(new Set([bank.id]));
    const byType = (type: string) => seen.filter((e) => e.type === type).map((e) => e.data);
    expect(byType('membership.created')[0]).toMatchObject({
      membershipId: bank.id,
      number: bank.number,
      channel: 'bank',
      state: 'active',
      plan: 'libra-plus',
    });
    expect(byType('charge.succeeded')[0]).toMatchObject({
      chargeId: charge.id,
      amountCentavos: 21_800,
      currency: 'MXN',
      attempt: 1,
    });
    expect(byType('case.state_changed')[0]).toMatchObject({
      fromState: 'requested',
      toState: 'cancelled',
      event: 'cancelled',
      serviceCode: 'tow-truck',
    });
    // The refunds' credit notes are stamped later, by the stamping job (each its own event then).
    expect(byType('invoice.issued').map((d) => d.kind)).toEqual(['invoice']);
    expect(byType('membership.state_changed')[0]).toMatchObject({
      fromState: 'active',
      toState: 'cancelled',
    });
    // Ids and public fields only: no card, no name, no contact.
    const text = JSON.stringify(seen);
    for (const secret of ['4242', 'cardLast4', bank.body.titular.email, 'María', '55 1234 5678'])
      expect(text).not.toContain(secret);

    // Finance reads every channel: the phone member's decline and the online contract are there.
    let all: Event[] = [];
    await until('every channel’s events', async () => {
      all = await pull(finance.read, financeStart);
      return all.some((e) => e.type === 'cancellation.created');
    });
    const phoneEvents = all.filter((e) => e.membershipId === phone.id).map((e) => e.type);
    expect(phoneEvents).toEqual(['membership.created', 'charge.failed', 'membership.state_changed']);
    const declined = all.find((e) => e.type === 'charge.failed');
    expect(declined?.data).toMatchObject({ declineCode: 'insufficient_funds', attempt: 1 });
    expect(typeof declined?.data.retryAt).toBe('string');
    expect(all.filter((e) => e.membershipId === online.id).map((e) => e.type)).toEqual([
      'membership.created',
    ]);
    // The bank's view is the whole log's bank part, in the same order.
    expect(all.filter((e) => e.membershipId === bank.id).map((e) => e.id)).toEqual(seen.map((e) => e.id));
  });

  it('tells an invoice stamped and cancelled', async () => {
    const start = await head(partner);
    const bank = await buildMembership(t, { by: partner });
    await t.services.billing.run({ at: t.clock.now(), trigger: 'test' });
    const [charge] = await t.services.billing.chargesOfMembership(SYSTEM_ACTOR, bank.id);
    if (!charge) throw new Error('no charge');
    const { invoice } = await t.services.invoicing.invoiceCharge(SYSTEM_ACTOR, charge.id, {
      rfc: 'GODE561231GR8',
      name: 'DIEGO GÓMEZ DE LA O',
      fiscalRegime: '605',
      postalCode: '06600',
      cfdiUse: 'S01',
    });
    const cancelled = await post(`/v1/invoices/${invoice.id}/cancellation`, finance.write, { reason: '02' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    let seen: Event[] = [];
    await until('the invoice’s events', async () => {
      seen = (await pull(partner, start)).filter((e) => e.type.startsWith('invoice.'));
      return seen.length === 2;
    });
    expect(seen.map((e) => [e.type, e.data.invoiceId, e.data.kind])).toEqual([
      ['invoice.issued', invoice.id, 'invoice'],
      ['invoice.cancelled', invoice.id, 'invoice'],
    ]);
    expect(seen[1]?.data).toMatchObject({ reason: '02', substituteUuid: null, membershipId: bank.id });
  });

  it('pages without gaps or repeats, whatever the page size, and filters by type', async () => {
    const start = await head(finance.read);
    for (let i = 0; i < 3; i++) await buildMembership(t, { by: partner });
    let whole: Event[] = [];
    await until('three new memberships', async () => {
      whole = await pull(finance.read, start);
      return whole.filter((e) => e.type === 'membership.created').length >= 3;
    });
    const oneByOne: Event[] = [];
    let cursor = start;
    for (;;) {
      const res = await get(`/v1/events?limit=1&after=${cursor}`, finance.read);
      const page = res.json() as { data: Event[]; next: string };
      if (page.data.length === 0) break;
      oneByOne.push(...page.data);
      expect(page.next).toBe(page.data[0]?.cursor);
      cursor = page.next;
    }
    expect(oneByOne.map((e) => e.id)).toEqual(whole.map((e) => e.id));
    // Read again from the end: nothing; the cursor it answers still works.
    const after = await get(`/v1/events?after=${cursor}`, finance.read);
    expect(after.json().data).toEqual([]);
    const typed = await pull(finance.read, start, '&type=membership.created');
    expect(typed.map((e) => e.id)).toEqual(
      whole.filter((e) => e.type === 'membership.created').map((e) => e.id),
    );
  });

  it('has no event of a change that rolled back', async () => {
    const start = await head(finance.read);
    await expect(
      t.database.handle.db.transaction(async (tx) => {
        await t.services.eventLog.record(tx, [{ type: 'complaint.created', data: { rolledBack: true } }]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    // A refused contract (the titular already has a live membership) writes nothing either.
    const first = await buildMembership(t, { by: partner });
    const again = await post('/v1/memberships', partner, { ...first.body });
    expect(again.statusCode).toBe(409);
    await t.database.handle.db.transaction((tx) =>
      t.services.eventLog.record(tx, [{ type: 'complaint.created', data: { marker: true } }]),
    );
    let found: Event[] = [];
    await until('the marker', async () => {
      found = await pull(finance.read, start);
      return found.some((e) => e.data.marker === true);
    });
    expect(found.some((e) => e.data.rolledBack)).toBe(false);
    expect(found.filter((e) => e.type === 'membership.created').map((e) => e.membershipId)).toEqual([
      first.id,
    ]);
  });

  it('is append-only: the database refuses to change or delete an event', async () => {
    await expect(t.database.handle.db.execute(sql`update events set type = 'x'`)).rejects.toThrow();
    await expect(t.database.handle.db.execute(sql`delete from events`)).rejects.toThrow();
  });

  it('refuses a cursor it never gave, an unknown type, and callers the log is not for', async () => {
    expectProblem(await get('/v1/events?after=99999999999999999999_1', partner), 400, 'EVENT_CURSOR_INVALID');
    expectProblem(await get('/v1/events?after=abc', partner), 400, 'VALIDATION_FAILED');
    expectProblem(await get('/v1/events?type=membership.deleted', partner), 400, 'VALIDATION_FAILED');
    expectProblem(await get('/v1/events?limit=501', partner), 400, 'VALIDATION_FAILED');
    expectProblem(await get('/v1/events', agent.read), 403, 'FORBIDDEN');
    expectProblem(await get('/v1/events'), 401, 'UNAUTHENTICATED');
    const noScope = await createApiKey(t, 'partner', ['memberships:read']);
    expectProblem(await get('/v1/events', bearer(noScope.key)), 403, 'FORBIDDEN');
    const supervisor = await signIn(t, await createUser(t, 'supervisor'));
    expect((await get('/v1/events?limit=1', supervisor.read)).statusCode).toBe(200);
  });

  it('keeps each read in the audit log', async () => {
    const reads = async () => {
      const [row] = await rows<{ n: number }>(
        t.database.handle.db,
        sql`select count(*)::int as n from audit_log where action = 'events.read'`,
      );
      return row?.n ?? 0;
    };
    const before = await reads();
    await get('/v1/events?limit=1', partner);
    expect(await reads()).toBe(before + 1);
  });
});

/**
 * Commit order is not number order: a transaction that took its position first may commit last.
 * The log hands out nothing of a transaction younger than the oldest one still running, so a
 * reader that moved past an event never meets an earlier one afterwards. Needs real concurrent
 * transactions: PostgreSQL (PGlite runs one transaction at a time).
 */
describe.runIf(onPostgres)('the order under concurrent transactions', () => {
  const marker = (data: Record<string, unknown>) => [{ type: 'complaint.created' as const, data }];

  it('holds back an event committed while an older transaction runs, then gives both in order', async () => {
    const start = await head(finance.read);
    let release = () => {};
    const mayCommit = new Promise<void>((resolve) => {
      release = resolve;
    });
    let wrote = () => {};
    const written = new Promise<void>((resolve) => {
      wrote = resolve;
    });
    const first = t.database.handle.db.transaction(async (tx) => {
      await t.services.eventLog.record(tx, marker({ order: 'first' }));
      wrote();
      await mayCommit;
    });
    await written;
    await t.database.handle.db.transaction((tx) =>
      t.services.eventLog.record(tx, marker({ order: 'second' })),
    );
    // The second committed; the first, which took the smaller position, has not.
    const meanwhile = await pull(finance.read, start);
    expect(meanwhile.filter((e) => e.data.order)).toEqual([]);
    release();
    await first;
    let after: Event[] = [];
    await until('both events', async () => {
      after = (await pull(finance.read, start)).filter((e) => e.data.order);
      return after.length === 2;
    });
    expect(after.map((e) => e.data.order)).toEqual(['first', 'second']);
  });

  it('lets a reader following the log see every event once while writers commit out of order', async () => {
    const start = await head(finance.read);
    const WRITERS = 6;
    const EACH = 15;
    const seen: Event[] = [];
    let cursor = start;
    let writing = true;
    const follow = async () => {
      const res = await get(`/v1/events?limit=100&after=${cursor}`, finance.read);
      const page = res.json() as { data: Event[]; next: string };
      seen.push(...page.data.filter((e) => e.data.writer !== undefined));
      cursor = page.next;
      return page.data.length;
    };
    const reader = (async () => {
      while (writing) if ((await follow()) === 0) await sleep(5);
    })();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        for (let i = 0; i < EACH; i++)
          await t.database.handle.db.transaction(async (tx) => {
            await sleep(Math.random() * 8);
            await t.services.eventLog.record(tx, marker({ writer, i }));
            await sleep(Math.random() * 15);
          });
      }),
    );
    writing = false;
    await reader;
    await until('every event', async () => {
      await follow();
      return seen.length >= WRITERS * EACH;
    });
    expect(new Set(seen.map((e) => e.id)).size).toBe(WRITERS * EACH);
    expect(seen).toHaveLength(WRITERS * EACH);
    // Each writer's events in its own order, and the follower's order is the log's.
    for (let writer = 0; writer < WRITERS; writer++)
      expect(seen.filter((e) => e.data.writer === writer).map((e) => e.data.i)).toEqual(
        Array.from({ length: EACH }, (_, i) => i),
      );
    const whole = (await pull(finance.read, start)).filter((e) => e.data.writer !== undefined);
    expect(seen.map((e) => e.id)).toEqual(whole.map((e) => e.id));
  });
});
