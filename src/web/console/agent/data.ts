import type { Static } from '@sinclair/typebox';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { ComplaintPage } from '../../../domains/complaints/schemas.ts';
import type { CandidateView } from '../../../domains/dispatch/schemas.ts';
import type { MembershipEventView, SearchResult } from '../../../domains/members/schemas.ts';
import { ApiProblem, getJson, type PlanService, type PlanView } from '../../api.ts';
import { type Case, isOpen } from '../../cases/case-data.ts';
import type { Complaint, Membership, Preview } from '../../members/membership.ts';
import { useStaffI18n } from '../../staff/i18n.ts';

/**
 * The agent's reads (search, the member's whole picture, the dispatch board). Query keys carry no
 * language: answers hold both languages where people read them. The case itself and its live
 * stream are shared with the portal (cases/case-data.ts, cases/case-live.ts): same API, same cache key.
 */
export type Found = Static<typeof SearchResult>;
export type MembershipEvent = Static<typeof MembershipEventView>;
export type Candidate = Static<typeof CandidateView>;
export type { Case, Complaint, Membership, Preview };

export const memberKey = (id: string) => ['staff', 'membership', id] as const;
export const memberCasesKey = (id: string) => ['staff', 'membership-cases', id] as const;
export const memberComplaintsKey = (id: string) => ['staff', 'membership-complaints', id] as const;
export const candidatesKey = (caseId: string) => ['staff', 'candidates', caseId] as const;
export const verificationKey = (id: string) => ['staff', 'verification', id] as const;

export function useMemberSearch(q: string) {
  const { lang } = useStaffI18n();
  const term = q.trim();
  return useQuery({
    queryKey: ['staff', 'search', term],
    enabled: term.length >= 2,
    queryFn: () => getJson<{ data: Found[] }>(`/v1/memberships?q=${encodeURIComponent(term)}&limit=20`, lang),
    select: (answer) => answer.data,
    staleTime: 10_000,
  });
}

/** Every plan on sale, by code (names of plans and of their services). */
export function usePlans() {
  const { lang } = useStaffI18n();
  return useQuery({
    queryKey: ['plans'],
    queryFn: () => getJson<{ data: PlanView[] }>('/v1/plans', lang),
    select: (answer) => answer.data,
    staleTime: 10 * 60_000,
  });
}

/** A service's name in the reader's language, from any plan that has it; its code otherwise. */
export function serviceLabel(plans: PlanView[] | undefined, code: string, lang: 'es' | 'en'): string {
  for (const plan of plans ?? []) {
    const found = plan.services.find((s: PlanService) => s.code === code);
    if (found) return found.name[lang];
  }
  return code;
}

export function useMember(id: string, enabled = true) {
  const { lang } = useStaffI18n();
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: memberKey(id),
    enabled,
    queryFn: async () => {
      try {
        return await getJson<Membership>(`/v1/memberships/${id}`, lang);
      } catch (error) {
        // The caller's check lapsed during the call: the page asks for it again.
        if (error instanceof ApiProblem && error.code === 'VERIFICATION_REQUIRED')
          void queryClient.invalidateQueries({ queryKey: verificationKey(id) });
        throw error;
      }
    },
    staleTime: 5_000,
  });
}

export function useMembershipEvents(id: string) {
  const { lang } = useStaffI18n();
  return useQuery({
    queryKey: ['staff', 'membership-events', id],
    queryFn: () => getJson<{ data: MembershipEvent[] }>(`/v1/memberships/${id}/events`, lang),
    select: (answer) => answer.data,
  });
}

/** The member's cases, newest first; read again every few seconds while one is still going on. */
export function useMemberCases(id: string) {
  const { lang } = useStaffI18n();
  return useQuery({
    queryKey: memberCasesKey(id),
    queryFn: () => getJson<{ data: Case[] }>(`/v1/cases?membershipId=${id}&limit=50`, lang),
    select: (answer) => answer.data,
    staleTime: 0,
    refetchInterval: (query) => ((query.state.data?.data ?? []).some((c) => isOpen(c.state)) ? 5_000 : false),
  });
}

/** GET /v1/complaints filters by membership (`membershipId`): the member's complaints only. */
export function useMemberComplaints(id: string, enabled: boolean) {
  const { lang } = useStaffI18n();
  return useQuery({
    queryKey: memberComplaintsKey(id),
    enabled,
    queryFn: () => getJson<Static<typeof ComplaintPage>>(`/v1/complaints?membershipId=${id}&limit=50`, lang),
    select: (answer) => answer.data,
  });
}

export function useCancellationPreview(id: string, enabled: boolean) {
  const { lang } = useStaffI18n();
  return useQuery({
    queryKey: ['staff', 'cancellation', id],
    enabled,
    queryFn: () => getJson<Preview>(`/v1/memberships/${id}/cancellation`, lang),
    staleTime: 0,
  });
}

/**
 * The providers of the case's service by distance and ETA (the dispatch board), with how far the
 * platform's clock is from this browser's (`clockOffsetMs`), so an offer's countdown is right even
 * when the two disagree.
 */
export function useCandidates(caseId: string, enabled: boolean) {
  const { lang } = useStaffI18n();
  return useQuery({
    queryKey: candidatesKey(caseId),
    enabled,
    queryFn: async () => {
      const answer = await getJson<{ data: Candidate[]; asOf: string }>(
        `/v1/cases/${caseId}/candidates`,
        lang,
      );
      return { ...answer, receivedAt: Date.now() };
    },
    staleTime: 0,
  });
}

/** The wall clock, ticking every `ms` while mounted (countdowns). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** Pesos as typed ("1,500.50", "1500") to centavos; undefined when it is not an amount. */
export { parsePesos as centavosOf } from '../../i18n/format.ts';

/**
 * A one-key shortcut (no modifier) while nobody is typing and no dialog is open: `n` for a new
 * case, `a` to assign… The key is shown on screen beside its button (<kbd>, aria-keyshortcuts).
 */
export function useKeyShortcuts(bindings: Record<string, (() => void) | undefined | false>) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey || event.repeat) return;
      const target = event.target as HTMLElement | null;
      const typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (typing || document.querySelector('dialog[open]')) return;
      const action = bindings[event.key.toLowerCase()];
      if (action) {
        event.preventDefault();
        action();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [bindings]);
}
