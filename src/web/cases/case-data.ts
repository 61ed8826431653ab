import type { Static } from '@sinclair/typebox';
import { useQuery } from '@tanstack/react-query';
import type { CaseView } from '../../domains/cases/schemas.ts';
import { getJson, type PlanService } from '../api.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { isMessageKey, type MessageKey } from '../i18n/messages.ts';
import type { Tone } from '../ui/StatusBadge.tsx';

/**
 * A case as both the portal and the console read it: the API's shape, its cache keys (one key per
 * case, so the portal's page, the console's board and the live stream share one cached copy), and
 * how a state reads. Each app words the rest from its own catalogue.
 */
export type Case = Static<typeof CaseView>;
export type CaseEvent = NonNullable<Case['timeline']>[number];
export type Decision = Case['decision'];

export const CASES = ['cases', 'mine'] as const;
export const caseKey = (id: string) => ['cases', 'one', id] as const;

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
    staleTime: 5_000,
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
