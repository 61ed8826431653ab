import type { Static } from '@sinclair/typebox';
import { useQuery } from '@tanstack/react-query';
import type { ComplaintPage } from '../../../domains/complaints/schemas.ts';
import { getJson, type PlanView } from '../../api.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** The customer's own reads around assistance: the plan's services, complaints, the cancellation preview. */
export const COMPLAINTS = ['complaints', 'mine'] as const;
export const complaintKey = (id: string) => ['complaints', 'one', id] as const;
export const previewKey = (membershipId: string) => ['cancellation', membershipId] as const;

/** The services of the membership's plan (names in both languages), from the catalog. */
export function usePlan(code: string) {
  const { lang } = useI18n();
  return useQuery({
    queryKey: ['plan', code],
    queryFn: () => getJson<PlanView>(`/v1/plans/${code}`, lang),
    staleTime: 10 * 60_000,
  });
}

export function useComplaints() {
  const { lang } = useI18n();
  return useQuery({
    queryKey: COMPLAINTS,
    queryFn: () => getJson<Static<typeof ComplaintPage>>('/v1/complaints?limit=50', lang),
    staleTime: 15_000,
  });
}
