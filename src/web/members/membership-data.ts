import type { Static } from '@sinclair/typebox';
import { useQuery } from '@tanstack/react-query';
import type { ChargeView } from '../../domains/billing/schemas.ts';
import type { ServiceUsage } from '../../domains/entitlements/decide.ts';
import { getJson } from '../api.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { Membership } from './membership.ts';

/**
 * A membership's charges and its use of services, read the same way by the customer's portal and
 * the agent's member page. Query keys carry no language: every answer holds both.
 */
export type Charge = Static<typeof ChargeView>;
export type Receipt = NonNullable<Charge['receipt']>;
export type Usage = { membershipYear: Membership['membershipYear']; services: ServiceUsage[] };
export type { ServiceUsage };

export const chargesKey = (membershipId: string) => ['charges', membershipId] as const;

export function useUsage(membershipId: string) {
  const { lang } = useI18n();
  return useQuery({
    queryKey: ['usage', membershipId],
    queryFn: () => getJson<Usage>(`/v1/memberships/${membershipId}/usage`, lang),
    // Used services change when a case is dispatched: read again on each visit.
    staleTime: 0,
  });
}

export function useCharges(membershipId: string) {
  const { lang } = useI18n();
  return useQuery({
    queryKey: chargesKey(membershipId),
    queryFn: () => getJson<{ data: Charge[] }>(`/v1/memberships/${membershipId}/charges`, lang),
    select: (answer) => answer.data,
  });
}
