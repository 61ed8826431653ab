import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.ts';
import { createUser, type Session, signIn, type TestUser } from '../../../test/support/auth.ts';
import { buildMembership } from '../../../test/support/factories.ts';
import { contractOnlineAndSignIn } from '../../../test/support/members.ts';
import { rows } from '../../db/client.ts';
import type { ManualClock } from '../../lib/clock.ts';
import { SYSTEM_ACTOR } from '../../platform/principal.ts';

/**
 * The agent's identity check on a call: no membership details (nor changes) before two facts
 * match or the check is skipped with a reason; wrong answers are counted, limited and audited.
 */

let t: TestApp;
let clock: ManualClock;
let agentUser: TestUser;
let agent: Session;
let otherAgent: Session;
let supervisor: Session;
let finance: Session;

beforeAll(async () => {
  t = await buildTestApp();
  clock = t.clock as ManualClock;
  agentUser = await createUser(t, 'agent');
  agent = await signIn(t, agentUser);
  otherAgent = await signIn(t, await createUser(t, 'agent'));
  supervisor = await signIn(t, await createUser(t, 'supervisor'));
  finance = await signIn(t, await createUser(t, 'finance'));
});
afterAll(async () => t?.close());
beforeEach(() => clock.set('2026-11-25T20:05:00Z'));

/** A membership contracted online (no agent has spoken to its titular), with a spouse. */
async function onlineMember() {
  const { membership, body } = await contractOnlineAndSignIn(t);
  await t.services.beneficiaries.addBeneficiary(SYSTEM_ACTOR, membership.id, {
    kind: 'spouse',
    fullName: 'Jorge Ramírez Soto',
    birthDate: '1983-07-02',
  });
  return { id: membership.id as string, number: membership.number as string, body };
}

const get = (headers: Record<string, string>, url: string) => t.app.inject({ method: 'GET', url, headers });
const verify = (headers: Record<string, string>, id: string, payload: Record<string, string>) =>
  t.app.inject({ method: 'POST', url: `/v1/memberships/${id}/verifications`, headers, payload });

async function auditOf(id: string) {
  return rows<{ action: string; actor_id: string; details: Record<string, unknown> }>(
    t.database.handle.db,
    sql`select action, actor_id, details from audit_log where record_id = ${id} order by at, id`,
  );
}

describe('before an agent sees a member’s details', () => {
  it('refuses every detail read and change with VERIFICATION_REQUIRED, and says so on the status', async () => {
    const m = await onlineMember();
    for (const url of [
      `/v1/memberships/${m.id}`,
      `/v1/memberships/${m.id}/events`,
      `/v1/memberships/${m.id}/beneficiaries`,
    ]) {
      const res = await get(agent.read, url);
      expect(res.statusCode, url).toBe(428);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('VERIFICATION_REQUIRED');
    }
    const change = await t.app.inject({
      method: 'PUT',
      url: `/v1/memberships/${m.id}/contact`,
      headers: agent.write,
      payload: { phone: '55 1111 2222' },
    });
    expect(change.json().code).toBe('VERIFICATION_REQUIRED');
    const status = await get(agent.read, `/v1/memberships/${m.id}/verification`);
    expect(status.json()).toEqual({ number: m.number, required: true, current: null, attemptsLeft: 3 });
    // Nothing of the member was audited as read.
    expect((await auditOf(m.id)).filter((e) => e.action === 'membership.read')).toEqual([]);
  });

  it('two matching facts clear the agent for 30 minutes; the reads and changes record the check', async () => {
    const m = await onlineMember();
    const res = await verify(agent.write, m.id, { birthDate: m.body.titular.birthDate, cardLast4: '4242' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      outcome: 'verified',
      facts: ['birthDate', 'cardLast4'],
      person: 'titular',
      expiresAt: '2026-11-25T20:35:00.000Z',
    });
    expect((await get(agent.read, `/v1/memberships/${m.id}`)).statusCode).toBe(200);
    const change = await t.app.inject({
      method: 'PUT',
      url: `/v1/memberships/${m.id}/contact`,
      headers: agent.write,
      payload: { phone: '55 1111 2222' },
    });
    expect(change.statusCode, change.body).toBe(200);
    const entries = await auditOf(m.id);
    const verification = {
      id: res.json().id,
      by: 'facts',
      facts: ['birthDate', 'cardLast4'],
      person: 'titular',
    };
    expect(entries.find((e) => e.action === 'membership.read')?.details).toEqual({ verification });
    expect(entries.find((e) => e.action === 'membership.contact_change')?.details).toMatchObject({
      verification,
    });
    // The check entry names the facts, never the values given.
    const check = entries.find((e) => e.action === 'membership.verification');
    expect(check?.details).toMatchObject({ facts: ['birthDate', 'cardLast4'], person: 'titular' });
    expect(JSON.stringify(check)).not.toContain(m.body.titular.birthDate);

    // Another agent is not cleared by it.
    expect((await get(otherAgent.read, `/v1/memberships/${m.id}`)).statusCode).toBe(428);
    // 30 minutes later the agent asks again.
    clock.advance({ minutes: 30 });
    agent = await signIn(t, agentUser); // the session itself idled out meanwhile
    expect((await get(agent.read, `/v1/memberships/${m.id}`)).json().code).toBe('VERIFICATION_REQUIRED');
  });

  it('takes a beneficiary’s birth date with the membership number, written any case', async () => {
    const m = await onlineMember();
    const res = await verify(agent.write, m.id, {
      birthDate: '1983-07-02',
      membershipNumber: m.number.toLowerCase(),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ outcome: 'verified', person: 'spouse' });
  });

  it('counts wrong answers, locks facts after three, and still lets the agent skip with a reason', async () => {
    const m = await onlineMember();
    const wrong = { birthDate: '1990-01-01', cardLast4: '4242' };
    const first = await verify(agent.write, m.id, wrong);
    expect(first.statusCode).toBe(422);
    expect(first.json()).toMatchObject({ code: 'VERIFICATION_FAILED', attemptsLeft: 2 });
    expect((await verify(agent.write, m.id, wrong)).json().attemptsLeft).toBe(1);
    expect((await verify(otherAgent.write, m.id, wrong)).json().attemptsLeft).toBe(0);
    const locked = await verify(agent.write, m.id, {
      birthDate: m.body.titular.birthDate,
      cardLast4: '4242',
    });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('VERIFICATION_LOCKED');
    expect(locked.headers['retry-after']).toBe('1800');
    expect((await get(agent.read, `/v1/memberships/${m.id}`)).statusCode).toBe(428);

    const skipped = await verify(agent.write, m.id, { skipReason: 'Emergencia médica, no puede contestar' });
    expect(skipped.statusCode, skipped.body).toBe(201);
    expect(skipped.json()).toMatchObject({
      outcome: 'skipped',
      skipReason: 'Emergencia médica, no puede contestar',
    });
    expect((await get(agent.read, `/v1/memberships/${m.id}`)).statusCode).toBe(200);

    const entries = await auditOf(m.id);
    expect(entries.filter((e) => e.action === 'membership.verification_failed')).toHaveLength(3);
    expect(entries.filter((e) => e.action === 'membership.verification_locked')).toHaveLength(1);
    expect(entries.find((e) => e.action === 'membership.verification_skip')?.details).toMatchObject({
      reason: 'Emergencia médica, no puede contestar',
      failedAttempts: 3,
    });
    expect(entries.find((e) => e.action === 'membership.read')?.details).toEqual({
      verification: { id: skipped.json().id, by: 'skipped', reason: 'Emergencia médica, no puede contestar' },
    });
    expect(JSON.stringify(entries)).not.toContain('1990-01-01');

    // The lock lasts the window: 30 minutes on, the facts are heard again.
    clock.advance({ minutes: 31 });
    agent = await signIn(t, agentUser);
    expect(
      (await verify(agent.write, m.id, { birthDate: m.body.titular.birthDate, cardLast4: '4242' }))
        .statusCode,
    ).toBe(201);
  });

  it('wants two facts or a reason, not one fact nor both', async () => {
    const m = await onlineMember();
    for (const payload of [
      { birthDate: m.body.titular.birthDate },
      { birthDate: m.body.titular.birthDate, cardLast4: '4242', membershipNumber: m.number },
      { birthDate: m.body.titular.birthDate, cardLast4: '4242', skipReason: 'no quiere contestar' },
      {},
      { skipReason: '   x   ' },
    ] as Record<string, string>[]) {
      const res = await verify(agent.write, m.id, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    expect((await auditOf(m.id)).filter((e) => e.action.startsWith('membership.verification'))).toEqual([]);
  });
});

describe('who needs no check', () => {
  it('the agent who just contracted by phone, until the window ends', async () => {
    const m = await buildMembership(t, { by: agent.write });
    const res = await get(agent.read, `/v1/memberships/${m.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const read = (await auditOf(m.id)).find((e) => e.action === 'membership.read');
    expect(read?.details).toMatchObject({ verification: { by: 'facts', facts: ['contracting'] } });
  });

  it('supervisors and finance read without one (audited as before); a customer reads their own', async () => {
    const m = await onlineMember();
    expect((await get(supervisor.read, `/v1/memberships/${m.id}`)).statusCode).toBe(200);
    expect((await get(finance.read, `/v1/memberships/${m.id}/events`)).statusCode).toBe(200);
    expect((await get(supervisor.read, `/v1/memberships/${m.id}/verification`)).json()).toMatchObject({
      required: false,
      current: null,
    });
    const reads = (await auditOf(m.id)).filter((e) => e.action.endsWith('read'));
    expect(reads.map((e) => e.details)).toEqual([{}, {}]);
  });
});
