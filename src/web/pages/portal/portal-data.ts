import type { Static } from '@sinclair/typebox';
import { useQuery } from '@tanstack/react-query';
import type { CancellationPreview } from '../../../domains/cancellation/schemas.ts';
import type { SessionView } from '../../../domains/identity/schemas.ts';
import { lastCoveredInstant as coveredUntil } from '../../../lib/words.ts';
import { ApiProblem, getJson, type PlanView } from '../../api.ts';
import type { Translate } from '../../i18n/i18n.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Membership } from '../../members/membership.ts';
import type { Charge } from '../../members/membership-data.ts';

/**
 * The portal sections' reads (Resumen, Personas, Cobros, Recibo, Cuenta). Query keys carry no
 * language: every answer holds both (names, labels, reasons), so switching language fetches nothing.
 */
export type Session = Static<typeof SessionView>;

export const SESSIONS = ['me', 'sessions'] as const;

export function useCharge(chargeId: string) {
  const { lang } = useI18n();
  return useQuery({
    queryKey: ['charge', chargeId],
    queryFn: () => getJson<Charge>(`/v1/charges/${chargeId}`, lang),
    // Someone else's (or no) charge answers 404 at once: asking again changes nothing.
  });
}

/** The plan as sold today (same key as the plan page): its price is the next charge's when versions match. */
export function usePlan(code: string) {
  const { lang } = useI18n();
  return useQuery({ queryKey: ['plan', code], queryFn: () => getJson<PlanView>(`/v1/plans/${code}`, lang) });
}

/** When a cancelled membership's services stop (only asked for cancelled memberships). */
export function useCancellation(membership: Membership) {
  const { lang } = useI18n();
  return useQuery({
    queryKey: ['cancellation', membership.id],
    enabled: membership.state === 'cancelled',
    queryFn: () =>
      getJson<Static<typeof CancellationPreview>>(`/v1/memberships/${membership.id}/cancellation`, lang),
  });
}

export function useSessions() {
  const { lang } = useI18n();
  return useQuery({
    queryKey: SESSIONS,
    queryFn: () => getJson<{ data: Session[] }>('/v1/me/sessions', lang),
    select: (answer) => answer.data,
    staleTime: 0,
  });
}

/** What went wrong, in the API's words, or the network sentence. */
export function problemDetail(error: unknown, t: Translate): string {
  return error instanceof ApiProblem && error.detail ? error.detail : t('state.error.network');
}

/**
 * The API's words for one field of a form: the problem's detail (in the reader's language) when
 * the problem names that field. The per-field `message` of a problem is the API's English note for
 * developers; the detail is what people read.
 */
export function fieldProblem(problem: ApiProblem | null, field: string): string | undefined {
  if (!problem || problem.fieldMessage(field) === undefined) return undefined;
  return problem.detail ?? problem.fieldMessage(field);
}

/** The same problem when none of the form's fields is named: said above the form. */
export function formProblem(problem: ApiProblem | null, fields: string[], t: Translate): string | undefined {
  if (!problem) return undefined;
  if (fields.some((f) => problem.fieldMessage(f) !== undefined)) return undefined;
  return problem.detail ?? t('state.error.network');
}

/** The last instant an exclusive end still covers, for "hasta el …" (its Mexico City day; src/lib/words.ts). */
export function lastCoveredInstant(exclusiveEnd: string): string {
  return coveredUntil(exclusiveEnd).toISOString();
}
