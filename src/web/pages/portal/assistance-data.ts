import type { Static } from '@sinclair/typebox';
import { useQuery } from '@tanstack/react-query';
import type { CancellationPreview, CancellationView } from '../../../domains/cancellation/schemas.ts';
import type { CaseView } from '../../../domains/cases/schemas.ts';
import type { ComplaintPage, ComplaintView } from '../../../domains/complaints/schemas.ts';
import { ApiProblem, getJson, type PlanService, type PlanView } from '../../api.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { isMessageKey, type MessageKey } from '../../i18n/messages.ts';
import type { Tone } from '../../ui/StatusBadge.tsx';

/** The API's shapes, from the schemas that also validate and document it. */
export type Case = Static<typeof CaseView>;
export type CaseEvent = NonNullable<Case['timeline']>[number];
export type Decision = Case['decision'];
export type Complaint = Static<typeof ComplaintView>;
export type Preview = Static<typeof CancellationPreview>;
export type Cancellation = Static<typeof CancellationView>;
export type CancellationLine = Preview['cancellationLine'];

export const CASES = ['cases', 'mine'] as const;
export const caseKey = (id: string) => ['cases', 'one', id] as const;
export const COMPLAINTS = ['complaints', 'mine'] as const;
export const complaintKey = (id: string) => ['complaints', 'one', id] as const;
export const previewKey = (membershipId: string) => ['cancellation', membershipId] as const;

/** Not found is not going to appear by asking again. */
const retryUnlessMissing = (count: number, error: unknown) =>
  !(error instanceof ApiProblem && (error.status === 404 || error.status === 403)) && count < 1;

/** The problem's own words (problem+json `detail`), or "no connection". */
export function problemText(error: unknown, network: string): string {
  return error instanceof ApiProblem && error.status !== 0 && error.detail ? error.detail : network;
}

/** The services of the membership's plan (names in both languages), from the catalog. */
export function usePlan(code: string) {
  const { lang } = useI18n();
  return useQuery({
    queryKey: ['plan', code],
    queryFn: () => getJson<PlanView>(`/v1/plans/${code}`, lang),
    retry: retryUnlessMissing,
    staleTime: 10 * 60_000,
  });
}

/** The signed-in customer's cases, newest first. */
export function useCases() {
  const { lang } = useI18n();
  return useQuery({
    queryKey: CASES,
    queryFn: () => getJson<{ data: Case[] }>('/v1/cases?limit=50', lang),
    staleTime: 15_000,
  });
}

/** One case with its timeline. Kept fresh by the live stream (case-live.ts). */
export function useCase(id: string) {
  const { lang } = useI18n();
  return useQuery({
    queryKey: caseKey(id),
    queryFn: () => getJson<Case>(`/v1/cases/${id}`, lang),
    retry: retryUnlessMissing,
    staleTime: 5_000,
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

/** A service's name in the reader's language, or its code when the plan no longer has it. */
export function serviceName(services: PlanService[] | undefined, code: string, lang: 'es' | 'en'): string {
  return services?.find((s) => s.code === code)?.name[lang] ?? code;
}

/** How a case's state reads at a glance. */
export function stateTone(state: string): Tone {
  switch (state) {
    case 'completed':
    case 'attended':
    case 'approved':
    case 'paid':
    case 'on_site':
      return 'good';
    case 'awaiting_excess_acceptance':
    case 'refused':
    case 'rejected':
    case 'no_show':
      return 'alert';
    case 'cancelled':
      return 'neutral';
    default:
      return 'pending';
  }
}

/** The catalogue's short word for a state ("En camino"), or the API's label for one it does not know. */
export function stateWord(
  t: (key: MessageKey) => string,
  kase: Pick<Case, 'state' | 'stateLabel'>,
  lang: 'es' | 'en',
): string {
  const key = `assistance.state.${kase.state}`;
  return isMessageKey(key) ? t(key) : kase.stateLabel[lang];
}

/** Before the provider arrives a case may be cancelled (mirrors the API's lifecycle). */
const CANCELLABLE = [
  'requested',
  'awaiting_excess_acceptance',
  'dispatched',
  'en_route',
  'booked',
  'in_consultation',
  'under_review',
];
export function isCancellable(state: string): boolean {
  return CANCELLABLE.includes(state);
}

/** Still going on: the customer may want to follow it. */
const CLOSED = ['completed', 'attended', 'no_show', 'paid', 'rejected', 'cancelled', 'refused'];
export function isOpen(state: string): boolean {
  return !CLOSED.includes(state);
}
