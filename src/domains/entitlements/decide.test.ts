import { describe, expect, it } from 'vitest';
import { mexicoCityTime } from '../../lib/clock.ts';
import { PLANS, SERVICES } from '../catalog/seed-data.ts';
import { type DecisionInput, decide, type PlanService, type UsageCount } from './decide.ts';

const names = new Map(SERVICES.map((s) => [s.code, { es: s.nameEs, en: s.nameEn }]));
function planServices(code: string): PlanService[] {
  const plan = PLANS.find((p) => p.code === code);
  const version = plan?.versions[0];
  if (!version) throw new Error(`no seed for ${code}`);
  return version.services.map((s) => ({
    code: s.service,
    name: names.get(s.service) ?? { es: s.service, en: s.service },
    rules: s.rules,
  }));
}
const PLUS = { code: 'libra-plus', name: 'Libra Plus', services: planServices('libra-plus') };
const ONE = { code: 'libra-one', name: 'Libra One', services: planServices('libra-one') };

const CONTRACTED = mexicoCityTime('2026-03-15T14:05');
const NOW = mexicoCityTime('2026-11-25T14:05');
const TITULAR = { kind: 'titular' as const, fullName: 'María Fernanda López Ruiz', addedAt: CONTRACTED };

function input(overrides: Partial<DecisionInput> & { serviceCode: string }): DecisionInput {
  return {
    at: NOW,
    membership: { state: 'active', contractedAt: CONTRACTED },
    plan: PLUS,
    person: TITULAR,
    request: {},
    usage: [],
    ...overrides,
  };
}

const codes = (d: ReturnType<typeof decide>) => d.reasons.filter((r) => !r.ok).map((r) => r.code);
const uses = (serviceCode: string, n: number, key: string | null = null): UsageCount => ({
  serviceCode,
  key,
  uses: n,
});

/** The limit of each service, as a count or unlimited, per plan (from the SPEC and the seeded One). */
function limitOf(plan: typeof PLUS, code: string): number | 'unlimited' {
  const rules = plan.services.find((s) => s.code === code)?.rules;
  if (!rules) throw new Error(code);
  return rules.limit.kind === 'unlimited' ? 'unlimited' : rules.limit.count;
}

describe('every service of every seeded plan', () => {
  for (const plan of [PLUS, ONE]) {
    for (const service of plan.services) {
      const limit = limitOf(plan, service.code);
      const request = {
        specialty: 'cardiología',
        estimatedCostCentavos: 50_000,
        country: 'MX',
      };

      it(`${plan.code} · ${service.code}: allowed with nothing used`, () => {
        const d = decide(input({ plan, serviceCode: service.code, request }));
        expect(codes(d)).toEqual([]);
        expect(d.allowed).toBe(true);
      });

      if (limit === 'unlimited') {
        it(`${plan.code} · ${service.code}: still allowed after 100 uses (unlimited)`, () => {
          const d = decide(
            input({ plan, serviceCode: service.code, request, usage: [uses(service.code, 100)] }),
          );
          expect(d.allowed).toBe(true);
          expect(d.usage?.limit).toEqual({ kind: 'unlimited', used: 100 });
        });
      } else {
        it(`${plan.code} · ${service.code}: refused at its limit of ${limit}`, () => {
          const usage =
            service.rules.limit.kind === 'per_year_per_key'
              ? Array.from({ length: limit }, (_, i) => uses(service.code, 1, `especialidad-${i}`))
              : [uses(service.code, limit)];
          const d = decide(input({ plan, serviceCode: service.code, request, usage }));
          expect(codes(d)).toEqual(['ENTITLEMENT_EXHAUSTED']);
          expect(d.usage?.limit).toMatchObject({ kind: 'count', limit, used: limit, remaining: 0 });
          expect(d.reasons.find((r) => !r.ok)?.es).toContain('se renueva el 15 de marzo de 2027');
        });
        it(`${plan.code} · ${service.code}: allowed one short of the limit, with what is left`, () => {
          const usage =
            service.rules.limit.kind === 'per_year_per_key'
              ? Array.from({ length: limit - 1 }, (_, i) => uses(service.code, 1, `especialidad-${i}`))
              : limit > 1
                ? [uses(service.code, limit - 1)]
                : [];
          const d = decide(input({ plan, serviceCode: service.code, request, usage }));
          expect(d.allowed).toBe(true);
          expect(d.usage?.limit).toMatchObject({ remaining: limit - usage.reduce((n, u) => n + u.uses, 0) });
        });
      }

      it(`${plan.code} · ${service.code}: refused while past_due, suspended or cancelled`, () => {
        for (const state of ['past_due', 'suspended', 'cancelled'] as const) {
          const d = decide(
            input({
              plan,
              serviceCode: service.code,
              request,
              membership: { state, contractedAt: CONTRACTED },
            }),
          );
          expect(codes(d)).toEqual(['MEMBERSHIP_NOT_CURRENT']);
        }
      });
    }
  }

  it('legal advice is only in Libra Plus', () => {
    expect(decide(input({ serviceCode: 'legal-advice' })).allowed).toBe(true);
    const d = decide(input({ plan: ONE, serviceCode: 'legal-advice' }));
    expect(codes(d)).toEqual(['SERVICE_NOT_IN_PLAN']);
    expect(d.reasons.at(-1)?.es).toBe('Ese servicio no está incluido en Libra One.');
  });
});

describe('specialist consultations: 4 a year, at most 1 per specialty', () => {
  const used = [
    uses('specialist-consultation', 1, 'cardiologia'),
    uses('specialist-consultation', 1, 'dermatologia'),
  ];

  it('explains what is used and what is left', () => {
    const d = decide(
      input({ serviceCode: 'specialist-consultation', request: { specialty: 'Pediatría' }, usage: used }),
    );
    expect(d.allowed).toBe(true);
    expect(d.reasons.find((r) => r.code === 'WITHIN_LIMIT')?.es).toBe(
      '2 de 4 usos de consulta en hospitales de prestigio con médicos especialistas este año de membresía; ya usadas: cardiologia, dermatologia; quedan 2.',
    );
    expect(d.usage?.limit).toMatchObject({
      limit: 4,
      used: 2,
      remaining: 2,
      perKey: { used: { cardiologia: 1 } },
    });
  });

  it('refuses a second use of the same specialty, however it is written', () => {
    const d = decide(
      input({ serviceCode: 'specialist-consultation', request: { specialty: 'Cardiología' }, usage: used }),
    );
    expect(codes(d)).toEqual(['SPECIALTY_ALREADY_USED']);
    expect(d.reasons.find((r) => !r.ok)?.es).toContain('cardiologia ya se usó este año');
  });

  it('needs the specialty to decide', () => {
    expect(codes(decide(input({ serviceCode: 'specialist-consultation' })))).toEqual(['SPECIALTY_REQUIRED']);
  });

  it('a beneficiary’s own answer counts the uses without naming the specialties others used', () => {
    const hidden = (specialty?: string) =>
      decide(
        input({
          serviceCode: 'specialist-consultation',
          request: specialty ? { specialty } : {},
          usage: used,
          usedKeys: 'hidden',
        }),
      );
    const open = hidden('Pediatría');
    expect(open.allowed).toBe(true);
    expect(open.reasons.find((r) => r.code === 'WITHIN_LIMIT')?.es).toBe(
      '2 de 4 usos de consulta en hospitales de prestigio con médicos especialistas este año de membresía; quedan 2.',
    );
    expect(open.usage?.limit).toMatchObject({ used: 2, remaining: 2, perKey: { limit: 1, used: {} } });
    expect(JSON.stringify(hidden())).not.toContain('cardiologia');
    // The specialty asked about is still refused when used: the count is kept, only the names go.
    expect(codes(hidden('Cardiología'))).toEqual(['SPECIALTY_ALREADY_USED']);
  });
});

describe('tow truck: covered up to $1,000.00, the excess is the customer’s', () => {
  it('a tow quoted at $1,400.00 → covered $1,000.00, excess $400.00, to accept before dispatch', () => {
    const d = decide(input({ serviceCode: 'tow-truck', request: { estimatedCostCentavos: 140_000 } }));
    expect(d.allowed).toBe(true);
    expect(d.cost).toEqual({
      kind: 'capped',
      capCentavos: 100_000,
      estimatedCentavos: 140_000,
      coveredCentavos: 100_000,
      excessCentavos: 40_000,
      excessMustBeAccepted: true,
    });
    expect(d.reasons.find((r) => r.code === 'EXCESS_TO_CUSTOMER')?.es).toBe(
      'El costo estimado es $1,400.00: cubrimos $1,000.00 y el excedente de $400.00 lo pagas tú; debes aceptarlo antes del envío.',
    );
  });

  it('a quote within the cap has no excess', () => {
    const d = decide(input({ serviceCode: 'tow-truck', request: { estimatedCostCentavos: 80_000 } }));
    expect(d.cost).toMatchObject({ coveredCentavos: 80_000, excessCentavos: 0, excessMustBeAccepted: false });
  });

  it('without a quote says the cap and that any excess will be shown first', () => {
    const d = decide(input({ serviceCode: 'tow-truck' }));
    expect(d.cost).toMatchObject({ kind: 'capped', estimatedCentavos: null });
    expect(d.reasons.find((r) => r.code === 'COST_ESTIMATE_REQUIRED')?.es).toContain('$1,000.00');
  });
});

describe('territory', () => {
  it('an ambulance only inside Mexico', () => {
    expect(decide(input({ serviceCode: 'land-ambulance', request: { country: 'MX' } })).allowed).toBe(true);
    const abroad = decide(input({ serviceCode: 'land-ambulance', request: { country: 'US' } }));
    expect(codes(abroad)).toEqual(['OUTSIDE_TERRITORY']);
    expect(abroad.reasons.find((r) => !r.ok)?.es).toBe(
      'Ambulancia terrestre en México solo se presta dentro de México.',
    );
  });
});

describe('people', () => {
  it('a child is refused on the 21st birthday (Mexico City), allowed the day before', () => {
    const child = {
      kind: 'child' as const,
      fullName: 'Sofía Ramírez López',
      birthDate: '2005-11-26',
      addedAt: CONTRACTED,
    };
    const eve = decide(
      input({ serviceCode: 'online-doctor', person: child, at: mexicoCityTime('2026-11-25T23:59') }),
    );
    expect(eve.allowed).toBe(true);
    const birthday = decide(
      input({ serviceCode: 'online-doctor', person: child, at: mexicoCityTime('2026-11-26T00:00') }),
    );
    expect(codes(birthday)).toEqual(['BENEFICIARY_NOT_ELIGIBLE']);
    expect(birthday.reasons.find((r) => !r.ok)?.es).toContain('Sofía Ramírez López');
  });

  it('someone not on the membership is refused: not transferable', () => {
    const d = decide(input({ serviceCode: 'online-doctor', person: null }));
    expect(codes(d)).toEqual(['BENEFICIARY_NOT_ELIGIBLE']);
    expect(d.reasons.find((r) => !r.ok)?.es).toContain('no es transferible');
  });

  it('gives every failing reason at once', () => {
    const d = decide(
      input({
        plan: ONE,
        serviceCode: 'legal-advice',
        person: null,
        membership: { state: 'suspended', contractedAt: CONTRACTED },
      }),
    );
    expect(codes(d)).toEqual(['MEMBERSHIP_NOT_CURRENT', 'BENEFICIARY_NOT_ELIGIBLE', 'SERVICE_NOT_IN_PLAN']);
  });
});

describe('the membership year', () => {
  it('resets on the anniversary, not on 1 January (the caller counts uses per year)', () => {
    const onJan1 = decide(input({ serviceCode: 'home-nurse', at: mexicoCityTime('2027-01-01T10:00') }));
    expect(onJan1.membershipYear).toMatchObject({ number: 1, resetsOn: '2027-03-15' });
    const onAnniversary = decide(
      input({ serviceCode: 'home-nurse', at: mexicoCityTime('2027-03-15T00:00') }),
    );
    expect(onAnniversary.membershipYear).toMatchObject({ number: 2, resetsOn: '2028-03-15' });
  });
});
