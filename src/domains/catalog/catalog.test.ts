import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.ts';
import type { ManualClock } from '../../lib/clock.ts';
import { PLANS, SERVICES } from './seed-data.ts';

/**
 * The SPEC's table for Libra Plus, written out here by hand (not imported from the seed), so that
 * a change to the seed that departs from the SPEC fails this test.
 */
const SPEC_LIBRA_PLUS: Record<string, { category: string; rules: unknown; illustrative: boolean }> = {
  'online-doctor': {
    category: 'medical',
    rules: { limit: { kind: 'unlimited' }, perEvent: { kind: 'no_cost' }, territory: { kind: 'anywhere' } },
    illustrative: false,
  },
  'home-nurse': {
    category: 'medical',
    rules: {
      limit: { kind: 'per_year', count: 1 },
      perEvent: { kind: 'no_cost' },
      territory: { kind: 'anywhere' },
    },
    illustrative: false,
  },
  'medical-equipment-rental': {
    category: 'medical',
    rules: {
      limit: { kind: 'per_year', count: 1 },
      perEvent: { kind: 'no_cost' },
      territory: { kind: 'anywhere' },
    },
    illustrative: false,
  },
  'land-ambulance': {
    category: 'medical',
    rules: {
      limit: { kind: 'unlimited' },
      perEvent: { kind: 'no_cost' },
      territory: { kind: 'countries', countries: ['MX'] },
    },
    illustrative: false,
  },
  'specialist-consultation': {
    category: 'medical',
    rules: {
      limit: { kind: 'per_year_per_key', count: 4, perKey: 1, key: 'specialty' },
      perEvent: { kind: 'no_cost' },
      territory: { kind: 'anywhere' },
    },
    illustrative: false,
  },
  'tow-truck': {
    category: 'roadside',
    rules: {
      limit: { kind: 'unlimited' },
      perEvent: {
        kind: 'amount_cap',
        capCentavos: 100_000,
        excessPaidBy: 'customer',
        excessAcceptedBeforeDispatch: true,
      },
      territory: { kind: 'anywhere' },
    },
    illustrative: false,
  },
  'atm-robbery-protection': {
    category: 'financial',
    rules: {
      limit: { kind: 'per_year', count: 1 },
      perEvent: { kind: 'card_daily_atm_maximum' },
      territory: { kind: 'anywhere' },
    },
    illustrative: false,
  },
  'legal-advice': {
    category: 'legal',
    rules: { limit: { kind: 'unlimited' }, perEvent: { kind: 'no_cost' }, territory: { kind: 'anywhere' } },
    illustrative: false,
  },
};
const ILLUSTRATIVE_RULES = {
  limit: { kind: 'per_year', count: 2 },
  perEvent: {
    kind: 'amount_cap',
    capCentavos: 150_000,
    excessPaidBy: 'customer',
    excessAcceptedBeforeDispatch: false,
  },
  territory: { kind: 'anywhere' },
};
for (const code of ['home-plumbing', 'home-locksmith', 'home-electrician', 'home-glazier']) {
  SPEC_LIBRA_PLUS[code] = { category: 'home', rules: ILLUSTRATIVE_RULES, illustrative: true };
}
SPEC_LIBRA_PLUS['medical-discounts'] = { category: 'medical', rules: ILLUSTRATIVE_RULES, illustrative: true };

interface ServiceJson {
  code: string;
  category: string;
  rules: unknown;
  illustrative: boolean;
  name: { es: string; en: string };
  summary: { es: string; en: string };
}

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

describe('GET /v1/plans/libra-plus', () => {
  it('is priced as the SPEC says: $218.00 with IVA, 187.93 + 30.07, two free months online', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/plans/libra-plus' });
    expect(res.statusCode).toBe(200);
    const plan = res.json();
    expect(plan).toMatchObject({
      code: 'libra-plus',
      name: 'Libra Plus',
      version: 1,
      illustrative: false,
      onlineTrialMonths: 2,
      price: {
        currency: 'MXN',
        totalCentavos: 21_800,
        baseCentavos: 18_793,
        ivaCentavos: 3_007,
        ivaIncluded: true,
        period: 'month',
      },
    });
  });

  it('serves the SPEC table, service by service', async () => {
    const plan = (await t.app.inject({ method: 'GET', url: '/v1/plans/libra-plus' })).json();
    const served = new Map<string, ServiceJson>(plan.services.map((s: ServiceJson) => [s.code, s]));
    expect([...served.keys()].sort()).toEqual(Object.keys(SPEC_LIBRA_PLUS).sort());
    for (const [code, expected] of Object.entries(SPEC_LIBRA_PLUS)) {
      const service = served.get(code);
      expect(service, code).toBeDefined();
      expect({
        code,
        category: service?.category,
        rules: service?.rules,
        illustrative: service?.illustrative,
      }).toEqual({ code, ...expected });
      expect(service?.name.es.length, `${code} has a Spanish name`).toBeGreaterThan(0);
      expect(service?.name.en.length, `${code} has an English name`).toBeGreaterThan(0);
    }
  });

  it('says the rules in the page’s words', async () => {
    const plan = (await t.app.inject({ method: 'GET', url: '/v1/plans/libra-plus' })).json();
    const summary = (code: string) => plan.services.find((s: ServiceJson) => s.code === code).summary.es;
    expect(summary('specialist-consultation')).toBe('4 al año, 1 por especialidad · Sin costo');
    expect(summary('tow-truck')).toBe('Ilimitado · Hasta $1,000.00 MXN por evento; el excedente lo pagas tú');
    expect(summary('land-ambulance')).toBe('Ilimitado · Sin costo · Solo en México');
    expect(summary('home-nurse')).toBe('1 evento al año · Sin costo');
  });

  it('says how each service is given, so the portal asks what that needs', async () => {
    const plan = (await t.app.inject({ method: 'GET', url: '/v1/plans/libra-plus' })).json();
    const how = Object.fromEntries(
      plan.services.map((s: ServiceJson & { fulfilment: string }) => [s.code, s.fulfilment]),
    );
    expect(how).toMatchObject({
      'tow-truck': 'dispatch',
      'land-ambulance': 'dispatch',
      'specialist-consultation': 'appointment',
      'online-doctor': 'remote',
      'legal-advice': 'remote',
      'atm-robbery-protection': 'reimbursement',
    });
  });
});

describe('GET /v1/plans', () => {
  it('lists Libra One, flagged illustrative, with everything but legal advice', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/plans' });
    expect(res.statusCode).toBe(200);
    const plans = res.json().data as { code: string; illustrative: boolean; services: ServiceJson[] }[];
    expect(plans.map((p) => p.code)).toEqual(['libra-plus', 'libra-one']); // flagship first
    const one = plans.find((p) => p.code === 'libra-one');
    expect(one?.illustrative).toBe(true);
    const oneCodes = one?.services.map((s) => s.code).sort();
    const plusCodes = Object.keys(SPEC_LIBRA_PLUS)
      .filter((c) => c !== 'legal-advice')
      .sort();
    expect(oneCodes).toEqual(plusCodes);
    expect(one?.services.every((s) => s.illustrative)).toBe(true);
  });

  it('answers an unknown plan with 404 PLAN_NOT_FOUND', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/plans/libra-gold' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      code: 'PLAN_NOT_FOUND',
      status: 404,
      type: '/problems/plan-not-found',
    });
  });

  it('refuses a malformed plan code with the offending field', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/plans/Libra%20Plus!' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'params/code' }] });
  });
});

describe('catalog versions', () => {
  it('seeding again adds nothing and changes nothing', async () => {
    const before = (await t.app.inject({ method: 'GET', url: '/v1/plans' })).json();
    const report = await t.services.catalog.seed(SERVICES, PLANS);
    expect(report.versionsAdded).toBe(0);
    const after = (await t.app.inject({ method: 'GET', url: '/v1/plans' })).json();
    expect(after).toEqual(before);
  });

  it('takes a new version and a new service as data, in effect only from its date', async () => {
    const clock = t.clock as ManualClock;
    const plus = PLANS.find((p) => p.code === 'libra-plus');
    if (!plus?.versions[0]) throw new Error('seed has no libra-plus v1');
    const v2 = {
      ...plus.versions[0],
      version: 2,
      priceTotalCentavos: 23_900,
      effectiveFrom: '2027-01-01T00:00',
      services: [
        ...plus.versions[0].services,
        {
          service: 'pet-vet-consultation',
          rules: {
            limit: { kind: 'per_year' as const, count: 2 },
            perEvent: { kind: 'no_cost' as const },
            territory: { kind: 'anywhere' as const },
          },
        },
      ],
    };
    const pet = {
      code: 'pet-vet-consultation',
      category: 'home' as const,
      fulfilment: 'appointment' as const,
      nameEs: 'Consulta veterinaria',
      nameEn: 'Vet consultation',
      descriptionEs: '',
      descriptionEn: '',
    };
    await t.services.catalog.seed([pet], [{ ...plus, versions: [v2] }]);

    const today = (await t.app.inject({ method: 'GET', url: '/v1/plans/libra-plus' })).json();
    expect(today.version).toBe(1);
    expect(today.price.totalCentavos).toBe(21_800);

    clock.set('2027-01-01T06:00:00Z'); // midnight in Mexico City
    const later = (await t.app.inject({ method: 'GET', url: '/v1/plans/libra-plus' })).json();
    expect(later.version).toBe(2);
    expect(later.price).toMatchObject({ totalCentavos: 23_900, baseCentavos: 20_603, ivaCentavos: 3_297 });
    expect(later.services.map((s: ServiceJson) => s.code)).toContain('pet-vet-consultation');
    clock.set('2026-11-25T20:05:00Z');
  });

  it('refuses rules that are not one of the known kinds', async () => {
    const bad = {
      code: 'libra-bad',
      name: 'Bad',
      versions: [
        {
          version: 1,
          priceTotalCentavos: 100,
          onlineTrialMonths: 0,
          illustrative: true,
          effectiveFrom: '2024-01-01T00:00',
          summaryEs: '',
          summaryEn: '',
          services: [
            // biome-ignore lint/suspicious/noExplicitAny: deliberately malformed rules
            { service: 'online-doctor', rules: { limit: { kind: 'infinite' } } as any },
          ],
        },
      ],
    };
    await expect(t.services.catalog.seed([], [bad])).rejects.toThrow(/Invalid rules/);
    expect((await t.app.inject({ method: 'GET', url: '/v1/plans/libra-bad' })).statusCode).toBe(404);
  });
});
