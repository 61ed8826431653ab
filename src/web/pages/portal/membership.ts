import { useQuery } from '@tanstack/react-query';
import { getJson } from '../../api.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Membership } from '../../members/membership.ts';
import type { Coverage } from './outlet.ts';

export const MY_MEMBERSHIPS = ['memberships', 'mine'] as const;

/**
 * The signed-in customer's memberships (GET /v1/me/memberships) and the one the portal shows:
 * the one not cancelled, or else the most recently contracted (a cancelled one keeps its history).
 */
export function useMyMembership() {
  const { lang } = useI18n();
  const query = useQuery({
    queryKey: MY_MEMBERSHIPS,
    queryFn: () => getJson<{ data: Membership[] }>('/v1/me/memberships', lang),
  });
  const all = query.data?.data ?? [];
  const current =
    all.find((m) => m.state !== 'cancelled') ??
    [...all].sort((a, b) => b.contractedAt.localeCompare(a.contractedAt))[0];
  return { ...query, membership: current, all };
}

export const OWN_COVERAGE = ['coverage', 'mine'] as const;

/**
 * A beneficiary's own account (GET /v1/me/coverage), asked only once the account turned out to
 * hold no membership of its own: 404 for anyone who is not one, 403 once their access ended.
 */
export function useOwnCoverage(enabled: boolean) {
  const { lang } = useI18n();
  return useQuery({
    queryKey: OWN_COVERAGE,
    enabled,
    queryFn: () => getJson<Coverage>('/v1/me/coverage', lang),
    // What is left changes when a case is dispatched: read again on each visit.
    staleTime: 0,
  });
}
