import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.ts';
import { createUser, type Session, signIn } from '../../../test/support/auth.ts';
import { contractBody, tokenize } from '../../../test/support/factories.ts';
import { contractOnlineAndSignIn, postMembership } from '../../../test/support/members.ts';
import { rows } from '../../db/client.ts';
import type { ManualClock } from '../../lib/clock.ts';
import { SYSTEM_ACTOR } from '../../platform/principal.ts';

/** A membership once contracted: its card, its lifecycle, staff search and audited reads. */

let t: TestApp;
let clock: ManualClock;
let agent: Session;
let supervisor: Session;

beforeAll(async () => {
  t = await buildTestApp();
  clock = t.clock as ManualClock;
  agent = await signIn(t, await createUser(t, 'agent'));
  supervisor = await signIn(t, await createUser(t, 'supervisor'));
});
afterAll(async () => t?.close());
beforeEach(() => clock.set('2026-11-25T20:05:00Z')); // 14:05 in Mexico City

const contract = (payload: unknown, headers: Record<string, string> = {}) =>
  postMembership(t, payload, headers);
const onlineCustomer = (password?: string) => contractOnlineAndSignIn(t, password);

describe('card on file', () => {
  it('is replaced by a new token; only its summary is kept', async () => {
    const { membership, session } = await onlineCustomer();
    const res = await t.app.inject({
      method: 'PUT',
      url: `/v1/memberships/${membership.id}/card`,
      headers: session.write,
      payload: { cardToken: await tokenize(t, '5555555555554444') },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().card).toMatchObject({ brand: 'mastercard', last4: '4444' });
    const events = (
      await t.app.inject({
        method: 'GET',
        url: `/v1/memberships/${membership.id}/events`,
        headers: session.read,
      })
    ).json().data;
    expect(events.map((e: { type: string }) => e.type)).toEqual(['contracted', 'card_replaced']);
    const stored = await rows<Record<string, unknown>>(
      t.database.handle.db,
      sql`select * from memberships where id = ${membership.id}`,
    );
    expect(JSON.stringify(stored)).not.toMatch(/5555555555554444|4242424242424242/);
  });
});

describe('lifecycle', () => {
  it('moves along trial → active → past_due → suspended → active → cancelled, each an event with its reason', async () => {
    const { membership, session } = await onlineCustomer();
    const steps = [
      ['active', 'Primer cobro exitoso'],
      ['past_due', 'Cobro rechazado: fondos insuficientes'],
      ['suspended', 'Reintentos agotados'],
      ['active', 'Pago recibido'],
      ['cancelled', 'Cancelación solicitada por el cliente'],
    ] as const;
    for (const [to, reason] of steps) {
      await t.database.handle.db.transaction((tx) =>
        t.services.members.changeState(tx, SYSTEM_ACTOR, membership.id, to, reason),
      );
    }
    const events = (
      await t.app.inject({
        method: 'GET',
        url: `/v1/memberships/${membership.id}/events`,
        headers: session.read,
      })
    ).json().data;
    expect(
      events
        .filter((e: { type: string }) => e.type === 'state_changed')
        .map((e: { fromState: string; toState: string; reason: string }) => [
          e.fromState,
          e.toState,
          e.reason,
        ]),
    ).toEqual([
      ['trial', 'active', 'Primer cobro exitoso'],
      ['active', 'past_due', 'Cobro rechazado: fondos insuficientes'],
      ['past_due', 'suspended', 'Reintentos agotados'],
      ['suspended', 'active', 'Pago recibido'],
      ['active', 'cancelled', 'Cancelación solicitada por el cliente'],
    ]);
    const view = (
      await t.app.inject({ method: 'GET', url: `/v1/memberships/${membership.id}`, headers: session.read })
    ).json();
    expect(view).toMatchObject({
      state: 'cancelled',
      nextChargeOn: null,
      cancelledAt: '2026-11-25T20:05:00.000Z',
    });
  });

  it('refuses transitions the lifecycle does not allow, and changes to a cancelled membership', async () => {
    const { membership, session } = await onlineCustomer();
    const change = (to: 'active' | 'suspended' | 'cancelled') =>
      t.database.handle.db.transaction((tx) =>
        t.services.members.changeState(tx, SYSTEM_ACTOR, membership.id, to, 'prueba'),
      );
    await expect(change('suspended')).rejects.toMatchObject({ code: 'MEMBERSHIP_TRANSITION_NOT_ALLOWED' });
    await change('cancelled');
    await expect(change('active')).rejects.toMatchObject({ code: 'MEMBERSHIP_TRANSITION_NOT_ALLOWED' });
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${membership.id}/beneficiaries`,
      headers: session.write,
      payload: { kind: 'spouse', fullName: 'Jorge Ramírez Soto' },
    });
    expect(res.json().code).toBe('MEMBERSHIP_CANCELLED');
  });

  it('keeps the history append-only', async () => {
    const { membership } = await onlineCustomer();
    const error = await t.database.handle.db
      .execute(sql`delete from membership_events where membership_id = ${membership.id}`)
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(String((error?.cause as Error | undefined)?.message)).toMatch(/append-only/);
  });
});

describe('member search (staff)', () => {
  let found: { membership: { id: string; number: string }; body: ReturnType<typeof contractBody> };
  beforeAll(async () => {
    const body = contractBody(await tokenize(t, '5555555555554444'), {
      titular: { fullName: 'Ramón Ñúñez Olvera', phone: '33 9876 5432' } as never,
    });
    const res = await contract(body, agent.write);
    found = { membership: res.json(), body };
    await t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${res.json().id}/beneficiaries`,
      headers: agent.write,
      payload: { kind: 'spouse', fullName: 'Guadalupe Xóchitl Beltrán' },
    });
  });

  const search = (q: string, headers = agent.read) =>
    t.app.inject({ method: 'GET', url: `/v1/memberships?q=${encodeURIComponent(q)}`, headers });

  it.each([
    ['a name without accents, in any case', 'ramon nunez'],
    ['part of a name', 'Olver'],
    ['the phone as typed', '33 9876 5432'],
    ['the phone with +52', '+52 3398765432'],
    ['the card’s last 4', '4444'],
    ['the spouse’s name', 'xochitl beltran'],
  ])('finds by %s', async (_what, q) => {
    const res = await search(q);
    expect(res.statusCode).toBe(200);
    expect(res.json().data.map((m: { id: string }) => m.id)).toContain(found.membership.id);
  });

  it('finds by email and by membership number, typed loosely', async () => {
    expect((await search(found.body.titular.email.toUpperCase())).json().data[0].id).toBe(
      found.membership.id,
    );
    const loose = found.membership.number.toLowerCase().replace(/-/g, ' ');
    expect((await search(loose)).json().data.map((m: { id: string }) => m.id)).toEqual([found.membership.id]);
  });

  it('is audited with the query', async () => {
    await search('ramon', { ...supervisor.read, 'x-request-id': 'search-audit-1' });
    const audit = (
      await t.app.inject({
        method: 'GET',
        url: '/v1/audit?requestId=search-audit-1',
        headers: supervisor.read,
      })
    ).json().data;
    expect(audit).toEqual([
      expect.objectContaining({ action: 'membership.search', details: { query: 'ramon', results: 1 } }),
    ]);
  });

  it('audits staff reads of a membership', async () => {
    await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${found.membership.id}`,
      headers: { ...agent.read, 'x-request-id': 'read-audit-1' },
    });
    const audit = (
      await t.app.inject({ method: 'GET', url: '/v1/audit?requestId=read-audit-1', headers: supervisor.read })
    ).json().data;
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'membership.read',
        recordId: found.membership.id,
        actorRole: 'agent',
      }),
    ]);
  });

  it('can answer a substring search from the trigram index', async () => {
    // With few rows the planner prefers a scan; forbidding scans shows the index can serve the query.
    const plan = await t.database.handle.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return rows<{ 'QUERY PLAN': string }>(
        tx,
        sql`explain select id from memberships where search_text like '%nunez%'`,
      );
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('memberships_search_trgm_idx');
  });
});
