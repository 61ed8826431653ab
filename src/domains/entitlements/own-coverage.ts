import type { Static } from '@sinclair/typebox';
import { membershipYearAt } from '../members/coverage.ts';
import type { BeneficiaryRecord, MembershipWithPlan } from '../members/repository.ts';
import { presentBeneficiary } from '../members/views.ts';
import {
  decide,
  type MembershipState,
  type PlanService,
  type ReasonCode,
  type UsageCount,
} from './decide.ts';
import type { OwnCoverage } from './schemas.ts';

export type OwnCoverageView = Static<typeof OwnCoverage>;

/** Reasons only the request itself settles (the specialty is asked in the form): not a "no" yet. */
const ASKED_IN_THE_REQUEST: ReadonlySet<ReasonCode> = new Set(['SPECIALTY_REQUIRED']);

/**
 * A beneficiary's own view of their coverage: for every service of the plan, the decision for that
 * person with no request details, told in counts (`usedKeys: 'hidden'`), and whether they may ask
 * for it now. Of the membership only what the person needs: its number (to call the line), the plan,
 * the titular's name (who invited them) and the membership year; no card, charge or other person.
 */
export function ownCoverageView(input: {
  now: Date;
  membership: MembershipWithPlan;
  person: BeneficiaryRecord;
  plan: { code: string; name: string; services: PlanService[] };
  usage: UsageCount[];
}): OwnCoverageView {
  const { now, person, plan, usage } = input;
  const { membership: m, plan: version } = input.membership;
  const services = plan.services.map((service) => {
    const decision = decide({
      at: now,
      membership: {
        state: m.state as MembershipState,
        contractedAt: m.contractedAt,
        coverageEndsAt: m.coverageEndsAt,
      },
      plan,
      person: {
        kind: person.kind as 'spouse' | 'child' | 'additional_cardholder',
        fullName: person.fullName,
        birthDate: person.birthDate,
        addedAt: person.addedAt,
        removedAt: person.removedAt,
      },
      serviceCode: service.code,
      request: {},
      usage,
      usedKeys: 'hidden',
    });
    const available = decision.reasons.every((r) => r.ok || ASKED_IN_THE_REQUEST.has(r.code));
    return { serviceCode: service.code, name: service.name, available, decision };
  });
  const year = membershipYearAt(m.contractedAt, now);
  return {
    membership: {
      id: m.id,
      number: m.number,
      plan: { code: version.code, name: version.name, version: version.version },
      titularName: m.titularName,
      membershipYear: {
        number: year.number,
        startsAt: year.startsAt.toISOString(),
        endsAt: year.endsAt.toISOString(),
        resetsOn: year.resetsOn,
      },
    },
    person: presentBeneficiary(person, now),
    services,
  };
}
