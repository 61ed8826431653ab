import type { Static } from '@sinclair/typebox';
import { useOutletContext } from 'react-router';
import type { OwnCoverage } from '../../../domains/entitlements/schemas.ts';
import type { Membership, Person } from '../../members/membership.ts';

export type Coverage = Static<typeof OwnCoverage>;

/**
 * Whose portal it is, handed to each section by PortalLayout: the titular's (their membership) or a
 * beneficiary's own account (their coverage under the titular's membership). Pages both may open
 * read what they share — the membership's id, its plan and the people the signed-in person may ask
 * help for; the titular's own sections read the membership itself.
 */
export type PortalScope =
  | { kind: 'titular'; membershipId: string; planCode: string; people: Person[]; membership: Membership }
  | { kind: 'beneficiary'; membershipId: string; planCode: string; people: Person[]; coverage: Coverage };

export function titularScope(membership: Membership): PortalScope {
  return {
    kind: 'titular',
    membershipId: membership.id,
    planCode: membership.plan.code,
    people: membership.people,
    membership,
  };
}

/** A beneficiary asks help only for themselves: the one person they may choose is already chosen. */
export function beneficiaryScope(coverage: Coverage): PortalScope {
  return {
    kind: 'beneficiary',
    membershipId: coverage.membership.id,
    planCode: coverage.membership.plan.code,
    people: [coverage.person],
    coverage,
  };
}

export function usePortalScope(): PortalScope {
  return useOutletContext<PortalScope>();
}

/** The titular's membership, for the sections only they have (routed under TitularOnly). */
export function useMembership(): Membership {
  const scope = usePortalScope();
  if (scope.kind !== 'titular') throw new Error('a titular-only section opened for a beneficiary');
  return scope.membership;
}
