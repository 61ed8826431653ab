import { formatMoney } from '../../lib/money.ts';
import type { ServiceRules } from '../../lib/service-rules.ts';
import { formatLongDate, lastCoveredInstant } from '../../lib/words.ts';
import {
  type CoveredPerson,
  coverageOf,
  type MembershipYear,
  membershipYearAt,
} from '../members/coverage.ts';

/**
 * "May this person use this service now?" — a pure function of plain data. The 24/7 line asks it
 * on every call, so it does no I/O: the caller loads the membership, the plan version's rules, the
 * person and the uses so far this membership year, and gets back the decision with every reason
 * in words a customer understands, and what is left.
 */

export type MembershipState = 'trial' | 'active' | 'past_due' | 'suspended' | 'cancelled';

export interface PlanService {
  code: string;
  name: { es: string; en: string };
  rules: ServiceRules;
}

export interface EntitlementRequest {
  /** For limits per key (specialist consultations): the specialty, e.g. `cardiologia`. */
  specialty?: string | undefined;
  /** For capped services: the provider's quote or the estimated cost, in centavos. */
  estimatedCostCentavos?: number | undefined;
  /** ISO 3166-1 alpha-2 country where the service is needed; Mexico when not said. */
  country?: string | undefined;
}

/** Uses that count this membership year (reserved or confirmed), by service and key. */
export interface UsageCount {
  serviceCode: string;
  key: string | null;
  uses: number;
}

export interface DecisionInput {
  at: Date;
  /** `coverageEndsAt`: a cancelled membership keeps its services until then (the period paid). */
  membership: { state: MembershipState; contractedAt: Date; coverageEndsAt?: Date | null };
  plan: { code: string; name: string; services: PlanService[] };
  /** null: the person is not on this membership at all. */
  person: (CoveredPerson & { fullName: string }) | null;
  serviceCode: string;
  request: EntitlementRequest;
  usage: UsageCount[];
  /**
   * Whether the answer names which keys (specialties) were already used. A beneficiary's own
   * account is told counts only: which specialties the family used is other people's health data.
   * `named` when absent.
   */
  usedKeys?: 'named' | 'hidden';
}

export type ReasonCode =
  | 'MEMBERSHIP_CURRENT'
  | 'MEMBERSHIP_NOT_CURRENT'
  | 'PERSON_COVERED'
  | 'BENEFICIARY_NOT_ELIGIBLE'
  | 'SERVICE_IN_PLAN'
  | 'SERVICE_NOT_IN_PLAN'
  | 'WITHIN_LIMIT'
  | 'ENTITLEMENT_EXHAUSTED'
  | 'SPECIALTY_REQUIRED'
  | 'SPECIALTY_ALREADY_USED'
  | 'TERRITORY_COVERED'
  | 'OUTSIDE_TERRITORY'
  | 'NO_COST'
  | 'WITHIN_CAP'
  | 'EXCESS_TO_CUSTOMER'
  | 'COST_ESTIMATE_REQUIRED'
  | 'UP_TO_CARD_ATM_MAXIMUM';

export interface Reason {
  code: ReasonCode;
  /** false for the reasons that refuse the request. */
  ok: boolean;
  es: string;
  en: string;
}

export type LimitStatus =
  | { kind: 'unlimited'; used: number }
  | {
      kind: 'count';
      limit: number;
      used: number;
      remaining: number;
      /** For per-key limits: the key, the cap per key, and the uses of each key so far. */
      perKey?: { key: string; limit: number; used: Record<string, number> };
    };

export interface ServiceUsage {
  serviceCode: string;
  name: { es: string; en: string };
  limit: LimitStatus;
  resetsOn: string;
}

export type CostCover =
  | { kind: 'no_cost' }
  | {
      kind: 'capped';
      capCentavos: number;
      estimatedCentavos: number | null;
      coveredCentavos: number | null;
      excessCentavos: number | null;
      /** The customer must accept the excess before dispatch. */
      excessMustBeAccepted: boolean;
    }
  | { kind: 'card_daily_atm_maximum' };

export interface Decision {
  allowed: boolean;
  reasons: Reason[];
  /** The requested service's limit this membership year (absent when it is not in the plan). */
  usage: ServiceUsage | null;
  cost: CostCover | null;
  membershipYear: { number: number; startsAt: string; endsAt: string; resetsOn: string };
}

const CURRENT_STATES: readonly MembershipState[] = ['trial', 'active'];

const STATE_WORDS: Record<MembershipState, { es: string; en: string }> = {
  trial: { es: 'en sus meses sin costo', en: 'in its free months' },
  active: { es: 'activa y al corriente', en: 'active and paid up' },
  past_due: { es: 'con un pago pendiente', en: 'with a payment outstanding' },
  suspended: { es: 'suspendida por falta de pago', en: 'suspended for non-payment' },
  cancelled: { es: 'cancelada', en: 'cancelled' },
};

const COUNTRY: Record<string, { es: string; en: string }> = { MX: { es: 'México', en: 'Mexico' } };

/** Normalised key for per-key limits: `Cardiología` and `cardiologia` are one specialty. */
export function usageKey(value: string): string {
  return value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim().replace(/\s+/g, '-');
}

function usesOf(usage: UsageCount[], serviceCode: string): { total: number; byKey: Record<string, number> } {
  let total = 0;
  const byKey: Record<string, number> = {};
  for (const u of usage) {
    if (u.serviceCode !== serviceCode) continue;
    total += u.uses;
    if (u.key !== null) byKey[u.key] = (byKey[u.key] ?? 0) + u.uses;
  }
  return { total, byKey };
}

/**
 * Used, limit and remaining for one service this membership year. With `usedKeys: 'hidden'` a
 * per-key limit keeps its count and its cap per key but not which keys were used.
 */
export function serviceUsage(
  service: PlanService,
  usage: UsageCount[],
  year: MembershipYear,
  usedKeys: 'named' | 'hidden' = 'named',
): ServiceUsage {
  const { total, byKey: named } = usesOf(usage, service.code);
  const byKey = usedKeys === 'named' ? named : {};
  const limit = service.rules.limit;
  let status: LimitStatus;
  if (limit.kind === 'unlimited') status = { kind: 'unlimited', used: total };
  else if (limit.kind === 'per_year') {
    status = { kind: 'count', limit: limit.count, used: total, remaining: Math.max(0, limit.count - total) };
  } else {
    status = {
      kind: 'count',
      limit: limit.count,
      used: total,
      remaining: Math.max(0, limit.count - total),
      perKey: { key: limit.key, limit: limit.perKey, used: byKey },
    };
  }
  return { serviceCode: service.code, name: service.name, limit: status, resetsOn: year.resetsOn };
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

export function decide(input: DecisionInput): Decision {
  const reasons: Reason[] = [];
  const year = membershipYearAt(input.membership.contractedAt, input.at);
  const yearView = {
    number: year.number,
    startsAt: year.startsAt.toISOString(),
    endsAt: year.endsAt.toISOString(),
    resetsOn: year.resetsOn,
  };

  // 1. Payment current: trial or active.
  const state = input.membership.state;
  const stateWords = STATE_WORDS[state];
  const coverageEndsAt = input.membership.coverageEndsAt;
  if (state === 'cancelled' && coverageEndsAt && input.at.getTime() < coverageEndsAt.getTime()) {
    const until = formatLongDate(lastCoveredInstant(coverageEndsAt), 'es');
    reasons.push({
      code: 'MEMBERSHIP_CURRENT',
      ok: true,
      es: `La membresía está cancelada; su cobertura sigue hasta el ${until} (periodo ya pagado).`,
      en: `The membership is cancelled; it stays covered through ${formatLongDate(lastCoveredInstant(coverageEndsAt), 'en')} (the period already paid).`,
    });
  } else if (CURRENT_STATES.includes(state)) {
    reasons.push({
      code: 'MEMBERSHIP_CURRENT',
      ok: true,
      es: `La membresía está ${stateWords.es}.`,
      en: `The membership is ${stateWords.en}.`,
    });
  } else {
    reasons.push({
      code: 'MEMBERSHIP_NOT_CURRENT',
      ok: false,
      es: `La membresía está ${stateWords.es}; para usar los servicios debe estar al corriente en su pago.`,
      en: `The membership is ${stateWords.en}; services need it to be paid up.`,
    });
  }

  // 2. Person covered.
  if (!input.person) {
    reasons.push({
      code: 'BENEFICIARY_NOT_ELIGIBLE',
      ok: false,
      es: 'Esa persona no está registrada en la membresía; el servicio no es transferible.',
      en: 'That person is not on the membership; the service is not transferable.',
    });
  } else {
    const coverage = coverageOf(input.person, input.at);
    reasons.push({
      code: coverage.covered ? 'PERSON_COVERED' : 'BENEFICIARY_NOT_ELIGIBLE',
      ok: coverage.covered,
      es: `${input.person.fullName}: ${coverage.reason.es}`,
      en: `${input.person.fullName}: ${coverage.reason.en}`,
    });
  }

  // 3. Service in the plan.
  const service = input.plan.services.find((s) => s.code === input.serviceCode);
  if (!service) {
    reasons.push({
      code: 'SERVICE_NOT_IN_PLAN',
      ok: false,
      es: `Ese servicio no está incluido en ${input.plan.name}.`,
      en: `That service is not included in ${input.plan.name}.`,
    });
    return { allowed: false, reasons, usage: null, cost: null, membershipYear: yearView };
  }
  reasons.push({
    code: 'SERVICE_IN_PLAN',
    ok: true,
    es: `${service.name.es} está incluido en ${input.plan.name}.`,
    en: `${service.name.en} is included in ${input.plan.name}.`,
  });

  // 4. Limits this membership year.
  const usage = serviceUsage(service, input.usage, year, input.usedKeys);
  const rules = service.rules;
  const nameEs = service.name.es.toLowerCase();
  if (rules.limit.kind === 'unlimited') {
    reasons.push({
      code: 'WITHIN_LIMIT',
      ok: true,
      es: `Uso ilimitado; ${usage.limit.used} ${plural(usage.limit.used, 'uso', 'usos')} este año de membresía.`,
      en: `Unlimited; ${usage.limit.used} used this membership year.`,
    });
  } else if (usage.limit.kind === 'count') {
    const { used, limit, remaining } = usage.limit;
    const counted = `${used} de ${limit} ${plural(limit, 'uso', 'usos')} de ${nameEs} este año de membresía`;
    const countedEn = `${used} of ${limit} ${service.name.en.toLowerCase()} used this membership year`;
    if (remaining <= 0) {
      reasons.push({
        code: 'ENTITLEMENT_EXHAUSTED',
        ok: false,
        es: `Ya se usaron ${counted}; se renueva el ${formatLongDate(year.resetsOn, 'es')}.`,
        en: `${countedEn}: none left; renews on ${formatLongDate(year.resetsOn, 'en')}.`,
      });
    } else if (rules.limit.kind === 'per_year_per_key') {
      const keyValue = input.request.specialty ? usageKey(input.request.specialty) : null;
      const usedKeys = Object.entries(usage.limit.perKey?.used ?? {})
        .filter(([, n]) => n > 0)
        .map(([k]) => k);
      const already = usedKeys.length > 0 ? `; ya usadas: ${usedKeys.join(', ')}` : '';
      const alreadyEn = usedKeys.length > 0 ? `; already used: ${usedKeys.join(', ')}` : '';
      if (!keyValue) {
        reasons.push({
          code: 'SPECIALTY_REQUIRED',
          ok: false,
          es: `Indica la especialidad: hay ${rules.limit.perKey} por especialidad (${counted}${already}).`,
          en: `Say which specialty: ${rules.limit.perKey} per specialty (${countedEn}${alreadyEn}).`,
        });
      } else if ((usesOf(input.usage, service.code).byKey[keyValue] ?? 0) >= rules.limit.perKey) {
        // Counted from every use, whether or not the answer may name the keys used.
        reasons.push({
          code: 'SPECIALTY_ALREADY_USED',
          ok: false,
          es: `${counted}; ${keyValue} ya se usó este año (${rules.limit.perKey} por especialidad). Se renueva el ${formatLongDate(year.resetsOn, 'es')}.`,
          en: `${countedEn}; ${keyValue} already used this year (${rules.limit.perKey} per specialty). Renews on ${formatLongDate(year.resetsOn, 'en')}.`,
        });
      } else {
        reasons.push({
          code: 'WITHIN_LIMIT',
          ok: true,
          es: `${counted}${already}; ${plural(remaining, 'queda', 'quedan')} ${remaining}.`,
          en: `${countedEn}${alreadyEn}; ${remaining} left.`,
        });
      }
    } else {
      reasons.push({
        code: 'WITHIN_LIMIT',
        ok: true,
        es: `${counted}; ${plural(remaining, 'queda', 'quedan')} ${remaining}.`,
        en: `${countedEn}; ${remaining} left.`,
      });
    }
  }

  // 5. Territory.
  const country = (input.request.country ?? 'MX').toUpperCase();
  if (rules.territory.kind === 'countries') {
    const names = rules.territory.countries.map((c) => COUNTRY[c] ?? { es: c, en: c });
    if (rules.territory.countries.includes(country)) {
      reasons.push({
        code: 'TERRITORY_COVERED',
        ok: true,
        es: `Se presta en ${names.map((n) => n.es).join(', ')}.`,
        en: `Given in ${names.map((n) => n.en).join(', ')}.`,
      });
    } else {
      reasons.push({
        code: 'OUTSIDE_TERRITORY',
        ok: false,
        es: `${service.name.es} solo se presta dentro de ${names.map((n) => n.es).join(', ')}.`,
        en: `${service.name.en} is only given inside ${names.map((n) => n.en).join(', ')}.`,
      });
    }
  }

  // 6. Cost per event.
  let cost: CostCover;
  const perEvent = rules.perEvent;
  if (perEvent.kind === 'no_cost') {
    cost = { kind: 'no_cost' };
    reasons.push({ code: 'NO_COST', ok: true, es: 'Sin costo para ti.', en: 'No cost to you.' });
  } else if (perEvent.kind === 'card_daily_atm_maximum') {
    cost = { kind: 'card_daily_atm_maximum' };
    reasons.push({
      code: 'UP_TO_CARD_ATM_MAXIMUM',
      ok: true,
      es: 'Se cubre hasta el máximo de disposición en cajero de tu tarjeta en 24 horas.',
      en: "Covered up to your card's maximum ATM withdrawal in 24 hours.",
    });
  } else {
    const cap = perEvent.capCentavos;
    const estimate = input.request.estimatedCostCentavos ?? null;
    if (estimate === null) {
      cost = {
        kind: 'capped',
        capCentavos: cap,
        estimatedCentavos: null,
        coveredCentavos: null,
        excessCentavos: null,
        excessMustBeAccepted: perEvent.excessAcceptedBeforeDispatch,
      };
      reasons.push({
        code: 'COST_ESTIMATE_REQUIRED',
        ok: true,
        es: `Cubierto hasta ${formatMoney(cap)} por evento; el excedente lo pagas tú y se te informa antes del envío.`,
        en: `Covered up to ${formatMoney(cap)} per event; any excess is yours and is shown to you before dispatch.`,
      });
    } else {
      const covered = Math.min(estimate, cap);
      const excess = estimate - covered;
      cost = {
        kind: 'capped',
        capCentavos: cap,
        estimatedCentavos: estimate,
        coveredCentavos: covered,
        excessCentavos: excess,
        excessMustBeAccepted: excess > 0 && perEvent.excessAcceptedBeforeDispatch,
      };
      reasons.push(
        excess > 0
          ? {
              code: 'EXCESS_TO_CUSTOMER',
              ok: true,
              es: `El costo estimado es ${formatMoney(estimate)}: cubrimos ${formatMoney(covered)} y el excedente de ${formatMoney(excess)} lo pagas tú${perEvent.excessAcceptedBeforeDispatch ? '; debes aceptarlo antes del envío' : ''}.`,
              en: `The estimated cost is ${formatMoney(estimate)}: we cover ${formatMoney(covered)} and the excess of ${formatMoney(excess)} is yours${perEvent.excessAcceptedBeforeDispatch ? '; accept it before dispatch' : ''}.`,
            }
          : {
              code: 'WITHIN_CAP',
              ok: true,
              es: `El costo estimado (${formatMoney(estimate)}) está dentro de lo cubierto (${formatMoney(cap)}).`,
              en: `The estimated cost (${formatMoney(estimate)}) is within the cover (${formatMoney(cap)}).`,
            },
      );
    }
  }

  return { allowed: reasons.every((r) => r.ok), reasons, usage, cost, membershipYear: yearView };
}
