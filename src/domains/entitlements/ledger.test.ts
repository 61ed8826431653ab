import { spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.ts';
import { bearer, createApiKey, createUser, type Session, signIn } from '../../../test/support/auth.ts';
import { onPostgres } from '../../../test/support/database.ts';
import { buildMembership } from '../../../test/support/factories.ts';
import { openDatabase, rows } from '../../db/client.ts';
import type { ManualClock } from '../../lib/clock.ts';
import { mexicoCityTime } from '../../lib/clock.ts';
import { SYSTEM_ACTOR } from '../../platform/principal.ts';
import { EntitlementsRepository } from './repository.ts';

let t: TestApp;
let agent: Session;

beforeAll(async () => {
  t = await buildTestApp();
  agent = await signIn(t, await createUser(t, 'agent'));
});
afterAll(async () => t?.close());

async function newMembership(planCode = 'libra-plus'): Promise<string> {
  return (await buildMembership(t, { by: agent.write, planCode })).id;
}

const reserve = (membershipId: string, serviceCode: string, request: { specialty?: string } = {}) =>
  t.database.handle.db.transaction((tx) =>
    t.services.entitlements.reserve(tx, SYSTEM_ACTOR, {
      membershipId,
      personId: 'titular',
      serviceCode,
      request,
    }),
  );
const confirm = (id: string) =>
  t.database.handle.db.transaction((tx) => t.services.entitlements.confirm(tx, SYSTEM_ACTOR, id));
const release = (id: string) =>
  t.database.handle.db.transaction((tx) =>
    t.services.entitlements.release(tx, SYSTEM_ACTOR, id, 'cancelado'),
  );
const usageOf = async (membershipId: string, serviceCode: string) =>
  (await t.services.entitlements.usage(SYSTEM_ACTOR, membershipId)).services.find(
    (s) => s.serviceCode === serviceCode,
  )?.limit;

describe('the usage ledger', () => {
  it('reserves, confirms and releases; a released use is given back', async () => {
    const id = await newMembership();
    const first = await reserve(id, 'home-nurse');
    expect(await usageOf(id, 'home-nurse')).toEqual({ kind: 'count', limit: 1, used: 1, remaining: 0 });
    await expect(reserve(id, 'home-nurse')).rejects.toMatchObject({ code: 'ENTITLEMENT_EXHAUSTED' });
    await release(first.reservation.id);
    expect(await usageOf(id, 'home-nurse')).toMatchObject({ used: 0, remaining: 1 });
    const second = await reserve(id, 'home-nurse');
    await confirm(second.reservation.id);
    await expect(release(second.reservation.id)).rejects.toMatchObject({ code: 'RESERVATION_NOT_RESERVED' });
    expect(await usageOf(id, 'home-nurse')).toMatchObject({ used: 1, remaining: 0 });
  });

  it('counts one per specialty within the four', async () => {
    const id = await newMembership();
    await reserve(id, 'specialist-consultation', { specialty: 'Cardiología' });
    await expect(reserve(id, 'specialist-consultation', { specialty: 'cardiologia' })).rejects.toMatchObject({
      code: 'SPECIALTY_ALREADY_USED',
    });
    for (const specialty of ['dermatología', 'pediatría', 'ginecología']) {
      await reserve(id, 'specialist-consultation', { specialty });
    }
    const refused = await reserve(id, 'specialist-consultation', { specialty: 'neurología' }).catch((e) => e);
    expect(refused.code).toBe('ENTITLEMENT_EXHAUSTED');
    expect(refused.options.extensions.decision.reasons.find((r: { ok: boolean }) => !r.ok).es).toContain(
      '4 de 4',
    );
  });

  it('resets on the membership anniversary, not on 1 January', async () => {
    const clock = t.clock as ManualClock;
    clock.set(mexicoCityTime('2026-03-15T12:00').toISOString());
    try {
      const id = await newMembership();
      await reserve(id, 'home-nurse');
      clock.set(mexicoCityTime('2027-01-01T09:00').toISOString());
      await expect(reserve(id, 'home-nurse')).rejects.toMatchObject({ code: 'ENTITLEMENT_EXHAUSTED' });
      clock.set(mexicoCityTime('2027-03-15T00:00').toISOString());
      expect((await reserve(id, 'home-nurse')).reservation.membershipYear).toBe(2);
    } finally {
      clock.set('2026-11-25T20:05:00Z');
    }
  });

  it('refuses with the decision’s own code: legal advice on Libra One', async () => {
    const id = await newMembership('libra-one');
    const refused = await reserve(id, 'legal-advice').catch((e) => e);
    expect(refused.code).toBe('SERVICE_NOT_IN_PLAN');
  });

  it('property: for any sequence of reserve / confirm / release, used never exceeds the limit and remaining + used = limit', async () => {
    const op = fc.oneof(
      fc.constant({ kind: 'reserve' as const }),
      fc.record({ kind: fc.constant('confirm' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        const id = await newMembership();
        const limit = 2; // home-plumbing: 2 a year
        const reserved: string[] = [];
        let counting = 0; // the model: reserved + confirmed
        for (const o of ops) {
          if (o.kind === 'reserve') {
            const ok = await reserve(id, 'home-plumbing').then(
              (r) => r.reservation.id,
              () => null,
            );
            if (ok) {
              reserved.push(ok);
              counting++;
            } else expect(counting).toBe(limit);
          } else if (reserved.length > 0) {
            const [target] = reserved.splice(o.pick % reserved.length, 1) as [string];
            if (o.kind === 'confirm') await confirm(target);
            else {
              await release(target);
              counting--;
            }
          }
          const status = await usageOf(id, 'home-plumbing');
          if (status?.kind !== 'count') throw new Error('home-plumbing should be counted');
          expect(status.used).toBeLessThanOrEqual(limit);
          expect(status.used + status.remaining).toBe(limit);
          expect(status.used).toBe(counting);
        }
      }),
      { numRuns: 15 },
    );
  });
});

describe.runIf(onPostgres)('concurrency (PostgreSQL)', () => {
  it('50 concurrent reservations of the last use, from 5 processes → 1 succeeds, 49 ENTITLEMENT_EXHAUSTED', async () => {
    const id = await newMembership();
    await reserve(id, 'home-plumbing'); // 1 of 2 used: one use left
    const worker = (n: number) =>
      new Promise<string[]>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            'test/workers/reserve.ts',
            t.database.url as string,
            id,
            'home-plumbing',
            String(n),
            t.clock.now().toISOString(),
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
        });
        child.on('exit', (code) =>
          code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker exited ${code}`)),
        );
      });
    const results = (await Promise.all([10, 10, 10, 10, 10].map(worker))).flat();
    expect(results).toHaveLength(50);
    expect(results.filter((r) => r === 'reserved')).toHaveLength(1);
    expect(results.filter((r) => r === 'ENTITLEMENT_EXHAUSTED')).toHaveLength(49);
    const [ledger] = await rows<{ counting: number }>(
      t.database.handle.db,
      sql`select count(*) as counting from usage_ledger where membership_id = ${id} and status <> 'released'`,
    );
    expect(ledger?.counting).toBe(2);
    expect(await usageOf(id, 'home-plumbing')).toMatchObject({ used: 2, remaining: 0 });
  }, 120_000);

  it("the eligibility question's prepared statement has a generic plan that uses the counting index", async () => {
    // Without it, PostgreSQL plans the statement afresh on every execution (its generic plan was a
    // sequential scan of the ledger): the counting predicate must be in the statement's text, where
    // the planner can match it to the partial index, not sent as a parameter.
    const id = await newMembership();
    const own = await openDatabase({ url: t.database.url as string, maxConnections: 1 });
    try {
      await new EntitlementsRepository().decisionFactsWithUses(own.db, id, new Date(0));
      const [statement] = await rows<{ parameters: number }>(
        own.db,
        sql`select cardinality(parameter_types) as parameters from pg_prepared_statements
            where name = 'entitlements_decision_facts_with_uses'`,
      );
      // The one connection's session: force the generic plan, and make a small table's scan dear.
      await own.db.execute(sql`set plan_cache_mode = force_generic_plan`);
      await own.db.execute(sql`set enable_seqscan = off`);
      const nulls = Array.from({ length: statement?.parameters ?? 0 }, () => 'null').join(', ');
      const plan = await rows<{ 'QUERY PLAN': string }>(
        own.db,
        sql.raw(`explain execute entitlements_decision_facts_with_uses(${nulls})`),
      );
      expect(plan.map((line) => line['QUERY PLAN']).join('\n')).toContain('usage_ledger_counting_idx');
    } finally {
      await own.close();
    }
  });
});

describe('eligibility API', () => {
  let membershipId: string;
  let customer: Session;
  beforeAll(async () => {
    const { id, body } = await buildMembership(t, { account: { password: 'mi contraseña segura' } });
    membershipId = id;
    customer = await signIn(t, { email: body.titular.email, password: 'mi contraseña segura' });
  });

  const check = (payload: object, headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/v1/eligibility/checks', payload, headers });

  it('answers the agent with every reason and the tow excess, and audits the question', async () => {
    const res = await check(
      { membershipId, personId: 'titular', serviceCode: 'tow-truck', estimatedCostCentavos: 140_000 },
      { ...agent.write, 'x-request-id': 'eligibility-audit-1' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      allowed: true,
      cost: { coveredCentavos: 100_000, excessCentavos: 40_000, excessMustBeAccepted: true },
    });
    const [audit] = await rows<{ action: string }>(
      t.database.handle.db,
      sql`select action from audit_log where request_id = 'eligibility-audit-1'`,
    );
    expect(audit?.action).toBe('eligibility.check');
  });

  it('audits every one of many simultaneous questions before answering (batched commits)', async () => {
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        check(
          { membershipId, personId: 'titular', serviceCode: 'online-doctor' },
          { ...agent.write, 'x-request-id': `eligibility-batch-${i}` },
        ),
      ),
    );
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    const [audited] = await rows<{ n: number }>(
      t.database.handle.db,
      sql`select count(*) as n from audit_log where request_id like 'eligibility-batch-%' and action = 'eligibility.check'`,
    );
    expect(audited?.n).toBe(30);
  });

  it('counts this membership year’s uses, not last year’s, when answering', async () => {
    const clock = t.clock as ManualClock;
    clock.set(mexicoCityTime('2026-03-15T12:00').toISOString());
    try {
      const id = await newMembership();
      // A key, not a staff session: the clock jumps further than a session lives.
      const { key } = await createApiKey(t, 'partner', ['eligibility:read']);
      const ask = async () =>
        (
          await check({ membershipId: id, personId: 'titular', serviceCode: 'home-nurse' }, bearer(key))
        ).json();
      expect((await ask()).allowed).toBe(true);
      const reserved = await reserve(id, 'home-nurse');
      expect((await ask()).reasons.find((r: { ok: boolean }) => !r.ok)?.code).toBe('ENTITLEMENT_EXHAUSTED');
      clock.set(mexicoCityTime('2027-03-14T23:00').toISOString());
      expect((await ask()).allowed).toBe(false);
      clock.set(mexicoCityTime('2027-03-15T00:00').toISOString()); // the anniversary: a new year
      expect((await ask()).allowed).toBe(true);
      clock.set(mexicoCityTime('2026-04-01T00:00').toISOString());
      await release(reserved.reservation.id);
      expect((await ask()).allowed).toBe(true);
    } finally {
      clock.set('2026-11-25T20:05:00Z');
    }
  });

  it('has no side effects', async () => {
    for (let i = 0; i < 3; i++) {
      await check({ membershipId, personId: 'titular', serviceCode: 'home-nurse' }, customer.write);
    }
    expect(await usageOf(membershipId, 'home-nurse')).toMatchObject({ used: 0, remaining: 1 });
  });

  it('lets a customer ask about their own membership only', async () => {
    const own = await check(
      { membershipId, personId: 'titular', serviceCode: 'online-doctor' },
      customer.write,
    );
    expect(own.json().allowed).toBe(true);
    const other = await newMembership();
    const res = await check(
      { membershipId: other, personId: 'titular', serviceCode: 'online-doctor' },
      customer.write,
    );
    expect(res.statusCode).toBe(404);
  });

  it('answers a partner key with eligibility:read, and refuses one without', async () => {
    const withScope = await createApiKey(t, 'partner', ['eligibility:read']);
    const without = await createApiKey(t, 'partner', ['memberships:write']);
    const body = { membershipId, personId: 'titular', serviceCode: 'online-doctor' };
    expect((await check(body, bearer(withScope.key))).statusCode).toBe(200);
    expect((await check(body, bearer(without.key))).statusCode).toBe(403);
  });

  it('says who is not on the membership, and refuses bad input', async () => {
    const stranger = await check(
      { membershipId, personId: '01a211f5-0000-7000-8000-000000000000', serviceCode: 'online-doctor' },
      agent.write,
    );
    expect(stranger.json()).toMatchObject({
      allowed: false,
      reasons: expect.arrayContaining([expect.objectContaining({ code: 'BENEFICIARY_NOT_ELIGIBLE' })]),
    });
    const bad = await check({ membershipId, personId: 'titular', serviceCode: 'Tow Truck!' }, agent.write);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
  });

  it('lists every service with used, limit, remaining and the reset date', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${membershipId}/usage`,
      headers: customer.read,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.membershipYear).toMatchObject({ number: 1, resetsOn: '2027-11-25' });
    expect(
      body.services.find((s: { serviceCode: string }) => s.serviceCode === 'online-doctor').limit,
    ).toEqual({
      kind: 'unlimited',
      used: 0,
    });
    expect(
      body.services.find((s: { serviceCode: string }) => s.serviceCode === 'specialist-consultation').limit,
    ).toMatchObject({
      kind: 'count',
      limit: 4,
      remaining: 4,
      perKey: { key: 'specialty', limit: 1 },
    });
  });
});
