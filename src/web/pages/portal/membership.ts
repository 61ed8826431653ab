import { useQuery } from '@tanstack/react-query';
import { getJson } from '../../api.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Membership } from '../../members/membership.ts';

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
