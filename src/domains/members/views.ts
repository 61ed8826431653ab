import { mexicoCityDate } from '../../lib/clock.ts';
import { type Coverage, coverageOf, membershipYearAt, type PersonKind } from './coverage.ts';
import type { Channel, MembershipState } from './lifecycle.ts';
import type { BeneficiaryRecord, MembershipWithPlan } from './repository.ts';

/** The titular is person `titular`; beneficiaries are their own ids. */
export const TITULAR_PERSON_ID = 'titular';

export interface PersonView {
  id: string;
  kind: PersonKind;
  fullName: string;
  birthDate: string | null;
  cardLast4: string | null;
  addedAt: string;
  removedAt: string | null;
  covered: boolean;
  coverage: { code: string; reason: { es: string; en: string }; coveredUntil: string | null };
}

export interface MembershipView {
  id: string;
  number: string;
  state: MembershipState;
  channel: Channel;
  plan: { code: string; name: string; version: number };
  titular: {
    fullName: string;
    email: string;
    phone: string;
    birthDate: string;
    rfc: string | null;
    curp: string | null;
    hasAccount: boolean;
  };
  card: { brand: string; type: string; last4: string; expMonth: number; expYear: number };
  contractedAt: string;
  trialEndsAt: string | null;
  membershipYear: { number: number; startsAt: string; endsAt: string; resetsOn: string };
  nextChargeOn: string | null;
  cancelledAt: string | null;
  people: PersonView[];
}

/** A membership as the API shows it at `now`: its year, next charge and who is covered. */
export function presentMembership(
  found: MembershipWithPlan,
  people: BeneficiaryRecord[],
  now: Date,
): MembershipView {
  const { membership: m, plan } = found;
  const year = membershipYearAt(m.contractedAt, now);
  const titularCoverage = coverageOf({ kind: 'titular', addedAt: m.contractedAt }, now);
  const view = (coverage: Coverage) => ({
    covered: coverage.covered,
    coverage: { code: coverage.code, reason: coverage.reason, coveredUntil: coverage.coveredUntil ?? null },
  });
  return {
    id: m.id,
    number: m.number,
    state: m.state as MembershipState,
    channel: m.channel as Channel,
    plan: { code: plan.code, name: plan.name, version: plan.version },
    titular: {
      fullName: m.titularName,
      email: m.titularEmail,
      phone: m.titularPhone,
      birthDate: m.titularBirthDate,
      rfc: m.titularRfc,
      curp: m.titularCurp,
      hasAccount: m.titularUserId !== null,
    },
    card: {
      brand: m.cardBrand,
      type: m.cardType,
      last4: m.cardLast4,
      expMonth: m.cardExpMonth,
      expYear: m.cardExpYear,
    },
    contractedAt: m.contractedAt.toISOString(),
    trialEndsAt: m.trialEndsAt?.toISOString() ?? null,
    membershipYear: {
      number: year.number,
      startsAt: year.startsAt.toISOString(),
      endsAt: year.endsAt.toISOString(),
      resetsOn: year.resetsOn,
    },
    nextChargeOn: found.nextChargeAt && m.state !== 'cancelled' ? mexicoCityDate(found.nextChargeAt) : null,
    cancelledAt: m.cancelledAt?.toISOString() ?? null,
    people: [
      {
        id: TITULAR_PERSON_ID,
        kind: 'titular',
        fullName: m.titularName,
        birthDate: m.titularBirthDate,
        cardLast4: m.cardLast4,
        addedAt: m.contractedAt.toISOString(),
        removedAt: null,
        ...view(titularCoverage),
      },
      ...people.map((b) => presentBeneficiary(b, now)),
    ],
  };
}

export function presentBeneficiary(b: BeneficiaryRecord, now: Date): PersonView {
  const coverage = coverageOf(
    { kind: b.kind as PersonKind, birthDate: b.birthDate, addedAt: b.addedAt, removedAt: b.removedAt },
    now,
  );
  return {
    id: b.id,
    kind: b.kind as PersonKind,
    fullName: b.fullName,
    birthDate: b.birthDate,
    cardLast4: b.cardLast4,
    addedAt: b.addedAt.toISOString(),
    removedAt: b.removedAt?.toISOString() ?? null,
    covered: coverage.covered,
    coverage: { code: coverage.code, reason: coverage.reason, coveredUntil: coverage.coveredUntil ?? null },
  };
}
