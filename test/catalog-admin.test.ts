import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { contractByPhone } from './support/dispatch.ts';

/**
 * The plan catalog for admins: every version with its memberships, and publishing the next one
 * (SPEC "Plans": new contracts take it; memberships stay on the version they contracted).
 */
let t: TestApp;
let admin: Session;
let agent: Session;

interface VersionJson {
  version: number;
  current: boolean;
  scheduled: boolean;
  effectiveFrom: string;
  price: { totalCentavos: number; baseCentavos: number; ivaCentavos: number };
  services: { code: string; rules: { limit: { kind: string; count?: number } } }[];
  memberships: { total: number; current: number };
}
interface PlanJson {
  code: string;
  name: string;
  versions: VersionJson[];
}

async function adminPlans(): Promise<PlanJson[]> {
  const res = await t.app.inject({ method: 'GET', url: '/v1/admin/plans', headers: admin.read });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data;
}

async function plusServices() {
  const plus = (await adminPlans()).find((p) => p.code === 'libra-plus');
  const current = plus?.versions.find((v) => v.current);
  if (!current) throw new Error('no current libra-plus version');
  return current.services.map((s) => ({ service: s.code, rules: s.rules }));
}

function publish(body: unknown, code = 'libra-plus', key?: string) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/admin/plans/${code}/versions`,
    headers: { ...admin.write, ...(key ? { 'idempotency-key': key } : {}) },
    payload: body as Record<string, unknown>,
  });
}

beforeAll(async () => {
  t = await buildTestApp();
  admin = await signIn(t, await createUser(t, 'admin'));
  agent = await signIn(t, await createUser(t, 'agent'));
});
afterAll(async () => t?.close());

describe('GET /v1/admin/plans', () => {
  it('lists every plan with its versions, the current one and its memberships', async () => {
    await contractByPhone(t, agent.write);
    await contractByPhone(t, agent.write);
    await contractByPhone(t, agent.write, 'libra-one');
    const plans = await adminPlans();
    expect(plans.map((p) => p.code)).toEqual(['libra-plus', 'libra-one']);
    const [plus] = plans;
    expect(plus?.versions).toHaveLength(1);
    expect(plus?.versions[0]).toMatchObject({
      version: 1,
      current: true,
      scheduled: false,
      price: { totalCentavos: 21_800, baseCentavos: 18_793, ivaCentavos: 3_007 },
      memberships: { total: 2, current: 2 },
    });
    expect(plus?.versions[0]?.services.map((s) => s.code)).toContain('tow-truck');
    expect(plans[1]?.versions[0]?.memberships).toEqual({ total: 1, current: 1 });
  });

  it('is for admins only', async () => {
    for (const role of ['agent', 'supervisor', 'finance'] as const) {
      const session = await signIn(t, await createUser(t, role));
      const res = await t.app.inject({ method: 'GET', url: '/v1/admin/plans', headers: session.read });
      expect(res.statusCode, role).toBe(403);
    }
  });
});

describe('POST /v1/admin/plans/{code}/versions', () => {
  it('publishes the next version: IVA derived, current for new contracts, old memberships stay, audited', async () => {
    const services = (await plusServices()).map((s) =>
      s.service === 'home-nurse' ? { ...s, rules: { ...s.rules, limit: { kind: 'per_year', count: 2 } } } : s,
    );
    const res = await publish({
      priceTotalCentavos: 23_900,
      onlineTrialMonths: 2,
      illustrative: false,
      services,
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.published).toBe(2);
    const [v2, v1] = body.plan.versions as VersionJson[];
    expect(v2).toMatchObject({
      version: 2,
      current: true,
      price: { totalCentavos: 23_900, baseCentavos: 20_603, ivaCentavos: 3_297 },
      memberships: { total: 0, current: 0 },
    });
    expect(v2?.services.find((s) => s.code === 'home-nurse')?.rules.limit).toEqual({
      kind: 'per_year',
      count: 2,
    });
    expect(v1).toMatchObject({ version: 1, current: false, memberships: { total: 2 } });

    // The public plan is the new version; a new contract takes it.
    const pub = (await t.app.inject({ method: 'GET', url: '/v1/plans/libra-plus' })).json();
    expect(pub).toMatchObject({ version: 2, price: { totalCentavos: 23_900 } });
    await contractByPhone(t, agent.write);
    const after = (await adminPlans()).find((p) => p.code === 'libra-plus');
    expect(after?.versions.map((v) => [v.version, v.memberships.total])).toEqual([
      [2, 1],
      [1, 2],
    ]);

    const audit = await t.app.inject({
      method: 'GET',
      url: '/v1/audit?action=plan_version.publish',
      headers: admin.read,
    });
    expect(audit.json().data[0]).toMatchObject({
      action: 'plan_version.publish',
      details: { plan: 'libra-plus', version: 2, priceTotalCentavos: 23_900 },
    });
  });

  it('schedules a version for later: published, not yet current', async () => {
    const services = await plusServices();
    const res = await publish({
      priceTotalCentavos: 24_900,
      onlineTrialMonths: 2,
      illustrative: false,
      effectiveFrom: '2027-01-01T06:00:00Z',
      services,
    });
    expect(res.statusCode, res.body).toBe(201);
    const versions = res.json().plan.versions as VersionJson[];
    expect(versions.map((v) => [v.version, v.current, v.scheduled])).toEqual([
      [3, false, true],
      [2, true, false],
      [1, false, false],
    ]);
    // Nothing may start before it now (it would never apply).
    const earlier = await publish({
      priceTotalCentavos: 25_900,
      onlineTrialMonths: 2,
      illustrative: false,
      effectiveFrom: '2026-12-15T06:00:00Z',
      services,
    });
    expect(earlier.statusCode).toBe(422);
    expect(earlier.json()).toMatchObject({
      code: 'CATALOG_VERSION_DATE_INVALID',
      errors: [{ field: 'body/effectiveFrom' }],
    });
    const clock = t.clock as ManualClock;
    const now = clock.now();
    clock.set('2027-01-01T06:00:00Z');
    try {
      const later = await t.app.inject({ method: 'GET', url: '/v1/plans/libra-plus' });
      expect(later.json().version).toBe(3);
    } finally {
      clock.set(now);
    }
  });

  it('replays the same publication for the same Idempotency-Key, and refuses the key with another body', async () => {
    const services = await plusServices();
    const body = {
      priceTotalCentavos: 9_900,
      onlineTrialMonths: 0,
      illustrative: true,
      effectiveFrom: '2027-02-01T06:00:00Z',
      services,
    };
    const first = await publish(body, 'libra-one', 'pub-one-1');
    const again = await publish(body, 'libra-one', 'pub-one-1');
    expect(first.statusCode, first.body).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().published).toBe(first.json().published);
    const one = (await adminPlans()).find((p) => p.code === 'libra-one');
    expect(one?.versions).toHaveLength(2);
    const other = await publish({ ...body, priceTotalCentavos: 10_900 }, 'libra-one', 'pub-one-1');
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses what is not a version, with stable codes and the fields', async () => {
    const services = await plusServices();
    const base = { priceTotalCentavos: 23_900, onlineTrialMonths: 2, illustrative: false, services };

    const unknown = await publish({
      ...base,
      services: [...services, { service: 'pet-grooming', rules: services[0]?.rules }],
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({
      code: 'CATALOG_SERVICE_UNKNOWN',
      errors: [{ field: `body/services/${services.length}/service` }],
    });

    const repeated = await publish({ ...base, services: [...services, services[0]] });
    expect(repeated.statusCode).toBe(422);
    expect(repeated.json()).toMatchObject({
      code: 'CATALOG_SERVICE_REPEATED',
      errors: [{ field: `body/services/${services.length}/service` }],
    });

    const badRules = await publish({
      ...base,
      services: [{ service: 'tow-truck', rules: { ...services[0]?.rules, limit: { kind: 'infinite' } } }],
    });
    expect(badRules.statusCode).toBe(400);
    expect(badRules.json().code).toBe('VALIDATION_FAILED');

    const cheap = await publish({ ...base, priceTotalCentavos: 0 });
    expect(cheap.statusCode).toBe(400);
    expect(cheap.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'body/priceTotalCentavos' }],
    });

    const past = await publish({ ...base, effectiveFrom: '2020-01-01T00:00:00Z' });
    expect(past.statusCode).toBe(422);
    expect(past.json().code).toBe('CATALOG_VERSION_DATE_INVALID');

    const missing = await publish(base, 'libra-gold');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('PLAN_NOT_FOUND');

    const plus = (await adminPlans()).find((p) => p.code === 'libra-plus');
    expect(plus?.versions.map((v) => v.version)).toEqual([3, 2, 1]);
  });

  it('is for admins only', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/plans/libra-plus/versions',
      headers: agent.write,
      payload: { priceTotalCentavos: 100, onlineTrialMonths: 0, illustrative: true, services: [] },
    });
    expect(res.statusCode).toBe(403);
  });
});
